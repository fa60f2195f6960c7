#pragma once
// DescribeTransactions (api key 65): version 0, flexible (KIP-664, for
// admin tools such as kafka-transactions.sh).

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_transactions_api = api_range<api_key::describe_transactions, 0, 0>;

struct describe_transactions_request {
    using api = describe_transactions_api;
    std::vector<std::string> transactional_ids;
    bool operator==(const describe_transactions_request&) const = default;
};

struct described_transaction_topic {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const described_transaction_topic&) const = default;
};

struct described_transaction {
    protocol::error_code error_code = protocol::error_code::none;
    std::string transactional_id;
    std::string transaction_state;  // Kafka's name: "Ongoing", "CompleteCommit", ...
    int32_t transaction_timeout_ms = 0;
    int64_t transaction_start_time_ms = -1;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    std::vector<described_transaction_topic> topics;
    bool operator==(const described_transaction&) const = default;
};

struct describe_transactions_response {
    using api = describe_transactions_api;
    int32_t throttle_time_ms = 0;
    std::vector<described_transaction> transaction_states;
    bool operator==(const describe_transactions_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_transactions_request& m) {
    io.field(m.transactional_ids);
    io.tags();
}

template<class IO>
void serde(IO& io, described_transaction_topic& m) {
    io.field(m.topic);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, described_transaction& m) {
    io.field(m.error_code);
    io.field(m.transactional_id);
    io.field(m.transaction_state);
    io.field(m.transaction_timeout_ms);
    io.field(m.transaction_start_time_ms);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_transactions_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.transaction_states);
    io.tags();
}

}  // namespace samsa::protocol
