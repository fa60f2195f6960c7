#pragma once
// DescribeTopicPartitions (api key 75): version 0 (flexible).
//
// KIP-966's paginated Metadata for admin clients: topics (empty = all) are
// answered in name order, at most response_partition_limit partitions per
// answer; next_cursor names the first partition left out (null when
// everything was answered) and the client sends it back as `cursor`.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/base/uuid.h"

namespace samsa::protocol {

using describe_topic_partitions_api = api_range<api_key::describe_topic_partitions, 0, 0>;

struct describe_topic_partitions_cursor {
    std::string topic_name;
    int32_t partition_index = 0;
    bool operator==(const describe_topic_partitions_cursor&) const = default;
};

struct describe_topic_partitions_request_topic {
    std::string name;
    bool operator==(const describe_topic_partitions_request_topic&) const = default;
};

struct describe_topic_partitions_request {
    using api = describe_topic_partitions_api;
    std::vector<describe_topic_partitions_request_topic> topics;
    int32_t response_partition_limit = 2000;
    std::optional<describe_topic_partitions_cursor> cursor;
    bool operator==(const describe_topic_partitions_request&) const = default;
};

struct describe_topic_partitions_response_partition {
    protocol::error_code error_code = protocol::error_code::none;
    int32_t partition_index = 0;
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::optional<std::vector<int32_t>> eligible_leader_replicas;
    std::optional<std::vector<int32_t>> last_known_elr;
    std::vector<int32_t> offline_replicas;
    bool operator==(const describe_topic_partitions_response_partition&) const = default;
};

struct describe_topic_partitions_response_topic {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> name;
    uuid topic_id;
    bool is_internal = false;
    std::vector<describe_topic_partitions_response_partition> partitions;
    int32_t topic_authorized_operations = INT32_MIN;
    bool operator==(const describe_topic_partitions_response_topic&) const = default;
};

struct describe_topic_partitions_response {
    using api = describe_topic_partitions_api;
    int32_t throttle_time_ms = 0;
    std::vector<describe_topic_partitions_response_topic> topics;
    std::optional<describe_topic_partitions_cursor> next_cursor;
    bool operator==(const describe_topic_partitions_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_topic_partitions_cursor& m) {
    io.field(m.topic_name);
    io.field(m.partition_index);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_topic_partitions_request_topic& m) {
    io.field(m.name);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_topic_partitions_request& m) {
    io.field(m.topics);
    io.field(m.response_partition_limit);
    io.field(m.cursor);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_topic_partitions_response_partition& m) {
    io.field(m.error_code);
    io.field(m.partition_index);
    io.field(m.leader_id);
    io.field(m.leader_epoch);
    io.field(m.replica_nodes);
    io.field(m.isr_nodes);
    io.field(m.eligible_leader_replicas);
    io.field(m.last_known_elr);
    io.field(m.offline_replicas);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_topic_partitions_response_topic& m) {
    io.field(m.error_code);
    io.field(m.name);
    io.field(m.topic_id);
    io.field(m.is_internal);
    io.field(m.partitions);
    io.field(m.topic_authorized_operations);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_topic_partitions_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.field(m.next_cursor);
    io.tags();
}

}  // namespace samsa::protocol
