#pragma once
// ElectLeaders (api key 43): versions 0-2 (flexible from v2).
//
// Asks the controller to elect preferred (0) or unclean (1, v1+) leaders.
// topic_partitions null means every partition. v1 adds election_type and
// the top-level error code.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using elect_leaders_api = api_range<api_key::elect_leaders, 0, 2>;

struct elect_leaders_topic_partitions {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const elect_leaders_topic_partitions&) const = default;
};

struct elect_leaders_request {
    using api = elect_leaders_api;
    int8_t election_type = 0;  // v1+: 0 preferred, 1 unclean
    std::optional<std::vector<elect_leaders_topic_partitions>> topic_partitions;  // null = all
    int32_t timeout_ms = 60000;
    bool operator==(const elect_leaders_request&) const = default;
};

struct elect_leaders_partition_result {
    int32_t partition_id = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bool operator==(const elect_leaders_partition_result&) const = default;
};

struct replica_election_result {
    std::string topic;
    std::vector<elect_leaders_partition_result> partition_result;
    bool operator==(const replica_election_result&) const = default;
};

struct elect_leaders_response {
    using api = elect_leaders_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;  // v1+
    std::vector<replica_election_result> replica_election_results;
    bool operator==(const elect_leaders_response&) const = default;
};

template<class IO>
void serde(IO& io, elect_leaders_topic_partitions& m) {
    io.field(m.topic);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, elect_leaders_request& m) {
    if (io.version() >= 1) io.field(m.election_type);
    io.field(m.topic_partitions);
    io.field(m.timeout_ms);
    io.tags();
}

template<class IO>
void serde(IO& io, elect_leaders_partition_result& m) {
    io.field(m.partition_id);
    io.field(m.error_code);
    io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, replica_election_result& m) {
    io.field(m.topic);
    io.field(m.partition_result);
    io.tags();
}

template<class IO>
void serde(IO& io, elect_leaders_response& m) {
    io.field(m.throttle_time_ms);
    if (io.version() >= 1) io.field(m.error_code);
    io.field(m.replica_election_results);
    io.tags();
}

}  // namespace samsa::protocol
