#pragma once
// OffsetCommit (api key 8): versions 0-9.
//
// v9 only allows the new consumer protocol's member epoch in
// generation_id_or_member_epoch (KIP-848); a classic group reads it as the
// generation, as Kafka does for classic groups.
//
// v0 commits without a generation (ZooKeeper-era); v1 adds generation,
// member_id and (v1 only) per-partition commit timestamps; v2-4 carry a
// retention time (-1 = broker default); v6 committed_leader_epoch; v7 static
// membership; v8 flexible.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using offset_commit_api = api_range<api_key::offset_commit, 0, 9>;

struct offset_commit_request_partition {
    partition_id partition_index;
    offset committed_offset;
    leader_epoch committed_leader_epoch{-1};  // v6+
    timestamp_ms commit_timestamp{-1};        // v1 only
    std::optional<std::string> committed_metadata;
    bool operator==(const offset_commit_request_partition&) const = default;
};

struct offset_commit_request_topic {
    std::string name;
    std::vector<offset_commit_request_partition> partitions;
    bool operator==(const offset_commit_request_topic&) const = default;
};

struct offset_commit_request {
    using api = offset_commit_api;
    std::string group_id;
    generation_id generation_id_or_member_epoch{-1};  // v1+ (Kafka's old name: GenerationId)
    std::string member_id;                            // v1+
    std::optional<std::string> group_instance_id;     // v7+
    int64_t retention_time_ms = -1;                   // v2-4
    std::vector<offset_commit_request_topic> topics;
    bool operator==(const offset_commit_request&) const = default;
};

struct offset_commit_response_partition {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const offset_commit_response_partition&) const = default;
};

struct offset_commit_response_topic {
    std::string name;
    std::vector<offset_commit_response_partition> partitions;
    bool operator==(const offset_commit_response_topic&) const = default;
};

struct offset_commit_response {
    using api = offset_commit_api;
    int32_t throttle_time_ms = 0;  // v3+
    std::vector<offset_commit_response_topic> topics;
    bool operator==(const offset_commit_response&) const = default;
};

template<class IO>
void serde(IO& io, offset_commit_request_partition& m) {
    io.field(m.partition_index);
    io.field(m.committed_offset);
    if (io.version() >= 6) io.field(m.committed_leader_epoch);
    if (io.version() == 1) io.field(m.commit_timestamp);
    io.field(m.committed_metadata);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_commit_request_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_commit_request& m) {
    io.field(m.group_id);
    if (io.version() >= 1) {
        io.field(m.generation_id_or_member_epoch);
        io.field(m.member_id);
    }
    if (io.version() >= 7) io.field(m.group_instance_id);
    if (io.version() >= 2 && io.version() <= 4) io.field(m.retention_time_ms);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_commit_response_partition& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_commit_response_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_commit_response& m) {
    if (io.version() >= 3) io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
