#pragma once
// CreatePartitions (api key 37): versions 0-3.
//
// `count` is the new total number of partitions, not the number to add.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using create_partitions_api = api_range<api_key::create_partitions, 0, 3>;

struct create_partitions_assignment {
    std::vector<int32_t> broker_ids;
    bool operator==(const create_partitions_assignment&) const = default;
};

struct create_partitions_topic {
    std::string name;
    int32_t count = 0;
    std::optional<std::vector<create_partitions_assignment>> assignments;
    bool operator==(const create_partitions_topic&) const = default;
};

struct create_partitions_request {
    using api = create_partitions_api;
    std::vector<create_partitions_topic> topics;
    int32_t timeout_ms = 0;
    bool validate_only = false;
    bool operator==(const create_partitions_request&) const = default;
};

struct create_partitions_topic_result {
    std::string name;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bool operator==(const create_partitions_topic_result&) const = default;
};

struct create_partitions_response {
    using api = create_partitions_api;
    int32_t throttle_time_ms = 0;
    std::vector<create_partitions_topic_result> results;
    bool operator==(const create_partitions_response&) const = default;
};

template<class IO>
void serde(IO& io, create_partitions_assignment& m) {
    io.field(m.broker_ids);
    io.tags();
}

template<class IO>
void serde(IO& io, create_partitions_topic& m) {
    io.field(m.name);
    io.field(m.count);
    io.field(m.assignments);
    io.tags();
}

template<class IO>
void serde(IO& io, create_partitions_request& m) {
    io.field(m.topics);
    io.field(m.timeout_ms);
    io.field(m.validate_only);
    io.tags();
}

template<class IO>
void serde(IO& io, create_partitions_topic_result& m) {
    io.field(m.name);
    io.field(m.error_code);
    io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, create_partitions_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
