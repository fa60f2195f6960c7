#pragma once
// ListOffsets (api key 2): versions 0-8.
//
// v8 adds timestamp -4, the local log start offset (KIP-405); without tiered
// storage it is the log start offset.
//
// timestamp -1 asks for the latest offset, -2 for the earliest, -3 (v7+) for
// the offset with the largest timestamp. v0 answers with an array of offsets
// (old_style_offsets) instead of one timestamp/offset pair.

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using list_offsets_api = api_range<api_key::list_offsets, 0, 8>;

inline constexpr int64_t list_offsets_latest_timestamp = -1;
inline constexpr int64_t list_offsets_earliest_timestamp = -2;
inline constexpr int64_t list_offsets_max_timestamp = -3;
inline constexpr int64_t list_offsets_earliest_local_timestamp = -4;  // v8+

struct list_offsets_partition {
    partition_id partition_index;
    leader_epoch current_leader_epoch{-1};  // v4+
    timestamp_ms timestamp;
    int32_t max_num_offsets = 1;  // v0 only
    bool operator==(const list_offsets_partition&) const = default;
};

struct list_offsets_topic {
    std::string name;
    std::vector<list_offsets_partition> partitions;
    bool operator==(const list_offsets_topic&) const = default;
};

struct list_offsets_request {
    using api = list_offsets_api;
    int32_t replica_id = -1;
    int8_t isolation_level = 0;  // v2+: 0 read_uncommitted, 1 read_committed
    std::vector<list_offsets_topic> topics;
    bool operator==(const list_offsets_request&) const = default;
};

struct list_offsets_partition_response {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<int64_t> old_style_offsets;  // v0 only
    timestamp_ms timestamp{-1};               // v1+
    samsa::offset offset{-1};                 // v1+
    samsa::leader_epoch leader_epoch{-1};     // v4+
    bool operator==(const list_offsets_partition_response&) const = default;
};

struct list_offsets_topic_response {
    std::string name;
    std::vector<list_offsets_partition_response> partitions;
    bool operator==(const list_offsets_topic_response&) const = default;
};

struct list_offsets_response {
    using api = list_offsets_api;
    int32_t throttle_time_ms = 0;  // v2+
    std::vector<list_offsets_topic_response> topics;
    bool operator==(const list_offsets_response&) const = default;
};

template<class IO>
void serde(IO& io, list_offsets_partition& m) {
    io.field(m.partition_index);
    if (io.version() >= 4) io.field(m.current_leader_epoch);
    io.field(m.timestamp);
    if (io.version() == 0) io.field(m.max_num_offsets);
    io.tags();
}

template<class IO>
void serde(IO& io, list_offsets_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, list_offsets_request& m) {
    io.field(m.replica_id);
    if (io.version() >= 2) io.field(m.isolation_level);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, list_offsets_partition_response& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    if (io.version() == 0) io.field(m.old_style_offsets);
    if (io.version() >= 1) {
        io.field(m.timestamp);
        io.field(m.offset);
    }
    if (io.version() >= 4) io.field(m.leader_epoch);
    io.tags();
}

template<class IO>
void serde(IO& io, list_offsets_topic_response& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, list_offsets_response& m) {
    if (io.version() >= 2) io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
