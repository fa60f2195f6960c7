#pragma once
// admin: Kafka's admin requests over librdkafka's C admin API, each named
// after the Kafka API it sends (Metadata, CreateTopics, DeleteTopics,
// CreatePartitions, DescribeConfigs, AlterConfigs, ListGroups,
// DescribeGroups, DeleteGroups, OffsetFetch, OffsetCommit, OffsetDelete,
// DeleteRecords, ListOffsets, CreateAcls, DescribeAcls, DeleteAcls). Every
// call waits at most the admin's timeout. Used by the `samsa` CLI and by the
// streams runtime's admin client.
//
// Errors: a request that got no answer in time ends in admin_config's
// no_answer (the CLI says which broker did not answer and why); a refusal
// is the broker's error code, named.
//
// Threads: one thread at a time (the caller's); librdkafka answers on the
// admin's own queue, which only the calls poll.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/kafka/error.h"
#include "samsa/kafka/handle.h"
#include "samsa/kafka/types.h"

namespace samsa::kafka {

struct admin_config {
    std::chrono::milliseconds timeout{std::chrono::seconds(15)};
    // The error for "the cluster did not answer" (no answer within the
    // timeout, or librdkafka reports the brokers unreachable); unset: a
    // timed_out error naming the request.
    std::function<client_error()> no_answer;
};

// One answer per topic or group of a request about several.
using named_statuses = std::vector<std::pair<std::string, status>>;

class admin {
public:
    // Any librdkafka handle will do (a producer's is the lightest).
    admin(handle_ptr rk, admin_config config);
    ~admin();
    admin(const admin&) = delete;
    admin& operator=(const admin&) = delete;

    // The bound on the calls that follow (the streams runtime passes one per call).
    void set_timeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const;

    // Metadata for the brokers only: does the cluster answer at all?
    [[nodiscard]] status probe();
    // Metadata: every topic, or just `topic` (then a missing topic is errc::not_found).
    // Always the all-topics request: naming a topic in a Metadata request makes
    // a broker with auto.create.topics.enable create it.
    [[nodiscard]] result<cluster_metadata> metadata(const std::optional<std::string>& topic = std::nullopt);

    // CreateTopics: one status per topic ("cannot create topic 'x': ... (TOPIC_ALREADY_EXISTS)").
    named_statuses create_topics(const std::vector<new_topic>& topics, bool validate_only = false);
    named_statuses delete_topics(const std::vector<std::string>& topics);
    // CreatePartitions: grows `topic` to `total` partitions.
    [[nodiscard]] status create_partitions(const std::string& topic, int total);
    // DescribeConfigs for one resource, every entry (defaults included), sorted by name.
    [[nodiscard]] result<std::vector<config_entry>> describe_configs(config_resource_type type, const std::string& name);
    // AlterConfigs (the non-incremental API, the one librdkafka 2.0 has): `configs`
    // replaces every dynamic config of the resource.
    [[nodiscard]] status alter_configs(config_resource_type type, const std::string& name,
                                       const std::map<std::string, std::string>& configs);

    // ListGroups (every broker; a partial answer is an error), sorted by id.
    [[nodiscard]] result<std::vector<group_listing>> list_groups();
    // DescribeGroups; the first group the broker could not describe is the error.
    [[nodiscard]] result<std::vector<group_description>> describe_groups(const std::vector<std::string>& group_ids);
    // DescribeGroups for one group.
    [[nodiscard]] result<group_description> describe_group(const std::string& group_id);
    // DeleteGroups: one status per group (a group with members: NON_EMPTY_GROUP).
    named_statuses delete_groups(const std::vector<std::string>& group_ids);
    // OffsetFetch for every partition the group has committed, sorted.
    [[nodiscard]] result<std::vector<committed_offset>> offset_fetch(const std::string& group_id);
    // OffsetCommit from outside the group (librdkafka's AlterConsumerGroupOffsets):
    // the broker refuses it while the group has members.
    [[nodiscard]] status offset_commit(const std::string& group_id,
                                       const std::vector<std::pair<topic_partition, offset>>& offsets);
    // OffsetDelete: forgets the group's committed offsets of `partitions`
    // (GROUP_SUBSCRIBED_TO_TOPIC while a member still consumes the topic).
    [[nodiscard]] status offset_delete(const std::string& group_id, const std::vector<topic_partition>& partitions);

    // DeleteRecords: raises each partition's log start offset to the given
    // offset; returns the new log start offsets.
    [[nodiscard]] result<std::vector<std::pair<topic_partition, offset>>> delete_records(
        const std::vector<std::pair<topic_partition, offset>>& before);
    // DeleteRecords without waiting for the answer (the streams runtime's
    // purge of consumed repartition records, which must not hold up its
    // thread): sends and returns true, or sends nothing and returns false
    // while the last one sent this way is unanswered.
    bool send_delete_records(const std::vector<std::pair<topic_partition, offset>>& before);
    // The answer to the last send_delete_records, once (nullopt until it came).
    [[nodiscard]] std::optional<status> delete_records_answer();
    // ListOffsets: the earliest and latest offset of a partition.
    [[nodiscard]] result<watermarks> list_offsets(const topic_partition& tp);
    // ListOffsets by timestamp: the first offset whose timestamp is at least
    // `timestamp_ms`, or -1 when there is none (Kafka's answer).
    [[nodiscard]] result<offset> list_offsets(const topic_partition& tp, int64_t timestamp_ms);

    // CreateAcls / DescribeAcls / DeleteAcls.
    [[nodiscard]] status create_acls(const std::vector<acl_binding>& acls);
    [[nodiscard]] result<std::vector<acl_binding>> describe_acls(const acl_binding& filter);
    // The bindings the filter removed.
    [[nodiscard]] result<std::vector<acl_binding>> delete_acls(const acl_binding& filter);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace samsa::kafka
