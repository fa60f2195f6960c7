#pragma once
// TxnOffsetCommit (api key 28): versions 0-4.
//
// v4 only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890).
//
// A transactional producer commits a consumer group's offsets inside its
// transaction: they become visible when the transaction commits. v2 adds
// the committed leader epoch; v3 (KIP-447) the group member's generation,
// member id and group instance id, which the coordinator checks, and is
// flexible.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using txn_offset_commit_api = api_range<api_key::txn_offset_commit, 0, 4>;

struct txn_offset_commit_request_partition {
    partition_id partition_index;
    offset committed_offset;
    leader_epoch committed_leader_epoch{-1};  // v2+
    std::optional<std::string> committed_metadata;
    bool operator==(const txn_offset_commit_request_partition&) const = default;
};

struct txn_offset_commit_request_topic {
    std::string name;
    std::vector<txn_offset_commit_request_partition> partitions;
    bool operator==(const txn_offset_commit_request_topic&) const = default;
};

struct txn_offset_commit_request {
    using api = txn_offset_commit_api;
    std::string transactional_id;
    std::string group_id;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    samsa::generation_id generation_id{-1};        // v3+
    std::string member_id;                         // v3+
    std::optional<std::string> group_instance_id;  // v3+
    std::vector<txn_offset_commit_request_topic> topics;
    bool operator==(const txn_offset_commit_request&) const = default;
};

struct txn_offset_commit_response_partition {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const txn_offset_commit_response_partition&) const = default;
};

struct txn_offset_commit_response_topic {
    std::string name;
    std::vector<txn_offset_commit_response_partition> partitions;
    bool operator==(const txn_offset_commit_response_topic&) const = default;
};

struct txn_offset_commit_response {
    using api = txn_offset_commit_api;
    int32_t throttle_time_ms = 0;
    std::vector<txn_offset_commit_response_topic> topics;
    bool operator==(const txn_offset_commit_response&) const = default;
};

template<class IO>
void serde(IO& io, txn_offset_commit_request_partition& m) {
    io.field(m.partition_index);
    io.field(m.committed_offset);
    if (io.version() >= 2) io.field(m.committed_leader_epoch);
    io.field(m.committed_metadata);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_offset_commit_request_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_offset_commit_request& m) {
    io.field(m.transactional_id);
    io.field(m.group_id);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    if (io.version() >= 3) {
        io.field(m.generation_id);
        io.field(m.member_id);
        io.field(m.group_instance_id);
    }
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_offset_commit_response_partition& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_offset_commit_response_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, txn_offset_commit_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
