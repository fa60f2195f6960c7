#pragma once
// CreateAcls (api key 30): versions 0-3 (v1 adds the resource pattern type;
// v2+ flexible).

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using create_acls_api = api_range<api_key::create_acls, 0, 3>;

struct acl_creation {
    int8_t resource_type = 0;
    std::string resource_name;
    int8_t resource_pattern_type = 3;  // v1+; LITERAL before
    std::string principal;
    std::string host;
    int8_t operation = 0;
    int8_t permission_type = 0;
    bool operator==(const acl_creation&) const = default;
};

struct create_acls_request {
    using api = create_acls_api;
    std::vector<acl_creation> creations;
    bool operator==(const create_acls_request&) const = default;
};

struct acl_creation_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bool operator==(const acl_creation_result&) const = default;
};

struct create_acls_response {
    using api = create_acls_api;
    int32_t throttle_time_ms = 0;
    std::vector<acl_creation_result> results;
    bool operator==(const create_acls_response&) const = default;
};

template<class IO>
void serde(IO& io, acl_creation& m) {
    io.field(m.resource_type);
    io.field(m.resource_name);
    if (io.version() >= 1) io.field(m.resource_pattern_type);
    io.field(m.principal);
    io.field(m.host);
    io.field(m.operation);
    io.field(m.permission_type);
    io.tags();
}

template<class IO>
void serde(IO& io, create_acls_request& m) {
    io.field(m.creations);
    io.tags();
}

template<class IO>
void serde(IO& io, acl_creation_result& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, create_acls_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
