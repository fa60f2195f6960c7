#pragma once
// ListGroups (api key 16): versions 0-5.
//
// v4 filters by group state ("Stable", "Empty", ...; empty = all) and answers
// each group's state; v5 filters by group type ("classic", "consumer"; empty
// = all; case-insensitive in Kafka) and answers each group's type: every
// group here is "classic".

#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using list_groups_api = api_range<api_key::list_groups, 0, 5>;

struct list_groups_request {
    using api = list_groups_api;
    std::vector<std::string> states_filter;  // v4+
    std::vector<std::string> types_filter;   // v5+
    bool operator==(const list_groups_request&) const = default;
};

struct listed_group {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;  // v4+
    std::string group_type;   // v5+
    bool operator==(const listed_group&) const = default;
};

struct list_groups_response {
    using api = list_groups_api;
    int32_t throttle_time_ms = 0;  // v1+
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<listed_group> groups;
    bool operator==(const list_groups_response&) const = default;
};

template<class IO>
void serde(IO& io, list_groups_request& m) {
    if (io.version() >= 4) io.field(m.states_filter);
    if (io.version() >= 5) io.field(m.types_filter);
    io.tags();
}

template<class IO>
void serde(IO& io, listed_group& m) {
    io.field(m.group_id);
    io.field(m.protocol_type);
    if (io.version() >= 4) io.field(m.group_state);
    if (io.version() >= 5) io.field(m.group_type);
    io.tags();
}

template<class IO>
void serde(IO& io, list_groups_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.groups);
    io.tags();
}

}  // namespace samsa::protocol
