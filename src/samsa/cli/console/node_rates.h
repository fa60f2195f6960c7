#pragma once
// node_rates: what a streams application's metrics endpoint says each
// processor node does, for the console's topology picture.
//
// Reads Prometheus text as samsa::streams serves it (samsa.metrics.listener,
// order-mail's /metrics) and as the Prometheus JMX exporter names Kafka
// Streams' JMX metrics by default: the family
// kafka_streams_stream_processor_node_metrics_process_rate, labelled
// processor_node_id (with task_id and thread_id). A node runs in one task per
// partition, so its rate is the sum over its tasks. Kafka Streams records
// processor-node metrics at recording level DEBUG only; at INFO the family is
// absent (Java) or 0 (samsa).
//
// Thread: any (pure functions).

#include <map>
#include <string>
#include <string_view>

namespace samsa::cli::console {

inline constexpr std::string_view node_process_rate_family =
    "kafka_streams_stream_processor_node_metrics_process_rate";

// Records per second by processor node name, summed over tasks; samples
// that are NaN (nothing recorded yet) or not numbers are left out, and so is
// a line that does not parse.
std::map<std::string, double> node_process_rates(std::string_view prometheus_text);

}  // namespace samsa::cli::console
