#pragma once
// DescribeClientQuotas (api key 48): versions 0-1 (v1 flexible). Each
// component filters one entity type: match_type 0 EXACT (the name in
// `match`), 1 DEFAULT (the default entity), 2 SPECIFIED (any named one).

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_client_quotas_api = api_range<api_key::describe_client_quotas, 0, 1>;

struct quota_filter_component {
    std::string entity_type;
    int8_t match_type = 0;
    std::optional<std::string> match;
    bool operator==(const quota_filter_component&) const = default;
};

struct describe_client_quotas_request {
    using api = describe_client_quotas_api;
    std::vector<quota_filter_component> components;
    bool strict = false;
    bool operator==(const describe_client_quotas_request&) const = default;
};

// One component of a quota entity; a null name is the default entity.
struct quota_entity_data {
    std::string entity_type;
    std::optional<std::string> entity_name;
    bool operator==(const quota_entity_data&) const = default;
};

struct quota_value_data {
    std::string key;
    double value = 0;
    bool operator==(const quota_value_data&) const = default;
};

struct quota_entry_data {
    std::vector<quota_entity_data> entity;
    std::vector<quota_value_data> values;
    bool operator==(const quota_entry_data&) const = default;
};

struct describe_client_quotas_response {
    using api = describe_client_quotas_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::optional<std::vector<quota_entry_data>> entries;
    bool operator==(const describe_client_quotas_response&) const = default;
};

template<class IO>
void serde(IO& io, quota_filter_component& m) {
    io.field(m.entity_type);
    io.field(m.match_type);
    io.field(m.match);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_client_quotas_request& m) {
    io.field(m.components);
    io.field(m.strict);
    io.tags();
}

template<class IO>
void serde(IO& io, quota_entity_data& m) {
    io.field(m.entity_type);
    io.field(m.entity_name);
    io.tags();
}

template<class IO>
void serde(IO& io, quota_value_data& m) {
    io.field(m.key);
    io.field(m.value);
    io.tags();
}

template<class IO>
void serde(IO& io, quota_entry_data& m) {
    io.field(m.entity);
    io.field(m.values);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_client_quotas_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.entries);
    io.tags();
}

}  // namespace samsa::protocol
