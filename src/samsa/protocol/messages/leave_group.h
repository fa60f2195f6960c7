#pragma once
// LeaveGroup (api key 13): versions 0-5.
//
// Up to v2 one member leaves (member_id); from v3 a batch of members, each
// answered on its own; v5 adds a reason.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using leave_group_api = api_range<api_key::leave_group, 0, 5>;

struct member_identity {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> reason;  // v5+
    bool operator==(const member_identity&) const = default;
};

struct leave_group_request {
    using api = leave_group_api;
    std::string group_id;
    std::string member_id;                 // v0-2
    std::vector<member_identity> members;  // v3+
    bool operator==(const leave_group_request&) const = default;
};

struct member_response {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const member_response&) const = default;
};

struct leave_group_response {
    using api = leave_group_api;
    int32_t throttle_time_ms = 0;  // v1+
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<member_response> members;  // v3+
    bool operator==(const leave_group_response&) const = default;
};

template<class IO>
void serde(IO& io, member_identity& m) {
    io.field(m.member_id);
    io.field(m.group_instance_id);
    if (io.version() >= 5) io.field(m.reason);
    io.tags();
}

template<class IO>
void serde(IO& io, leave_group_request& m) {
    io.field(m.group_id);
    if (io.version() <= 2) {
        io.field(m.member_id);
    } else {
        io.field(m.members);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, member_response& m) {
    io.field(m.member_id);
    io.field(m.group_instance_id);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, leave_group_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.error_code);
    if (io.version() >= 3) io.field(m.members);
    io.tags();
}

}  // namespace samsa::protocol
