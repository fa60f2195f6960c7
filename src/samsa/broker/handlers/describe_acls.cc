// DescribeAcls: Describe on the cluster (CLUSTER_AUTHORIZATION_FAILED),
// SECURITY_DISABLED without an authorizer, INVALID_REQUEST for a filter with
// an UNKNOWN field; else the matching bindings grouped by resource pattern.
#include <map>

#include "samsa/broker/handlers/acl_handlers.h"
#include "samsa/broker/handlers/authorize.h"

namespace samsa::broker {

namespace authz = security::authz;
using protocol::error_code;

void handle_describe_acls(request_context ctx) {
    auto req = ctx.decode<protocol::describe_acls_request>();
    if (!req) return;
    protocol::describe_acls_response resp;
    auto* a = ctx.b->authorizer();
    auto filter = filter_from_wire(req->filter);
    if (!authorized_on_cluster(ctx, acl_op::describe)) {
        resp.error_code = error_code::cluster_authorization_failed;
    } else if (!a) {
        resp.error_code = error_code::security_disabled;
        resp.error_message = no_authorizer_message;
    } else if (auto why = filter.why_invalid()) {
        resp.error_code = error_code::invalid_request;
        resp.error_message = *why;
    } else {
        std::map<authz::resource_pattern, std::vector<protocol::acl_description>> by_resource;
        for (const auto& b : a->describe(filter)) {
            by_resource[b.pattern].push_back({b.entry.principal, b.entry.host, static_cast<int8_t>(b.entry.operation),
                                              static_cast<int8_t>(b.entry.permission)});
        }
        for (auto& [p, acls] : by_resource) {
            resp.resources.push_back(
                {static_cast<int8_t>(p.type), p.name, static_cast<int8_t>(p.pattern), std::move(acls)});
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
