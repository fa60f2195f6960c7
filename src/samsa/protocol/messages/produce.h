#pragma once
// Produce (api key 0): versions 0-11 (flexible from v9).
//
// v10 adds current_leader (partition tag 0) and node_endpoints (response
// tag 0) for leader discovery (KIP-951); a single node never sends them. v11
// only tells the broker the client understands TRANSACTION_ABORTABLE
// (KIP-890), which this broker does not answer.
//
// Only v3+ carry record batch v2 (and transactional_id); v0-2 carry the old
// message sets, which the broker refuses per partition. They are decoded
// anyway because a broker must ADVERTISE Produce from v0: librdkafka (2.0.2
// at least) sends gzip, snappy and lz4 batches uncompressed unless the
// broker's Produce range includes v0 (its per-codec check asks for a Produce
// version in [0, 0]; zstd's asks for [0, 7]).
//
// The records of each partition are borrowed (raw_records): they point into
// the request buffer and go to the log as they are, so a decoded
// produce_request must not outlive the frame it came from.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/leader_discovery.h"

namespace samsa::protocol {

using produce_api = api_range<api_key::produce, 0, 11>;

struct partition_produce_data {
    partition_id index;
    raw_records records;
    bool operator==(const partition_produce_data&) const = default;
};

struct topic_produce_data {
    std::string name;
    std::vector<partition_produce_data> partition_data;
    bool operator==(const topic_produce_data&) const = default;
};

struct produce_request {
    using api = produce_api;
    std::optional<std::string> transactional_id;  // v3+
    int16_t acks = 0;  // 0 = no response, 1 = leader, -1 = all in-sync replicas
    int32_t timeout_ms = 0;
    std::vector<topic_produce_data> topic_data;
    bool operator==(const produce_request&) const = default;
};

struct batch_index_and_error_message {
    int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;
    bool operator==(const batch_index_and_error_message&) const = default;
};

struct partition_produce_response {
    partition_id index;
    protocol::error_code error_code = protocol::error_code::none;
    offset base_offset{-1};
    timestamp_ms log_append_time_ms{-1};  // v2+; -1 unless the topic uses LogAppendTime
    offset log_start_offset{-1};          // v5+
    std::vector<batch_index_and_error_message> record_errors;  // v8+
    std::optional<std::string> error_message;                  // v8+
    leader_id_and_epoch current_leader;                        // v10+, tag 0
    bool operator==(const partition_produce_response&) const = default;
};

struct topic_produce_response {
    std::string name;
    std::vector<partition_produce_response> partition_responses;
    bool operator==(const topic_produce_response&) const = default;
};

struct produce_response {
    using api = produce_api;
    std::vector<topic_produce_response> responses;
    int32_t throttle_time_ms = 0;  // v1+: after the responses, unlike most APIs
    std::vector<node_endpoint> node_endpoints;  // v10+, tag 0
    bool operator==(const produce_response&) const = default;
};

template<class IO>
void serde(IO& io, partition_produce_data& m) {
    io.field(m.index);
    io.field(m.records);
    io.tags();
}

template<class IO>
void serde(IO& io, topic_produce_data& m) {
    io.field(m.name);
    io.field(m.partition_data);
    io.tags();
}

template<class IO>
void serde(IO& io, produce_request& m) {
    if (io.version() >= 3) io.field(m.transactional_id);
    io.field(m.acks);
    io.field(m.timeout_ms);
    io.field(m.topic_data);
    io.tags();
}

template<class IO>
void serde(IO& io, batch_index_and_error_message& m) {
    io.field(m.batch_index);
    io.field(m.batch_index_error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, partition_produce_response& m) {
    io.field(m.index);
    io.field(m.error_code);
    io.field(m.base_offset);
    if (io.version() >= 2) io.field(m.log_append_time_ms);
    if (io.version() >= 5) io.field(m.log_start_offset);
    if (io.version() >= 8) {
        io.field(m.record_errors);
        io.field(m.error_message);
    }
    io.tags([&](auto& t) {
        if (io.version() >= 10) t(0, m.current_leader, m.current_leader != leader_id_and_epoch{});
    });
}

template<class IO>
void serde(IO& io, topic_produce_response& m) {
    io.field(m.name);
    io.field(m.partition_responses);
    io.tags();
}

template<class IO>
void serde(IO& io, produce_response& m) {
    io.field(m.responses);
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.tags([&](auto& t) {
        if (io.version() >= 10) t(0, m.node_endpoints, !m.node_endpoints.empty());
    });
}

}  // namespace samsa::protocol
