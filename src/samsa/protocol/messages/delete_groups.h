#pragma once
// DeleteGroups (api key 42): versions 0-2.
//
// Only empty groups can be deleted (NON_EMPTY_GROUP otherwise).

#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using delete_groups_api = api_range<api_key::delete_groups, 0, 2>;

struct delete_groups_request {
    using api = delete_groups_api;
    std::vector<std::string> groups_names;  // sic: Kafka's field name
    bool operator==(const delete_groups_request&) const = default;
};

struct deletable_group_result {
    std::string group_id;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const deletable_group_result&) const = default;
};

struct delete_groups_response {
    using api = delete_groups_api;
    int32_t throttle_time_ms = 0;
    std::vector<deletable_group_result> results;
    bool operator==(const delete_groups_response&) const = default;
};

template<class IO>
void serde(IO& io, delete_groups_request& m) {
    io.field(m.groups_names);
    io.tags();
}

template<class IO>
void serde(IO& io, deletable_group_result& m) {
    io.field(m.group_id);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_groups_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
