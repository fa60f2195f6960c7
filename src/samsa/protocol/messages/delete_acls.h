#pragma once
// DeleteAcls (api key 31): versions 0-3 (v1 adds pattern types; v2+
// flexible). Each filter answers with the ACLs it matched and removed.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/describe_acls.h"

namespace samsa::protocol {

using delete_acls_api = api_range<api_key::delete_acls, 0, 3>;

struct delete_acls_filter {
    acl_filter_fields filter;
    bool operator==(const delete_acls_filter&) const = default;
};

struct delete_acls_request {
    using api = delete_acls_api;
    std::vector<delete_acls_filter> filters;
    bool operator==(const delete_acls_request&) const = default;
};

struct delete_acls_matching_acl {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    int8_t pattern_type = 3;  // v1+
    std::string principal;
    std::string host;
    int8_t operation = 0;
    int8_t permission_type = 0;
    bool operator==(const delete_acls_matching_acl&) const = default;
};

struct delete_acls_filter_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    std::vector<delete_acls_matching_acl> matching_acls;
    bool operator==(const delete_acls_filter_result&) const = default;
};

struct delete_acls_response {
    using api = delete_acls_api;
    int32_t throttle_time_ms = 0;
    std::vector<delete_acls_filter_result> filter_results;
    bool operator==(const delete_acls_response&) const = default;
};

template<class IO>
void serde(IO& io, delete_acls_filter& m) {
    serde_filter_fields(io, m.filter);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_acls_request& m) {
    io.field(m.filters);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_acls_matching_acl& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.resource_type);
    io.field(m.resource_name);
    if (io.version() >= 1) io.field(m.pattern_type);
    io.field(m.principal);
    io.field(m.host);
    io.field(m.operation);
    io.field(m.permission_type);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_acls_filter_result& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.matching_acls);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_acls_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.filter_results);
    io.tags();
}

}  // namespace samsa::protocol
