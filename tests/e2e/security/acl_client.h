#pragma once
// acl_client: what the ACL tests send over a raw connection (tests/support/
// raw_client.h), one call per request, so each check reads as the API and
// the error Kafka gives. Every wait is bounded (raw_client's timeouts).
//
// Thread: the test's thread.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "samsa/protocol/messages/create_acls.h"
#include "samsa/protocol/messages/delete_acls.h"
#include "samsa/protocol/messages/describe_acls.h"
#include "tests/support/raw_client.h"

namespace samsa::e2e::security {

using test_support::raw_client;

// Sends `request` at `version` and reads its answer; a default answer (and a
// test failure saying why) when none comes.
template<class Response, class Request>
Response call(raw_client& c, const Request& request, int16_t version) {
    auto r = c.call<Response>(request, version);
    if (!r) {
        ADD_FAILURE() << "no " << protocol::name(Request::api::key) << " answer: " << r.error().message;
        return Response{};
    }
    return std::move(*r);
}

// Kafka's wire codes, named as the tests use them.
namespace codes {
inline constexpr int8_t topic = 2, group = 3, cluster = 4, transactional_id = 5;
inline constexpr int8_t any = 1, match = 2, literal = 3, prefixed = 4;
inline constexpr int8_t all = 2, read = 3, write = 4, create = 5, remove = 6, alter = 7, describe = 8,
                        describe_configs = 10, alter_configs = 11, idempotent_write = 12;
inline constexpr int8_t deny = 2, allow = 3;
}  // namespace codes

inline protocol::acl_creation acl(int8_t type, std::string name, int8_t pattern, std::string principal, int8_t op,
                                  int8_t permission = codes::allow, std::string host = "*") {
    return {type, std::move(name), pattern, std::move(principal), std::move(host), op, permission};
}

inline protocol::create_acls_response create_acls(raw_client& c, std::vector<protocol::acl_creation> acls,
                                                  int16_t version = 2) {
    protocol::create_acls_request r;
    r.creations = std::move(acls);
    return call<protocol::create_acls_response>(c, r, version);
}

// A filter matching exactly one binding (as `samsa acls remove` sends).
inline protocol::acl_filter_fields exact(const protocol::acl_creation& a) {
    return {a.resource_type, a.resource_name, a.resource_pattern_type, a.principal, a.host, a.operation,
            a.permission_type};
}

inline protocol::acl_filter_fields any_filter() {
    return {codes::any, std::nullopt, codes::any, std::nullopt, std::nullopt, 1, 1};
}

inline protocol::describe_acls_response describe_acls(raw_client& c, protocol::acl_filter_fields f,
                                                      int16_t version = 2) {
    protocol::describe_acls_request r;
    r.filter = std::move(f);
    return call<protocol::describe_acls_response>(c, r, version);
}

inline protocol::delete_acls_response delete_acls(raw_client& c, std::vector<protocol::acl_filter_fields> filters,
                                                  int16_t version = 2) {
    protocol::delete_acls_request r;
    for (auto& f : filters) r.filters.push_back({std::move(f)});
    return call<protocol::delete_acls_response>(c, r, version);
}

}  // namespace samsa::e2e::security
