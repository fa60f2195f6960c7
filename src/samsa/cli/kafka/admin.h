#pragma once
// admin: the cluster-management requests the `samsa topics` and `samsa groups`
// commands need, each named after the Kafka API it sends (CreateTopics,
// DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
// ListGroups, DescribeGroups, OffsetFetch, ListOffsets), over librdkafka's C
// admin API. Every call waits at most client_config::timeout.
//
// Thread: the command's thread; one admin per command.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli::kafka {

class admin {
public:
    // Creates the client and checks that the cluster answers a Metadata request
    // within the timeout; the error says which address did not answer and why.
    static result<std::unique_ptr<admin>> connect(const client_config& config);
    ~admin();
    admin(const admin&) = delete;
    admin& operator=(const admin&) = delete;

    // Metadata: every topic, or just `topic` (then a missing topic is errc::not_found).
    result<cluster_metadata> metadata(const std::optional<std::string>& topic = std::nullopt);

    status create_topic(const new_topic& topic, bool validate_only = false);
    status delete_topic(const std::string& topic);
    // CreatePartitions: grows `topic` to `total` partitions.
    status create_partitions(const std::string& topic, int total);
    // DescribeConfigs for one topic, every entry (defaults included).
    result<std::vector<config_entry>> describe_topic_configs(const std::string& topic);
    // AlterConfigs (the non-incremental API, the one librdkafka 2.0 has): `configs`
    // replaces every dynamic config of the topic.
    status alter_topic_configs(const std::string& topic, const std::map<std::string, std::string>& configs);

    result<std::vector<group_listing>> list_groups();
    result<group_description> describe_group(const std::string& group_id);
    // OffsetFetch for every partition the group has committed.
    result<std::vector<committed_offset>> committed_offsets(const std::string& group_id);

    // CreateAcls / DescribeAcls / DeleteAcls (librdkafka's ACL admin API).
    status create_acls(const std::vector<acl_binding>& acls);
    result<std::vector<acl_binding>> describe_acls(const acl_binding& filter);
    // The bindings the filter removed.
    result<std::vector<acl_binding>> delete_acls(const acl_binding& filter);
    // DeleteGroups: one status per group (a group with members: NON_EMPTY_GROUP).
    std::vector<std::pair<std::string, status>> delete_groups(const std::vector<std::string>& group_ids);
    // OffsetDelete: forgets the group's committed offsets of `partitions`
    // (GROUP_SUBSCRIBED_TO_TOPIC while a member still consumes the topic).
    status delete_group_offsets(const std::string& group_id, const std::vector<topic_partition>& partitions);
    // OffsetCommit from outside the group (AlterConsumerGroupOffsets): the
    // broker refuses it while the group has members.
    status alter_group_offsets(const std::string& group_id,
                               const std::vector<std::pair<topic_partition, offset>>& offsets);
    // DeleteRecords: raises each partition's log start offset to the given
    // offset; returns the new log start offsets.
    result<std::vector<std::pair<topic_partition, offset>>> delete_records(
        const std::vector<std::pair<topic_partition, offset>>& before);

    // DescribeConfigs for one broker, every entry.
    result<std::vector<config_entry>> describe_broker_configs(node_id broker);

    // ListOffsets: earliest and latest offset of a partition.
    result<watermarks> query_watermarks(const std::string& topic, partition_id partition);
    // ListOffsets by timestamp: the first offset whose timestamp is at least
    // `timestamp_ms`, or -1 when there is none (Kafka's answer).
    result<offset> offset_for_time(const topic_partition& tp, int64_t timestamp_ms);

private:
    result<std::vector<config_entry>> describe_configs(int resource_type, const std::string& name, std::string_view what);

    struct impl;
    explicit admin(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::cli::kafka
