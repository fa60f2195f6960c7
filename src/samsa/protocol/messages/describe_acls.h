#pragma once
// DescribeAcls (api key 29): versions 0-3 (v1 adds the pattern type filter;
// v2+ flexible). The filter shape is shared with DeleteAcls.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_acls_api = api_range<api_key::describe_acls, 0, 3>;

// An ACL binding filter as the wire carries it; null strings match anything.
struct acl_filter_fields {
    int8_t resource_type_filter = 0;
    std::optional<std::string> resource_name_filter;
    int8_t pattern_type_filter = 3;  // v1+; LITERAL before
    std::optional<std::string> principal_filter;
    std::optional<std::string> host_filter;
    int8_t operation = 0;
    int8_t permission_type = 0;
    bool operator==(const acl_filter_fields&) const = default;
};

struct describe_acls_request {
    using api = describe_acls_api;
    acl_filter_fields filter;
    bool operator==(const describe_acls_request&) const = default;
};

struct acl_description {
    std::string principal;
    std::string host;
    int8_t operation = 0;
    int8_t permission_type = 0;
    bool operator==(const acl_description&) const = default;
};

struct describe_acls_resource {
    int8_t resource_type = 0;
    std::string resource_name;
    int8_t pattern_type = 3;  // v1+
    std::vector<acl_description> acls;
    bool operator==(const describe_acls_resource&) const = default;
};

struct describe_acls_response {
    using api = describe_acls_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<describe_acls_resource> resources;
    bool operator==(const describe_acls_response&) const = default;
};

// The filter's fields in wire order (no tag section: callers add it).
template<class IO>
void serde_filter_fields(IO& io, acl_filter_fields& m) {
    io.field(m.resource_type_filter);
    io.field(m.resource_name_filter);
    if (io.version() >= 1) io.field(m.pattern_type_filter);
    io.field(m.principal_filter);
    io.field(m.host_filter);
    io.field(m.operation);
    io.field(m.permission_type);
}

template<class IO>
void serde(IO& io, describe_acls_request& m) {
    serde_filter_fields(io, m.filter);
    io.tags();
}

template<class IO>
void serde(IO& io, acl_description& m) {
    io.field(m.principal);
    io.field(m.host);
    io.field(m.operation);
    io.field(m.permission_type);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_acls_resource& m) {
    io.field(m.resource_type);
    io.field(m.resource_name);
    if (io.version() >= 1) io.field(m.pattern_type);
    io.field(m.acls);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_acls_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.resources);
    io.tags();
}

}  // namespace samsa::protocol
