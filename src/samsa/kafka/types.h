#pragma once
// The values that cross the boundary between samsa's code and its Kafka
// clients (the CLI's commands, the streams runtime, the tests): partitions,
// topics to create, and what the admin requests answer. One definition each;
// nothing here includes librdkafka.
//
// Threads: plain values, no shared state.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"

namespace samsa::kafka {

// Kafka's TopicPartition. The partition is a bare int32_t, as Java's
// TopicPartition.partition() is: the streams runtime builds and compares
// these per record and per task.
struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
    std::string to_string() const { return topic + "-" + std::to_string(partition); }
};

// Kafka's NewTopic (CreateTopics). -1 asks for the broker's default
// (num.partitions, default.replication.factor). The configs are a map as in
// Kafka's NewTopic.configs(): a key given twice keeps its last value.
struct new_topic {
    std::string name;
    int partitions = -1;
    int replication_factor = -1;
    std::map<std::string, std::string> configs;
};

// An ACL binding (or, with "any" codes and empty optionals, a filter) in
// Kafka's wire codes: resource type 2 topic, 3 group, 4 cluster, 5
// transactional id; pattern 1 any, 2 match, 3 literal, 4 prefixed;
// operation 1 any, 2 all, 3 read ... 12 idempotent write; permission 1 any,
// 2 deny, 3 allow.
struct acl_binding {
    int resource_type = 1;
    std::optional<std::string> name;
    int pattern_type = 3;
    std::optional<std::string> principal;
    std::optional<std::string> host;
    int operation = 1;
    int permission = 1;
};

struct broker_info {
    node_id id{-1};
    std::string host;
    int port = 0;
};

struct partition_info {
    partition_id id{-1};
    node_id leader{-1};
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
    std::string error;  // empty when the broker reported none
};

struct topic_info {
    std::string name;
    std::vector<partition_info> partitions;  // sorted by id
    std::string error;
};

// A Metadata answer.
struct cluster_metadata {
    std::vector<broker_info> brokers;
    std::vector<topic_info> topics;  // sorted by name
};

// The resources DescribeConfigs and AlterConfigs name, in Kafka's codes.
enum class config_resource_type : int8_t { topic = 2, broker = 4 };

struct config_entry {
    std::string name;
    std::optional<std::string> value;  // null for sensitive values
    std::string source;                // librdkafka's name: DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG, ...
    bool is_default = false;
    bool read_only = false;
    bool sensitive = false;
};

struct group_listing {
    std::string group_id;
    std::string state;  // Stable, Empty, PreparingRebalance, ... ("Unknown" if the broker did not say)
    bool simple = false;  // no members ever joined: offsets committed by assign()-only clients
};

struct group_member {
    std::string member_id;
    std::string client_id;
    std::string host;
    std::string group_instance_id;
    std::vector<topic_partition> assignment;  // sorted
};

// One group of a DescribeGroups answer.
struct group_description {
    std::string group_id;
    std::string state;
    std::string partition_assignor;
    bool simple = false;
    node_id coordinator{-1};
    std::vector<group_member> members;
};

struct committed_offset {
    topic_partition tp;
    offset committed{-1};  // -1: nothing committed
    std::string metadata;
};

struct watermarks {
    offset low{-1};
    offset high{-1};
};

}  // namespace samsa::kafka
