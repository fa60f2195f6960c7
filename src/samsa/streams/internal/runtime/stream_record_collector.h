#pragma once
// stream_record_collector: the record_collector of a stream thread's tasks
// (Kafka Streams' RecordCollectorImpl under at-least-once): hands every
// record to the thread's producer, remembers the offset of the last record
// delivered to each partition (a changelog's offsets go into the task's
// checkpoint) and applies the production exception handler to failed
// deliveries: `fail` keeps the first error, which the next send() throws and
// flush() returns, so the task stops before its offsets are committed;
// `continue` logs and drops the record.
//
// Under exactly_once_v2 (Kafka's StreamsProducer) the producer is
// transactional: the first send() after a commit or an abort begins a
// transaction, commit_transaction() puts the consumed offsets into it and
// commits, abort_transaction() throws away everything sent since. The
// thread's sink, repartition and changelog records all go through here, so
// one transaction holds all of them.
//
// Threads: the stream thread; delivery reports arrive on it too (inside the
// producer's poll() and flush()).

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>

#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/detail/runtime/record_collector.h"
#include "samsa/streams/internal/runtime/task_graph.h"
#include "samsa/streams/streams_config.h"

namespace samsa::streams::internal {

class stream_record_collector final : public record_collector, private delivery_listener {
public:
    stream_record_collector(record_producer& producer, production_handler_response on_error,
                            bool exactly_once = false);

    // Throws task_failure when an earlier delivery failed under `fail`, or
    // the producer refuses the record.
    void send(produced_record&& r) override;
    // Waits for every delivery report; the first failure under `fail`.
    [[nodiscard]] status flush(std::chrono::milliseconds timeout);
    void poll() { producer_->poll(); }
    std::optional<samsa::offset> last_offset(const topic_partition& tp) const override;
    // From the producer's metadata, asked once per topic.
    std::optional<int32_t> partition_count(const std::string& topic) override;
    int64_t dropped() const { return dropped_; }

    bool exactly_once() const { return exactly_once_; }
    // exactly_once_v2 (see above); the first two once per producer.
    [[nodiscard]] status init_transactions(std::chrono::milliseconds timeout);
    // Offsets may be empty (nothing consumed, but punctuators sent records).
    [[nodiscard]] status commit_transaction(const committed_offsets& offsets,
                                            const consumer_group_metadata* group, std::chrono::milliseconds timeout);
    // Aborts the open transaction (if any) and forgets failed deliveries and
    // the offsets of records that are now aborted.
    [[nodiscard]] status abort_transaction(std::chrono::milliseconds timeout);
    bool in_transaction() const { return in_transaction_; }
    // The producer is fenced or failed fatally: a new one is needed.
    bool producer_fatal() const { return producer_->fatal(); }
    // After the stream thread made a new producer (the old one was fenced).
    void replace_producer(record_producer& producer);

private:
    void on_delivery(const delivery_report& d) override;
    void begin_transaction_if_needed();

    record_producer* producer_;
    production_handler_response on_error_;
    // Searched by the delivery report's view (no topic string per record).
    std::map<topic_partition, samsa::offset, partition_less> offsets_;
    // The entry the last report updated: librdkafka reports a batch's
    // records together, so runs of reports share a partition (nullptr after
    // offsets_ was cleared).
    std::pair<const topic_partition, samsa::offset>* last_delivered_ = nullptr;
    std::map<std::string, int32_t, std::less<>> partition_counts_;
    std::optional<error> first_error_;
    int64_t dropped_ = 0;
    bool exactly_once_ = false;
    bool in_transaction_ = false;
};

}  // namespace samsa::streams::internal
