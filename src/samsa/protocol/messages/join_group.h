#pragma once
// JoinGroup (api key 11): versions 0-9.
//
// v1 adds rebalance_timeout_ms, v5 static membership (group_instance_id), v7
// protocol_type in the response, v8 a leave/join reason, v9 skip_assignment.
// Since v4 a member joining with an empty member_id is answered
// MEMBER_ID_REQUIRED with its new id, and joins again.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using join_group_api = api_range<api_key::join_group, 0, 9>;

struct join_group_request_protocol {
    std::string name;
    bytes metadata;
    bool operator==(const join_group_request_protocol&) const = default;
};

struct join_group_request {
    using api = join_group_api;
    std::string group_id;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = -1;  // v1+; v0 uses the session timeout
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::string protocol_type;
    std::vector<join_group_request_protocol> protocols;
    std::optional<std::string> reason;  // v8+
    bool operator==(const join_group_request&) const = default;
};

struct join_group_response_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    bytes metadata;
    bool operator==(const join_group_response_member&) const = default;
};

struct join_group_response {
    using api = join_group_api;
    int32_t throttle_time_ms = 0;  // v2+
    protocol::error_code error_code = protocol::error_code::none;
    samsa::generation_id generation_id{-1};
    std::optional<std::string> protocol_type;  // v7+
    std::optional<std::string> protocol_name;  // nullable v7+
    std::string leader;
    bool skip_assignment = false;  // v9+
    std::string member_id;
    std::vector<join_group_response_member> members;
    bool operator==(const join_group_response&) const = default;
};

template<class IO>
void serde(IO& io, join_group_request_protocol& m) {
    io.field(m.name);
    io.field(m.metadata);
    io.tags();
}

template<class IO>
void serde(IO& io, join_group_request& m) {
    io.field(m.group_id);
    io.field(m.session_timeout_ms);
    if (io.version() >= 1) io.field(m.rebalance_timeout_ms);
    io.field(m.member_id);
    if (io.version() >= 5) io.field(m.group_instance_id);
    io.field(m.protocol_type);
    io.field(m.protocols);
    if (io.version() >= 8) io.field(m.reason);
    io.tags();
}

template<class IO>
void serde(IO& io, join_group_response_member& m) {
    io.field(m.member_id);
    if (io.version() >= 5) io.field(m.group_instance_id);
    io.field(m.metadata);
    io.tags();
}

template<class IO>
void serde(IO& io, join_group_response& m) {
    if (io.version() >= 2) io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.generation_id);
    if (io.version() >= 7) io.field(m.protocol_type);
    io.field(m.protocol_name);
    io.field(m.leader);
    if (io.version() >= 9) io.field(m.skip_assignment);
    io.field(m.member_id);
    io.field(m.members);
    io.tags();
}

}  // namespace samsa::protocol
