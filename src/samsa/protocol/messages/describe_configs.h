#pragma once
// DescribeConfigs (api key 32): versions 0-4.
//
// resource_type: 2 = topic, 4 = broker (Kafka's ConfigResource.Type).
// config_source (v1+): 1 dynamic topic, 4 static broker, 5 default, ...;
// v0 has is_default instead. configuration_keys null = all keys.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/config_resource.h"

namespace samsa::protocol {

using describe_configs_api = api_range<api_key::describe_configs, 0, 4>;

struct describe_configs_resource {
    config_resource_type resource_type = config_resource_type::unknown;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;
    bool operator==(const describe_configs_resource&) const = default;
};

struct describe_configs_request {
    using api = describe_configs_api;
    std::vector<describe_configs_resource> resources;
    bool include_synonyms = false;       // v1+
    bool include_documentation = false;  // v3+
    bool operator==(const describe_configs_request&) const = default;
};

struct describe_configs_synonym {
    std::string name;
    std::optional<std::string> value;
    protocol::config_source source = config_source::unknown;
    bool operator==(const describe_configs_synonym&) const = default;
};

struct describe_configs_resource_result {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;  // v0 only
    protocol::config_source config_source = protocol::config_source::unknown;  // v1+ (-1 default on the wire)
    bool is_sensitive = false;
    std::vector<describe_configs_synonym> synonyms;  // v1+
    int8_t config_type = 0;                          // v3+
    std::optional<std::string> documentation;        // v3+
    bool operator==(const describe_configs_resource_result&) const = default;
};

struct describe_configs_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    config_resource_type resource_type = config_resource_type::unknown;
    std::string resource_name;
    std::vector<describe_configs_resource_result> configs;
    bool operator==(const describe_configs_result&) const = default;
};

struct describe_configs_response {
    using api = describe_configs_api;
    int32_t throttle_time_ms = 0;
    std::vector<describe_configs_result> results;
    bool operator==(const describe_configs_response&) const = default;
};

template<class IO>
void serde(IO& io, describe_configs_resource& m) {
    io.field(m.resource_type);
    io.field(m.resource_name);
    io.field(m.configuration_keys);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_configs_request& m) {
    io.field(m.resources);
    if (io.version() >= 1) io.field(m.include_synonyms);
    if (io.version() >= 3) io.field(m.include_documentation);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_configs_synonym& m) {
    io.field(m.name);
    io.field(m.value);
    io.field(m.source);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_configs_resource_result& m) {
    io.field(m.name);
    io.field(m.value);
    io.field(m.read_only);
    if (io.version() == 0) io.field(m.is_default);
    if (io.version() >= 1) io.field(m.config_source);
    io.field(m.is_sensitive);
    if (io.version() >= 1) io.field(m.synonyms);
    if (io.version() >= 3) {
        io.field(m.config_type);
        io.field(m.documentation);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, describe_configs_result& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.resource_type);
    io.field(m.resource_name);
    io.field(m.configs);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_configs_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
