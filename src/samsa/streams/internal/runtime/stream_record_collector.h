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
// Threads: the stream thread; delivery reports arrive on it too (inside the
// producer's poll() and flush()).

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>

#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/record_collector.h"
#include "samsa/streams/internal/runtime/task_graph.h"
#include "samsa/streams/streams_config.h"

namespace samsa::streams::internal {

class stream_record_collector final : public record_collector, private delivery_listener {
public:
    stream_record_collector(record_producer& producer, production_handler_response on_error);

    // Throws task_failure when an earlier delivery failed under `fail`, or
    // the producer refuses the record.
    void send(produced_record r) override;
    // Waits for every delivery report; the first failure under `fail`.
    [[nodiscard]] status flush(std::chrono::milliseconds timeout);
    void poll() { producer_->poll(); }
    std::optional<samsa::offset> last_offset(const topic_partition& tp) const override;
    // From the producer's metadata, asked once per topic.
    std::optional<int32_t> partition_count(const std::string& topic) override;
    int64_t dropped() const { return dropped_; }

private:
    void on_delivery(const delivery_report& d) override;

    record_producer* producer_;
    production_handler_response on_error_;
    std::map<topic_partition, samsa::offset> offsets_;
    std::map<std::string, int32_t, std::less<>> partition_counts_;
    std::optional<error> first_error_;
    int64_t dropped_ = 0;
};

}  // namespace samsa::streams::internal
