#pragma once
// The metric names, in one place (docs/metrics.md lists them with their
// meanings). Kafka's metrics are named as the Prometheus JMX exporter's usual
// Kafka rules name them (lower case, kafka_<domain>_<type>_<name>, a meter's
// count as _total), so dashboards built for Kafka find them; consumer group
// offsets and lag as kafka_exporter names them; what only Samsa has starts
// with samsa_.
//
// Thread: any; constants.

#include <string>
#include <string_view>

namespace samsa::broker::metrics::names {

// BrokerTopicMetrics: per topic (label topic) and for all topics (no label).
inline constexpr std::string_view bytes_in = "kafka_server_brokertopicmetrics_bytesin_total";
inline constexpr std::string_view bytes_in_help = "Bytes of record batches appended by Produce (BytesInPerSec).";
inline constexpr std::string_view bytes_out = "kafka_server_brokertopicmetrics_bytesout_total";
inline constexpr std::string_view bytes_out_help = "Bytes of record batches sent by Fetch (BytesOutPerSec).";
inline constexpr std::string_view messages_in = "kafka_server_brokertopicmetrics_messagesin_total";
inline constexpr std::string_view messages_in_help = "Records appended by Produce (MessagesInPerSec).";

// RequestMetrics, label request (Kafka's API name).
inline constexpr std::string_view requests = "kafka_network_requestmetrics_requests_total";
inline constexpr std::string_view total_time = "kafka_network_requestmetrics_totaltimems";
inline constexpr std::string_view queue_time = "kafka_network_requestmetrics_requestqueuetimems";
inline constexpr std::string_view local_time = "kafka_network_requestmetrics_localtimems";
// kafka_x -> samsa_x: the histogram behind a summary.
inline std::string histogram_of(std::string_view summary_name) {
    return "samsa_" + std::string(summary_name.substr(summary_name.find('_') + 1));
}

// socket-server-metrics.
inline constexpr std::string_view connections = "kafka_server_socket_server_metrics_connection_count";
inline constexpr std::string_view auth_ok = "kafka_server_socket_server_metrics_successful_authentication_total";
inline constexpr std::string_view auth_failed = "kafka_server_socket_server_metrics_failed_authentication_total";

// Topics, partitions, logs (labels topic, partition).
inline constexpr std::string_view topic_count = "kafka_controller_kafkacontroller_globaltopiccount";
inline constexpr std::string_view partition_count = "kafka_server_replicamanager_partitioncount";
inline constexpr std::string_view log_size = "kafka_log_log_size";
inline constexpr std::string_view log_start_offset = "kafka_log_log_logstartoffset";
inline constexpr std::string_view log_end_offset = "kafka_log_log_logendoffset";
inline constexpr std::string_view log_segments = "kafka_log_log_numlogsegments";

// Consumer groups (labels consumergroup, topic, partition).
inline constexpr std::string_view group_count = "kafka_coordinator_group_groupmetadatamanager_numgroups";
inline constexpr std::string_view group_members = "kafka_consumergroup_members";
inline constexpr std::string_view group_offset = "kafka_consumergroup_current_offset";
inline constexpr std::string_view group_lag = "kafka_consumergroup_lag";

// Idempotent producers (KIP-854's ProducerIdCount).
inline constexpr std::string_view producer_ids = "kafka_server_replicamanager_produceridcount";

// The log cleaner, summed over the partitions that exist.
inline constexpr std::string_view cleaner_runs = "samsa_log_cleaner_cleans_total";
inline constexpr std::string_view cleaner_bytes_read = "samsa_log_cleaner_bytes_read_total";
inline constexpr std::string_view cleaner_bytes_written = "samsa_log_cleaner_bytes_written_total";
inline constexpr std::string_view cleaner_records_read = "samsa_log_cleaner_records_read_total";
inline constexpr std::string_view cleaner_records_kept = "samsa_log_cleaner_records_kept_total";
inline constexpr std::string_view cleaner_cleaning = "samsa_log_cleaner_cleaning_partitions";
inline constexpr std::string_view cleaner_recopy = "kafka_log_logcleaner_cleaner_recopy_percent";

}  // namespace samsa::broker::metrics::names
