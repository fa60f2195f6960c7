#pragma once
// OffsetFetch (api key 9): versions 0-9.
//
// v9 adds member_id/member_epoch per group for the new consumer protocol
// (KIP-848); classic groups send null/-1 and are answered as with v8.
//
// Up to v7 one group per request; topics null (v2+) asks for every committed
// partition of the group. v8 asks for several groups at once (groups[]), each
// with its own topics (null = all) and its own error code. A partition
// without a committed offset answers offset -1 and no error.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using offset_fetch_api = api_range<api_key::offset_fetch, 0, 9>;

struct offset_fetch_request_topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    bool operator==(const offset_fetch_request_topic&) const = default;
};

struct offset_fetch_request_group {
    std::string group_id;
    std::optional<std::vector<offset_fetch_request_topic>> topics;  // null = all
    std::optional<std::string> member_id;                           // v9+ (before topics on the wire)
    int32_t member_epoch = -1;                                      // v9+
    bool operator==(const offset_fetch_request_group&) const = default;
};

struct offset_fetch_request {
    using api = offset_fetch_api;
    std::string group_id;                                            // v0-7
    std::optional<std::vector<offset_fetch_request_topic>> topics;  // v0-7, null (v2+) = all
    std::vector<offset_fetch_request_group> groups;                  // v8+
    bool require_stable = false;                                     // v7+
    bool operator==(const offset_fetch_request&) const = default;
};

struct offset_fetch_response_partition {
    partition_id partition_index;
    offset committed_offset{-1};
    leader_epoch committed_leader_epoch{-1};  // v5+
    std::optional<std::string> metadata;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const offset_fetch_response_partition&) const = default;
};

struct offset_fetch_response_topic {
    std::string name;
    std::vector<offset_fetch_response_partition> partitions;
    bool operator==(const offset_fetch_response_topic&) const = default;
};

struct offset_fetch_response_group {
    std::string group_id;
    std::vector<offset_fetch_response_topic> topics;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const offset_fetch_response_group&) const = default;
};

struct offset_fetch_response {
    using api = offset_fetch_api;
    int32_t throttle_time_ms = 0;                                  // v3+
    std::vector<offset_fetch_response_topic> topics;               // v0-7
    protocol::error_code error_code = protocol::error_code::none;  // v2-7
    std::vector<offset_fetch_response_group> groups;               // v8+
    bool operator==(const offset_fetch_response&) const = default;
};

template<class IO>
void serde(IO& io, offset_fetch_request_topic& m) {
    io.field(m.name);
    io.field(m.partition_indexes);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_request_group& m) {
    io.field(m.group_id);
    if (io.version() >= 9) {
        io.field(m.member_id);
        io.field(m.member_epoch);
    }
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_request& m) {
    if (io.version() <= 7) {
        io.field(m.group_id);
        io.field(m.topics);
    } else {
        io.field(m.groups);
    }
    if (io.version() >= 7) io.field(m.require_stable);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_response_partition& m) {
    io.field(m.partition_index);
    io.field(m.committed_offset);
    if (io.version() >= 5) io.field(m.committed_leader_epoch);
    io.field(m.metadata);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_response_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_response_group& m) {
    io.field(m.group_id);
    io.field(m.topics);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_fetch_response& m) {
    if (io.version() >= 3) io.field(m.throttle_time_ms);
    if (io.version() <= 7) {
        io.field(m.topics);
        if (io.version() >= 2) io.field(m.error_code);
    } else {
        io.field(m.groups);
    }
    io.tags();
}

}  // namespace samsa::protocol
