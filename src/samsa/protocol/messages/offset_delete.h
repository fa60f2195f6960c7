#pragma once
// OffsetDelete (api key 47): version 0 (never flexible).
//
// Deletes a group's committed offsets for partitions the group no longer
// subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using offset_delete_api = api_range<api_key::offset_delete, 0, 0>;

struct offset_delete_request_partition {
    partition_id partition_index;
    bool operator==(const offset_delete_request_partition&) const = default;
};

struct offset_delete_request_topic {
    std::string name;
    std::vector<offset_delete_request_partition> partitions;
    bool operator==(const offset_delete_request_topic&) const = default;
};

struct offset_delete_request {
    using api = offset_delete_api;
    std::string group_id;
    std::vector<offset_delete_request_topic> topics;
    bool operator==(const offset_delete_request&) const = default;
};

struct offset_delete_response_partition {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const offset_delete_response_partition&) const = default;
};

struct offset_delete_response_topic {
    std::string name;
    std::vector<offset_delete_response_partition> partitions;
    bool operator==(const offset_delete_response_topic&) const = default;
};

struct offset_delete_response {
    using api = offset_delete_api;
    protocol::error_code error_code = protocol::error_code::none;
    int32_t throttle_time_ms = 0;
    std::vector<offset_delete_response_topic> topics;
    bool operator==(const offset_delete_response&) const = default;
};

template<class IO>
void serde(IO& io, offset_delete_request_partition& m) {
    io.field(m.partition_index);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_delete_request_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_delete_request& m) {
    io.field(m.group_id);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_delete_response_partition& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_delete_response_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_delete_response& m) {
    io.field(m.error_code);
    io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
