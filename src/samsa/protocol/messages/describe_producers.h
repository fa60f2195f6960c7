#pragma once
// DescribeProducers (api key 61): version 0, flexible (KIP-664): the active
// producers of partitions as the partition's producer state knows them
// (kafka-transactions.sh describe-producers; finding hanging transactions).

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_producers_api = api_range<api_key::describe_producers, 0, 0>;

struct describe_producers_topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    bool operator==(const describe_producers_topic&) const = default;
};

struct describe_producers_request {
    using api = describe_producers_api;
    std::vector<describe_producers_topic> topics;
    bool operator==(const describe_producers_request&) const = default;
};

struct producer_state {
    samsa::producer_id producer_id{-1};
    int32_t producer_epoch = -1;
    int32_t last_sequence = -1;
    int64_t last_timestamp = -1;
    int32_t coordinator_epoch = -1;
    int64_t current_txn_start_offset = -1;
    bool operator==(const producer_state&) const = default;
};

struct describe_producers_partition {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<producer_state> active_producers;
    bool operator==(const describe_producers_partition&) const = default;
};

struct describe_producers_topic_response {
    std::string name;
    std::vector<describe_producers_partition> partitions;
    bool operator==(const describe_producers_topic_response&) const = default;
};

struct describe_producers_response {
    using api = describe_producers_api;
    int32_t throttle_time_ms = 0;
    std::vector<describe_producers_topic_response> topics;
    bool operator==(const describe_producers_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_producers_topic& m) {
    io.field(m.name);
    io.field(m.partition_indexes);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_producers_request& m) {
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, producer_state& m) {
    io.field(m.producer_id);
    io.field(m.producer_epoch);
    io.field(m.last_sequence);
    io.field(m.last_timestamp);
    io.field(m.coordinator_epoch);
    io.field(m.current_txn_start_offset);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_producers_partition& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.active_producers);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_producers_topic_response& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_producers_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
