#pragma once
// Heartbeat (api key 12): versions 0-4.
//
// A member's liveness signal; REBALANCE_IN_PROGRESS in the answer tells it to
// join again.

#include <optional>
#include <string>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using heartbeat_api = api_range<api_key::heartbeat, 0, 4>;

struct heartbeat_request {
    using api = heartbeat_api;
    std::string group_id;
    samsa::generation_id generation_id;
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    bool operator==(const heartbeat_request&) const = default;
};

struct heartbeat_response {
    using api = heartbeat_api;
    int32_t throttle_time_ms = 0;  // v1+
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const heartbeat_response&) const = default;
};

template<class IO>
void serde(IO& io, heartbeat_request& m) {
    io.field(m.group_id);
    io.field(m.generation_id);
    io.field(m.member_id);
    if (io.version() >= 3) io.field(m.group_instance_id);
    io.tags();
}

template<class IO>
void serde(IO& io, heartbeat_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.tags();
}

}  // namespace samsa::protocol
