#pragma once
// internal_topic_manager: what kafka_streams::start() checks and creates
// before any thread runs (Kafka Streams' InternalTopicManager and the
// start-up half of its partition assignor):
//   1. the partition counts of every source and global topic; missing topics
//      are an error naming them all;
//   2. co-partitioning (topology::validate_copartitioning), which also fixes
//      the repartition topics' counts;
//   3. CreateTopics for repartition topics (cleanup.policy=delete) and
//      changelog topics (cleanup.policy=compact, one partition per task);
//      an existing topic is fine if its partition count is right.
//
// Threads: the caller's (start()).

#include <chrono>
#include <map>
#include <string>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {

struct prepared_topology {
    topology_metadata metadata;
    std::map<std::string, int> global_partitions;  // global topic -> count
};

// not_found: missing source topics; invalid_argument: co-partitioning or a
// pre-existing internal topic with another partition count; other errors
// from the admin client.
[[nodiscard]] result<prepared_topology> prepare_topics(admin_client& admin, const topology& t,
                                                       const streams_config& config);

}  // namespace samsa::streams::internal
