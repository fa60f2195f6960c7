#include "samsa/streams/internal/runtime/stream_record_collector.h"

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

stream_record_collector::stream_record_collector(record_producer& producer, production_handler_response on_error)
    : producer_(&producer), on_error_(on_error) {}

void stream_record_collector::send(produced_record r) {
    if (first_error_) throw task_failure("an earlier send failed: " + first_error_->message);
    status st = producer_->send(r, *this);
    if (!st) throw task_failure("error sending a record to " + r.topic + ": " + st.error().message);
}

void stream_record_collector::on_delivery(const delivery_report& d) {
    if (d.result) {
        auto it = offsets_.find(d.tp);
        if (it == offsets_.end()) offsets_.emplace(d.tp, d.offset);
        else if (d.offset > it->second) it->second = d.offset;
        return;
    }
    if (on_error_ == production_handler_response::continue_processing) {
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
