#pragma once
// Plain values that cross the boundary between the commands and the librdkafka
// wrappers (admin, producer, consumer). Nothing here includes librdkafka: only
// the wrappers' .cc files do, so the commands and their tests never see it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/types.h"

namespace samsa::cli::kafka {

// How every client handle of one command is built.
struct client_config {
    std::string bootstrap;
    // librdkafka properties from --command-config and -X, applied in order after
    // ours, so the user can override anything we set.
    std::vector<std::pair<std::string, std::string>> properties;
    // The bound on every request and on reaching the cluster at all.
    std::chrono::milliseconds timeout{std::chrono::seconds(15)};
    // How long a bootstrap list whose every address refuses TCP is retried
    // before the command fails (bootstrap_probe.h); bounded by `timeout`.
    std::chrono::milliseconds refused_grace{std::chrono::seconds(3)};
    bool verbose = false;  // librdkafka's own log lines on stderr
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

struct header {
    std::string key;
    std::optional<std::string> value;  // Kafka allows null header values
};

enum class timestamp_type { none, create_time, log_append_time };

// One record, as produced or as consumed. A missing key or value is Kafka's null,
// which is not the same as an empty string.
struct record {
    std::string topic;
    partition_id partition{-1};   // producing: -1 lets the partitioner choose
    samsa::offset offset{-1};
    timestamp_ms timestamp{-1};   // producing: -1 lets the client stamp it
    timestamp_type ts_type = timestamp_type::none;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<header> headers;
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

struct cluster_metadata {
    std::vector<broker_info> brokers;
    std::vector<topic_info> topics;  // sorted by name
};

struct config_entry {
    std::string name;
    std::optional<std::string> value;  // null for sensitive values
    std::string source;                // librdkafka's name: DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG, ...
    bool is_default = false;
    bool read_only = false;
    bool sensitive = false;
};

struct new_topic {
    std::string name;
    int partitions = -1;          // -1: the broker's num.partitions
    int replication_factor = -1;  // -1: the broker's default.replication.factor
    std::vector<std::pair<std::string, std::string>> configs;
};

struct group_listing {
    std::string group_id;
    std::string state;  // Stable, Empty, PreparingRebalance, ... ("Unknown" if the broker did not say)
    bool simple = false;  // no members ever joined: offsets committed by assign()-only clients
};

struct topic_partition {
    std::string topic;
    partition_id partition{-1};
    auto operator<=>(const topic_partition&) const = default;
};

struct group_member {
    std::string member_id;
    std::string client_id;
    std::string host;
    std::string group_instance_id;
    std::vector<topic_partition> assignment;
};

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

}  // namespace samsa::cli::kafka
