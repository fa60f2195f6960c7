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

namespace samsa::streams {

enum class recording_level { info, debug, trace };
const char* to_string(recording_level l);
// "INFO", "DEBUG", "TRACE" (Kafka spells them in capitals); nullopt otherwise.
std::optional<recording_level> parse_recording_level(std::string_view s);

struct metric_name {
    std::string name;
    std::string group;
    std::map<std::string, std::string> tags;

    auto operator<=>(const metric_name&) const = default;
    bool operator==(const metric_name&) const = default;
    // name{group}[k=v,...], for logs and test messages.
    std::string to_string() const;
};

using metrics_snapshot = std::map<metric_name, double>;
// The metrics whose values Kafka gives as strings (client level: version,
// commit-id, application-id, topology-description, state), kept apart so
// that metrics_snapshot stays numeric (kafka_streams::text_metrics()).
using text_metrics_snapshot = std::map<metric_name, std::string>;

}  // namespace samsa::streams
