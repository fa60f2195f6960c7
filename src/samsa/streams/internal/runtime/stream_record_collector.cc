#include "samsa/streams/internal/runtime/stream_record_collector.h"

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

stream_record_collector::stream_record_collector(record_producer& producer, production_handler_response on_error,
                                                 bool exactly_once)
    : producer_(&producer), on_error_(on_error), exactly_once_(exactly_once) {}

void stream_record_collector::begin_transaction_if_needed() {
    if (!exactly_once_ || in_transaction_) return;
    status st = producer_->begin_transaction();
    if (!st) throw task_failure("cannot begin a transaction: " + st.error().message);
    in_transaction_ = true;
}

status stream_record_collector::init_transactions(std::chrono::milliseconds timeout) {
    return producer_->init_transactions(timeout);
}

status stream_record_collector::commit_transaction(const committed_offsets& offsets,
                                                   const consumer_group_metadata* group,
                                                   std::chrono::milliseconds timeout) {
    if (first_error_) return *first_error_;
    if (!in_transaction_ && offsets.empty()) return ok();
    if (!in_transaction_) {
        status st = producer_->begin_transaction();
        if (!st) return st;
        in_transaction_ = true;
    }
    if (!offsets.empty()) {
        if (group == nullptr) return make_error(errc::unsupported, "the consumer has no group metadata");
        status st = producer_->send_offsets_to_transaction(offsets, *group, timeout);
        if (!st) return st;
    }
    status st = producer_->commit_transaction(timeout);
    if (!st) return st;
    in_transaction_ = false;
    return ok();
}

status stream_record_collector::abort_transaction(std::chrono::milliseconds timeout) {
    first_error_.reset();
    // What was delivered in the aborted transaction is not in the changelog
    // as a read_committed reader sees it.
    offsets_.clear();
    last_delivered_ = nullptr;
    if (!in_transaction_) return ok();
    in_transaction_ = false;
    if (producer_->fatal()) return make_error(errc::closed, "the producer is fenced; nothing to abort");
    return producer_->abort_transaction(timeout);
}

void stream_record_collector::replace_producer(record_producer& producer) {
    producer_ = &producer;
    in_transaction_ = false;
    first_error_.reset();
    offsets_.clear();
    last_delivered_ = nullptr;
    partition_counts_.clear();
}

void stream_record_collector::send(produced_record&& r) {
    if (first_error_) throw task_failure("an earlier send failed: " + first_error_->message);
    begin_transaction_if_needed();
    status st = producer_->send(r, *this);
    if (!st) throw task_failure("error sending a record to " + std::string(r.topic) + ": " + st.error().message);
}

void stream_record_collector::on_delivery(const delivery_report& d) {
    if (d.result) {
        auto* e = last_delivered_;
        if (e == nullptr || e->first.partition != d.tp.partition || e->first.topic != d.tp.topic) {
            auto it = offsets_.find(d.tp);
            if (it == offsets_.end()) it = offsets_.emplace(d.tp.owned(), d.offset).first;
            e = &*it;
            last_delivered_ = e;
        }
        if (d.offset > e->second) e->second = d.offset;
        return;
    }
    // Under exactly-once a record lost from the transaction can only be
    // dropped by aborting all of it (Kafka: the handler is not consulted for
    // errors that poison the transaction).
    if (on_error_ == production_handler_response::continue_processing && !exactly_once_) {
        ++dropped_;
        spdlog::warn("[streams] dropping a record for {} that could not be sent: {}", d.tp.to_string(),
                     d.result.error().message);
        return;
    }
    if (!first_error_) {
        first_error_ = make_error(d.result.error().code, "error sending a record to " + d.tp.to_string() + ": " +
                                                             d.result.error().message);
    }
}

status stream_record_collector::flush(std::chrono::milliseconds timeout) {
    status st = producer_->flush(timeout);
    if (first_error_) return *first_error_;
    return st;
}

std::optional<int32_t> stream_record_collector::partition_count(const std::string& topic) {
    if (auto it = partition_counts_.find(topic); it != partition_counts_.end()) return it->second;
    auto n = producer_->partition_count(topic, std::chrono::seconds(10));
    if (!n) {
        spdlog::warn("[streams] no partition count for {}: {}", topic, n.error().message);
        return std::nullopt;
    }
    partition_counts_.emplace(topic, *n);
    return *n;
}

std::optional<samsa::offset> stream_record_collector::last_offset(const topic_partition& tp) const {
    auto it = offsets_.find(tp);
    if (it == offsets_.end()) return std::nullopt;
    return it->second;
}

}  // namespace samsa::streams::internal
