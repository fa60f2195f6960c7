#pragma once
// Conversions between librdkafka messages / partition lists and the
// runtime's types.
//
// Threads: any; no shared state.

#include <librdkafka/rdkafka.h>

#include <vector>

#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

consumed_record to_record(const rd_kafka_message_t& m);
std::vector<topic_partition> to_partitions(const rd_kafka_topic_partition_list_t* list);
// The caller destroys the list (rd_kafka_topic_partition_list_destroy).
rd_kafka_topic_partition_list_t* to_list(const std::vector<topic_partition>& partitions);
// Offsets to commit with their metadata strings (the list owns copies).
rd_kafka_topic_partition_list_t* to_commit_list(const committed_offsets& offsets);

}  // namespace samsa::streams::internal::kafka
