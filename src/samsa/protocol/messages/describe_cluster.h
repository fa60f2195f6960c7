#pragma once
// DescribeCluster (api key 60): versions 0-1 (flexible in every version).

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/metadata.h"

namespace samsa::protocol {

using describe_cluster_api = api_range<api_key::describe_cluster, 0, 1>;

struct describe_cluster_request {
    using api = describe_cluster_api;
    bool include_cluster_authorized_operations = false;
    int8_t endpoint_type = 1;  // v1+: 1 brokers, 2 controllers
    bool operator==(const describe_cluster_request&) const = default;
};

struct describe_cluster_broker {
    samsa::node_id broker_id;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
    bool operator==(const describe_cluster_broker&) const = default;
};

struct describe_cluster_response {
    using api = describe_cluster_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    int8_t endpoint_type = 1;  // v1+
    std::string cluster_id;
    samsa::node_id controller_id{-1};
    std::vector<describe_cluster_broker> brokers;
    int32_t cluster_authorized_operations = authorized_operations_unknown;
    bool operator==(const describe_cluster_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_cluster_request& m) {
    io.field(m.include_cluster_authorized_operations);
    if (io.version() >= 1) io.field(m.endpoint_type);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_cluster_broker& m) {
    io.field(m.broker_id);
    io.field(m.host);
    io.field(m.port);
    io.field(m.rack);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_cluster_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.error_message);
    if (io.version() >= 1) io.field(m.endpoint_type);
    io.field(m.cluster_id);
    io.field(m.controller_id);
    io.field(m.brokers);
    io.field(m.cluster_authorized_operations);
    io.tags();
}

}  // namespace samsa::protocol
