#pragma once
// AddOffsetsToTxn (api key 25): versions 0-4.
//
// v4 only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890).
//
// A transactional producer about to send TxnOffsetCommit for a group adds
// that group's __consumer_offsets partition to its transaction. v2 allows
// PRODUCER_FENCED, v3 is flexible.

#include <string>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using add_offsets_to_txn_api = api_range<api_key::add_offsets_to_txn, 0, 4>;

struct add_offsets_to_txn_request {
    using api = add_offsets_to_txn_api;
    std::string transactional_id;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    std::string group_id;
    bool operator==(const add_offsets_to_txn_request&) const = default;
};

struct add_offsets_to_txn_response {
    using api = add_offsets_to_txn_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const add_offsets_to_txn_response&) const = default;
};

template<class IO>
void serde(IO& io, add_offsets_to_txn_request& m) {
    io.field(m.transactional_id);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.field(m.group_id);
    io.tags();
}

template<class IO>
void serde(IO& io, add_offsets_to_txn_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.tags();
}

}  // namespace samsa::protocol
