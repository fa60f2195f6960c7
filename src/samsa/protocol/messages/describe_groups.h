#pragma once
// DescribeGroups (api key 15): versions 0-5.
//
// group_state uses Kafka's names ("PreparingRebalance",
// "CompletingRebalance", "Stable", "Dead", "Empty"); protocol_data is the
// chosen assignor. Member metadata and assignments are the consumer
// protocol's bytes, passed through.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/metadata.h"

namespace samsa::protocol {

using describe_groups_api = api_range<api_key::describe_groups, 0, 5>;

struct describe_groups_request {
    using api = describe_groups_api;
    std::vector<std::string> groups;
    bool include_authorized_operations = false;  // v3+
    bool operator==(const describe_groups_request&) const = default;
};

struct described_group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    bytes member_metadata;
    bytes member_assignment;
    bool operator==(const described_group_member&) const = default;
};

struct described_group {
    protocol::error_code error_code = protocol::error_code::none;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<described_group_member> members;
    int32_t authorized_operations = authorized_operations_unknown;  // v3+
    bool operator==(const described_group&) const = default;
};

struct describe_groups_response {
    using api = describe_groups_api;
    int32_t throttle_time_ms = 0;  // v1+
    std::vector<described_group> groups;
    bool operator==(const describe_groups_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_groups_request& m) {
    io.field(m.groups);
    if (io.version() >= 3) io.field(m.include_authorized_operations);
    io.tags();
}

template<class IO>
void serde(IO& io, described_group_member& m) {
    io.field(m.member_id);
    if (io.version() >= 4) io.field(m.group_instance_id);
    io.field(m.client_id);
    io.field(m.client_host);
    io.field(m.member_metadata);
    io.field(m.member_assignment);
    io.tags();
}

template<class IO>
void serde(IO& io, described_group& m) {
    io.field(m.error_code);
    io.field(m.group_id);
    io.field(m.group_state);
    io.field(m.protocol_type);
    io.field(m.protocol_data);
    io.field(m.members);
    if (io.version() >= 3) io.field(m.authorized_operations);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_groups_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.groups);
    io.tags();
}

}  // namespace samsa::protocol
