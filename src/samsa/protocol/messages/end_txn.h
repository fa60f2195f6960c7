#pragma once
// EndTxn (api key 26): versions 0-4.
//
// v4 only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890). v5 (Kafka 4.0, epoch bump per transaction) is not served.
//
// Commits (committed = true) or aborts the producer's ongoing transaction.
// v2 allows PRODUCER_FENCED, v3 is flexible. (v4/v5 belong to KIP-890,
// after Kafka 3.8.)

#include <string>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using end_txn_api = api_range<api_key::end_txn, 0, 4>;

struct end_txn_request {
    using api = end_txn_api;
    std::string transactional_id;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    bool committed = false;
    bool operator==(const end_txn_request&) const = default;
};

struct end_txn_response {
    using api = end_txn_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const end_txn_response&) const = default;
};

template<class IO>
void serde(IO& io, end_txn_request& m) {
    io.field(m.transactional_id);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.field(m.committed);
    io.tags();
}

template<class IO>
void serde(IO& io, end_txn_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.tags();
}

}  // namespace samsa::protocol
