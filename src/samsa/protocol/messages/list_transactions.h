#pragma once
// ListTransactions (api key 66): versions 0-1, flexible (KIP-664; v1 adds
// the duration filter of KIP-994, in Kafka 3.8).

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using list_transactions_api = api_range<api_key::list_transactions, 0, 1>;

struct list_transactions_request {
    using api = list_transactions_api;
    std::vector<std::string> state_filters;
    std::vector<int64_t> producer_id_filters;
    int64_t duration_filter = -1;  // v1+: only transactions running longer than this (ms)
    bool operator==(const list_transactions_request&) const = default;
};

struct listed_transaction {
    std::string transactional_id;
    samsa::producer_id producer_id{-1};
    std::string transaction_state;
    bool operator==(const listed_transaction&) const = default;
};

struct list_transactions_response {
    using api = list_transactions_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<std::string> unknown_state_filters;
    std::vector<listed_transaction> transaction_states;
    bool operator==(const list_transactions_response&) const = default;
};

template<class IO>
void serde(IO& io, list_transactions_request& m) {
    io.field(m.state_filters);
    io.field(m.producer_id_filters);
    if (io.version() >= 1) io.field(m.duration_filter);
    io.tags();
}

template<class IO>
void serde(IO& io, listed_transaction& m) {
    io.field(m.transactional_id);
    io.field(m.producer_id);
    io.field(m.transaction_state);
    io.tags();
}

template<class IO>
void serde(IO& io, list_transactions_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.unknown_state_filters);
    io.field(m.transaction_states);
    io.tags();
}

}  // namespace samsa::protocol
