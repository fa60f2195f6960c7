#pragma once
// SyncGroup (api key 14): versions 0-5.
//
// The leader sends every member's assignment; the others send none. v3 adds
// group_instance_id, v5 protocol_type/protocol_name (checked against the
// group's).

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using sync_group_api = api_range<api_key::sync_group, 0, 5>;

struct sync_group_request_assignment {
    std::string member_id;
    bytes assignment;
    bool operator==(const sync_group_request_assignment&) const = default;
};

struct sync_group_request {
    using api = sync_group_api;
    std::string group_id;
    samsa::generation_id generation_id;
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::optional<std::string> protocol_type;      // v5+
    std::optional<std::string> protocol_name;      // v5+
    std::vector<sync_group_request_assignment> assignments;
    bool operator==(const sync_group_request&) const = default;
};

struct sync_group_response {
    using api = sync_group_api;
    int32_t throttle_time_ms = 0;  // v1+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> protocol_type;  // v5+
    std::optional<std::string> protocol_name;  // v5+
    bytes assignment;
    bool operator==(const sync_group_response&) const = default;
};

template<class IO>
void serde(IO& io, sync_group_request_assignment& m) {
    io.field(m.member_id);
    io.field(m.assignment);
    io.tags();
}

template<class IO>
void serde(IO& io, sync_group_request& m) {
    io.field(m.group_id);
    io.field(m.generation_id);
    io.field(m.member_id);
    if (io.version() >= 3) io.field(m.group_instance_id);
    if (io.version() >= 5) {
        io.field(m.protocol_type);
        io.field(m.protocol_name);
    }
    io.field(m.assignments);
    io.tags();
}

template<class IO>
void serde(IO& io, sync_group_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.error_code);
    if (io.version() >= 5) {
        io.field(m.protocol_type);
        io.field(m.protocol_name);
    }
    io.field(m.assignment);
    io.tags();
}

}  // namespace samsa::protocol
