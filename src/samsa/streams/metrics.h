#pragma once
// Kafka Streams' built-in metrics as kafka_streams::metrics() returns them
// (Kafka's KafkaStreams#metrics()): a snapshot, metric name -> value.
// docs/streams-metrics.md lists what exists.
//
// A metric name is Kafka's MetricName: name, group and tags
// ("process-rate", "stream-thread-metrics", {thread-id: ...}).
//
// metrics.recording.level (Kafka's Sensor.RecordingLevel): INFO (default)
// records INFO metrics only; DEBUG adds the DEBUG ones; TRACE everything.
// A metric above the level still exists in the snapshot, it just stays at
// its initial value (0, or NaN for avg/max), as in Kafka.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/streams/export.h"

namespace samsa::streams {

// Kafka's Sensor.RecordingLevel (metrics.recording.level): which sensors record; INFO by default.
enum class recording_level { info, debug, trace };
// "INFO", "DEBUG" or "TRACE".
SAMSA_STREAMS_API const char* to_string(recording_level l);
// "INFO", "DEBUG", "TRACE" (Kafka spells them in capitals); nullopt otherwise.
SAMSA_STREAMS_API std::optional<recording_level> parse_recording_level(std::string_view s);

// Kafka's MetricName: a metric's name, group and tags.
struct SAMSA_STREAMS_API metric_name {
    // process-rate ...
    std::string name;
    // stream-thread-metrics ...
    std::string group;
    // thread-id, task-id ...
    std::map<std::string, std::string> tags;

    // Ordered by name, group, then tags.
    auto operator<=>(const metric_name&) const = default;
    // Same name, group and tags.
    bool operator==(const metric_name&) const = default;
    // name{group}[k=v,...], for logs and test messages.
    std::string to_string() const;
};

// Every metric's value at one moment (kafka_streams::metrics()).
using metrics_snapshot = std::map<metric_name, double>;
// The metrics whose values Kafka gives as strings (client level: version,
// commit-id, application-id, topology-description, state), kept apart so
// that metrics_snapshot stays numeric (kafka_streams::text_metrics()).
using text_metrics_snapshot = std::map<metric_name, std::string>;

}  // namespace samsa::streams
