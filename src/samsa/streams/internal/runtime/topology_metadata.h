#pragma once
// topology_metadata: what the runtime derives from a topology once the real
// partition counts are known: its sub-topologies with their (decorated)
// source topics, stores, changelog topics and task counts; the internal
// topics to create; and the tasks an assignment of partitions makes (Kafka
// Streams' TopologyMetadata, InternalTopicConfig and the task half of
// PartitionGrouper).
//
//   sub-topology 0 reads words (3 partitions)      -> tasks 0_0, 0_1, 0_2
//   sub-topology 1 reads app-X-repartition (3)     -> tasks 1_0, 1_1, 1_2,
//   store counts -> changelog app-counts-changelog, 3 partitions, compacted
//
// Threads: built once at start(); read-only afterwards, shared by every
// stream thread.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/internal/runtime/task_id.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {

struct subtopology_info {
    int id = 0;
    // Node names in the order the topology added them (parents first).
    std::vector<std::string> nodes;
    std::set<std::string> source_topics;  // decorated
    std::vector<std::string> stores;      // non-global stores its processors use
    std::map<std::string, std::string> changelogs;  // logged store -> changelog topic
    int partitions = 0;                   // number of tasks
};

class topology_metadata {
public:
    // counts: every source topic's partition count as
    // topology::validate_copartitioning() returns them (internal topics
    // undecorated). invalid_argument when a count is missing.
    // window_changelog_additional_retention_ms: streams_config's
    // windowstore.changelog.additional.retention.ms, added to window and
    // session stores' retention for their changelogs' retention.ms.
    [[nodiscard]] static result<topology_metadata> build(
        const topology& t, std::string application_id, const std::map<std::string, int>& counts,
        int64_t window_changelog_additional_retention_ms = stores::default_windowstore_changelog_additional_retention_ms);

    const std::string& application_id() const { return application_id_; }
    const std::vector<subtopology_info>& subtopologies() const { return subtopologies_; }
    const subtopology_info& subtopology(int id) const;
    // The sub-topology reading a decorated topic, if any.
    std::optional<int> subtopology_of(const std::string& topic) const;
    // Every decorated topic the stream threads subscribe to.
    std::set<std::string> source_topics() const;
    bool has_global_stores() const { return !global_topics_.empty(); }
    const std::set<std::string>& global_topics() const { return global_topics_; }
    // A repartition topic (decorated) of the topology: its consumed records
    // are purged after commits (Kafka's InternalTopologyBuilder
    // repartitionTopics; a user's topic read by through() is not).
    bool is_repartition_topic(std::string_view topic) const {
        return repartition_topics_.find(topic) != repartition_topics_.end();
    }
    // Repartition topics (with their counts) and changelog topics (compacted,
    // one partition per task), with the store's extra logging configs.
    std::vector<new_topic> internal_topics(int replication_factor) const;

    // Tasks for an assignment: task id -> its assigned partitions. A task must
    // receive partition p of every source topic of its sub-topology that has
    // a partition p (the range assignor gives co-partitioned topics to the
    // same member when their counts match); anything else is an
    // invalid_argument naming the task and the missing partitions.
    [[nodiscard]] result<std::map<task_id, std::set<topic_partition>>> tasks_for(
        const std::vector<topic_partition>& assigned) const;

private:
    std::string application_id_;
    std::vector<subtopology_info> subtopologies_;
    std::map<std::string, int> topic_to_subtopology_;
    std::map<std::string, int> topic_partitions_;  // decorated
    std::vector<new_topic> internal_topics_;
    std::set<std::string, std::less<>> repartition_topics_;
    std::set<std::string> global_topics_;
};

}  // namespace samsa::streams::internal
