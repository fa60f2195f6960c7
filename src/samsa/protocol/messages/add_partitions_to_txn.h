#pragma once
// AddPartitionsToTxn (api key 24): versions 0-3.
//
// A transactional producer names the partitions it is about to write to
// before its first batch to each. v2 allows PRODUCER_FENCED in answers, v3
// is flexible. v4+ (batched transactions, verify_only) is Kafka's
// broker-to-broker form (KIP-890); clients never send it and one node has
// no other broker, so it is not offered.

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using add_partitions_to_txn_api = api_range<api_key::add_partitions_to_txn, 0, 3>;

struct add_partitions_to_txn_topic {
    std::string name;
    std::vector<int32_t> partitions;
    bool operator==(const add_partitions_to_txn_topic&) const = default;
};

struct add_partitions_to_txn_request {
    using api = add_partitions_to_txn_api;
    std::string transactional_id;
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    std::vector<add_partitions_to_txn_topic> topics;
    bool operator==(const add_partitions_to_txn_request&) const = default;
};

struct add_partitions_to_txn_partition_result {
    partition_id partition_index;
    protocol::error_code partition_error_code = protocol::error_code::none;
    bool operator==(const add_partitions_to_txn_partition_result&) const = default;
};

struct add_partitions_to_txn_topic_result {
    std::string name;
    std::vector<add_partitions_to_txn_partition_result> results_by_partition;
    bool operator==(const add_partitions_to_txn_topic_result&) const = default;
};

struct add_partitions_to_txn_response {
    using api = add_partitions_to_txn_api;
    int32_t throttle_time_ms = 0;
    std::vector<add_partitions_to_txn_topic_result> results_by_topic;
    bool operator==(const add_partitions_to_txn_response&) const = default;
};

template<class IO>
void serde(IO& io, add_partitions_to_txn_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, add_partitions_to_txn_request& m) {
    io.field(m.transactional_id);
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, add_partitions_to_txn_partition_result& m) {
    io.field(m.partition_index);
    io.field(m.partition_error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, add_partitions_to_txn_topic_result& m) {
    io.field(m.name);
    io.field(m.results_by_partition);
    io.tags();
}

template<class IO>
void serde(IO& io, add_partitions_to_txn_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results_by_topic);
    io.tags();
}

}  // namespace samsa::protocol
