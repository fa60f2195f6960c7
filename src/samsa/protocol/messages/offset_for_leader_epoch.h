#pragma once
// OffsetForLeaderEpoch (api key 23): versions 0-4 (flexible from v4).
//
// The end offset of a leader epoch, which consumers use to detect log
// truncation after a leader change (KIP-320). v1 answers the epoch found, v2
// adds current_leader_epoch (fencing) and throttle time, v3 replica_id (-2
// for consumers).

#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using offset_for_leader_epoch_api = api_range<api_key::offset_for_leader_epoch, 0, 4>;

struct offset_for_leader_partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;
    int32_t leader_epoch = 0;
    bool operator==(const offset_for_leader_partition&) const = default;
};

struct offset_for_leader_topic {
    std::string topic;
    std::vector<offset_for_leader_partition> partitions;
    bool operator==(const offset_for_leader_topic&) const = default;
};

struct offset_for_leader_epoch_request {
    using api = offset_for_leader_epoch_api;
    int32_t replica_id = -2;  // v3+: -2 a consumer, -1 a debugging client
    std::vector<offset_for_leader_topic> topics;
    bool operator==(const offset_for_leader_epoch_request&) const = default;
};

struct epoch_end_offset_result {
    protocol::error_code error_code = protocol::error_code::none;
    int32_t partition = 0;
    int32_t leader_epoch = -1;
    int64_t end_offset = -1;
    bool operator==(const epoch_end_offset_result&) const = default;
};

struct offset_for_leader_topic_result {
    std::string topic;
    std::vector<epoch_end_offset_result> partitions;
    bool operator==(const offset_for_leader_topic_result&) const = default;
};

struct offset_for_leader_epoch_response {
    using api = offset_for_leader_epoch_api;
    int32_t throttle_time_ms = 0;
    std::vector<offset_for_leader_topic_result> topics;
    bool operator==(const offset_for_leader_epoch_response&) const = default;
};

template<class IO>
void serde(IO& io, offset_for_leader_partition& m) {
    io.field(m.partition);
    if (io.version() >= 2) io.field(m.current_leader_epoch);
    io.field(m.leader_epoch);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_for_leader_topic& m) {
    io.field(m.topic);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_for_leader_epoch_request& m) {
    if (io.version() >= 3) io.field(m.replica_id);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, epoch_end_offset_result& m) {
    io.field(m.error_code);
    io.field(m.partition);
    if (io.version() >= 1) io.field(m.leader_epoch);
    io.field(m.end_offset);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_for_leader_topic_result& m) {
    io.field(m.topic);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, offset_for_leader_epoch_response& m) {
    if (io.version() >= 2) io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
