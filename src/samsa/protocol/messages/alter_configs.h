#pragma once
// AlterConfigs (api key 33): versions 0-2.
//
// Replaces the whole dynamic config of each resource with the given entries
// (unlike IncrementalAlterConfigs).

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/config_resource.h"

namespace samsa::protocol {

using alter_configs_api = api_range<api_key::alter_configs, 0, 2>;

struct alterable_config {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const alterable_config&) const = default;
};

struct alter_configs_resource {
    config_resource_type resource_type = config_resource_type::unknown;
    std::string resource_name;
    std::vector<alterable_config> configs;
    bool operator==(const alter_configs_resource&) const = default;
};

struct alter_configs_request {
    using api = alter_configs_api;
    std::vector<alter_configs_resource> resources;
    bool validate_only = false;
    bool operator==(const alter_configs_request&) const = default;
};

struct alter_configs_resource_response {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    config_resource_type resource_type = config_resource_type::unknown;
    std::string resource_name;
    bool operator==(const alter_configs_resource_response&) const = default;
};

struct alter_configs_response {
    using api = alter_configs_api;
    int32_t throttle_time_ms = 0;
    std::vector<alter_configs_resource_response> responses;
    bool operator==(const alter_configs_response&) const = default;
};

template<class IO>
void serde(IO& io, alterable_config& m) {
    io.field(m.name);
    io.field(m.value);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_configs_resource& m) {
    io.field(m.resource_type);
    io.field(m.resource_name);
    io.field(m.configs);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_configs_request& m) {
    io.field(m.resources);
    io.field(m.validate_only);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_configs_resource_response& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.resource_type);
    io.field(m.resource_name);
    io.tags();
}

template<class IO>
void serde(IO& io, alter_configs_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.responses);
    io.tags();
}

}  // namespace samsa::protocol
