#pragma once
// Metadata (api key 3): versions 0-12.
//
// Request topics: v0 an empty array means all topics; from v1 null means all
// topics and empty means none. Topic ids from v10 (then a topic may be named
// by id with a null name). allow_auto_topic_creation from v4 (earlier
// versions always allow it).

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using metadata_api = api_range<api_key::metadata, 0, 12>;

// "Unknown" for the authorized-operations fields (Kafka's INT32_MIN default).
inline constexpr int32_t authorized_operations_unknown = INT32_MIN;

struct metadata_request_topic {
    uuid topic_id;                    // v10+
    std::optional<std::string> name;  // nullable v10+
    bool operator==(const metadata_request_topic&) const = default;
};

struct metadata_request {
    using api = metadata_api;
    std::optional<std::vector<metadata_request_topic>> topics;  // null (v1+) = all
    bool allow_auto_topic_creation = true;                       // v4+
    bool include_cluster_authorized_operations = false;          // v8-10
    bool include_topic_authorized_operations = false;            // v8+
    bool operator==(const metadata_request&) const = default;
};

struct metadata_response_broker {
    samsa::node_id node_id;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+
    bool operator==(const metadata_response_broker&) const = default;
};

struct metadata_response_partition {
    protocol::error_code error_code = protocol::error_code::none;
    partition_id partition_index;
    samsa::node_id leader_id;
    samsa::leader_epoch leader_epoch{-1};  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+
    bool operator==(const metadata_response_partition&) const = default;
};

struct metadata_response_topic {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> name;  // nullable v12+
    uuid topic_id;                    // v10+
    bool is_internal = false;         // v1+
    std::vector<metadata_response_partition> partitions;
    int32_t topic_authorized_operations = authorized_operations_unknown;  // v8+
    bool operator==(const metadata_response_topic&) const = default;
};

struct metadata_response {
    using api = metadata_api;
    int32_t throttle_time_ms = 0;  // v3+
    std::vector<metadata_response_broker> brokers;
    std::optional<std::string> cluster_id;  // v2+
    samsa::node_id controller_id{-1};       // v1+
    std::vector<metadata_response_topic> topics;
    int32_t cluster_authorized_operations = authorized_operations_unknown;  // v8-10
    bool operator==(const metadata_response&) const = default;
};

template<class IO>
void serde(IO& io, metadata_request_topic& m) {
    if (io.version() >= 10) io.field(m.topic_id);
    io.field(m.name);
    io.tags();
}

template<class IO>
void serde(IO& io, metadata_request& m) {
    if (io.version() >= 1) {
        io.field(m.topics);
    } else {
        // v0 has no null: an empty array asks for all topics.
        if constexpr (IO::is_reader) {
            m.topics.emplace();
            io.field(*m.topics);
            if (m.topics->empty()) m.topics.reset();
        } else {
            static const std::vector<metadata_request_topic> none;
            io.field(m.topics ? *m.topics : none);
        }
    }
    if (io.version() >= 4) io.field(m.allow_auto_topic_creation);
    if (io.version() >= 8) {
        if (io.version() <= 10) io.field(m.include_cluster_authorized_operations);
        io.field(m.include_topic_authorized_operations);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, metadata_response_broker& m) {
    io.field(m.node_id);
    io.field(m.host);
    io.field(m.port);
    if (io.version() >= 1) io.field(m.rack);
    io.tags();
}

template<class IO>
void serde(IO& io, metadata_response_partition& m) {
    io.field(m.error_code);
    io.field(m.partition_index);
    io.field(m.leader_id);
    if (io.version() >= 7) io.field(m.leader_epoch);
    io.field(m.replica_nodes);
    io.field(m.isr_nodes);
    if (io.version() >= 5) io.field(m.offline_replicas);
    io.tags();
}

template<class IO>
void serde(IO& io, metadata_response_topic& m) {
    io.field(m.error_code);
    io.field(m.name);
    if (io.version() >= 10) io.field(m.topic_id);
    if (io.version() >= 1) io.field(m.is_internal);
    io.field(m.partitions);
    if (io.version() >= 8) io.field(m.topic_authorized_operations);
    io.tags();
}

template<class IO>
void serde(IO& io, metadata_response& m) {
    if (io.version() >= 3) io.field(m.throttle_time_ms);
    io.field(m.brokers);
    if (io.version() >= 2) io.field(m.cluster_id);
    if (io.version() >= 1) io.field(m.controller_id);
    io.field(m.topics);
    if (io.version() >= 8 && io.version() <= 10) io.field(m.cluster_authorized_operations);
    io.tags();
}

}  // namespace samsa::protocol
