// DeleteAcls: Alter on the cluster (CLUSTER_AUTHORIZATION_FAILED for every
// filter), SECURITY_DISABLED without an authorizer, INVALID_REQUEST for a
// filter with an UNKNOWN field; each other filter removes and lists what it
// matches.
#include "samsa/broker/handlers/acl_handlers.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/protocol/messages/delete_acls.h"

namespace samsa::broker {

namespace authz = security::authz;
using protocol::error_code;

namespace {

protocol::delete_acls_matching_acl to_wire(const authz::acl_binding& b) {
    protocol::delete_acls_matching_acl m;
    m.resource_type = static_cast<int8_t>(b.pattern.type);
    m.resource_name = b.pattern.name;
    m.pattern_type = static_cast<int8_t>(b.pattern.pattern);
    m.principal = b.entry.principal;
    m.host = b.entry.host;
    m.operation = static_cast<int8_t>(b.entry.operation);
    m.permission_type = static_cast<int8_t>(b.entry.permission);
    return m;
}

}  // namespace

void handle_delete_acls(request_context ctx) {
    auto req = ctx.decode<protocol::delete_acls_request>();
    if (!req) return;
    protocol::delete_acls_response resp;
    size_t n = req->filters.size();
    resp.filter_results.resize(n);
    auto fail_all = [&](error_code e, std::optional<std::string> message) {
        for (auto& r : resp.filter_results) {
            r.error_code = e;
            r.error_message = message;
        }
        ctx.respond(resp);
    };
    if (!authorized_on_cluster(ctx, acl_op::alter)) return fail_all(error_code::cluster_authorization_failed, {});
    auto* a = ctx.b->authorizer();
    if (!a) return fail_all(error_code::security_disabled, no_authorizer_message);

    std::vector<authz::acl_binding_filter> filters;
    std::vector<size_t> filter_index;
    for (size_t i = 0; i < n; ++i) {
        auto f = filter_from_wire(req->filters[i].filter);
        if (auto why = f.why_invalid()) {
            resp.filter_results[i] = {error_code::invalid_request, *why, {}};
            continue;
        }
        filters.push_back(std::move(f));
        filter_index.push_back(i);
    }
    auto removed = a->remove(filters);
    for (size_t k = 0; k < filter_index.size(); ++k) {
        auto& r = resp.filter_results[filter_index[k]];
        if (!removed) {
            r.error_code = error_code::unknown_server_error;
            r.error_message = removed.error().message;
            continue;
        }
        for (const auto& b : (*removed)[k]) r.matching_acls.push_back(to_wire(b));
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
