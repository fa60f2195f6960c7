#include "samsa/streams/detail/runtime/node_metrics.h"

#include "samsa/streams/detail/runtime/task_context.h"
#include "samsa/streams/internal/runtime/streams_metrics.h"

namespace samsa::streams::internal {

namespace {
const std::string node_group = "stream-processor-node-metrics";

std::map<std::string, std::string> node_tags(const task_context& task, const std::string& node) {
    return {{"thread-id", task.thread_id()}, {"task-id", task.task_id()}, {"processor-node-id", node}};
}
}  // namespace

void record_sensor(sensor& s, double value) { s.record(value); }

sensor* suppression_emit_sensor(task_context& task, const std::string& node) {
    return task.operator_sensors().add(recording_level::debug,
                                       rate_and_count("suppression-emit", node_group, node_tags(task, node)));
}

emit_final_sensors make_emit_final_sensors(task_context& task, const std::string& node) {
    const std::string op = "window-aggregate-final-emit";
    const auto tags = node_tags(task, node);
    emit_final_sensors s;
    // Kafka's addRateOfSumAndSumMetricsToSensor: the rate and total count
    // the records, one recording per look.
    s.emitted = task.operator_sensors().add(recording_level::debug, rate_and_sum(op, node_group, tags));
    s.latency = task.operator_sensors().add(recording_level::debug, avg_and_max_latency(op, node_group, tags));
    return s;
}

suppression_buffer_sensors make_suppression_buffer_sensors(task_context& task, const std::string& store) {
    const std::map<std::string, std::string> tags{
        {"thread-id", task.thread_id()}, {"task-id", task.task_id()}, {"in-memory-suppression-state-id", store}};
    const std::string group = "stream-state-metrics";
    auto avg_and_max = [&](const std::string& gauge) {
        return std::vector<std::pair<metric_name, stat>>{{metric_name{gauge + "-avg", group, tags}, stat::avg},
                                                         {metric_name{gauge + "-max", group, tags}, stat::max}};
    };
    suppression_buffer_sensors s;
    s.size = task.operator_sensors().add(recording_level::debug, avg_and_max("suppression-buffer-size"));
    s.count = task.operator_sensors().add(recording_level::debug, avg_and_max("suppression-buffer-count"));
    return s;
}

}  // namespace samsa::streams::internal
