// CreateAcls: Alter on the cluster (CLUSTER_AUTHORIZATION_FAILED for every
// creation otherwise), SECURITY_DISABLED without an authorizer, then each
// creation checked (INVALID_REQUEST with Kafka's reason) and the valid ones
// stored together. Also the wire conversions the ACL handlers share.
#include "samsa/broker/handlers/acl_handlers.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/protocol/messages/create_acls.h"

namespace samsa::broker {

namespace authz = security::authz;
using protocol::error_code;

authz::resource_type resource_type_from_wire(int8_t code) {
    return code >= 1 && code <= 7 ? static_cast<authz::resource_type>(code) : authz::resource_type::unknown;
}
authz::pattern_type pattern_type_from_wire(int8_t code) {
    return code >= 1 && code <= 4 ? static_cast<authz::pattern_type>(code) : authz::pattern_type::unknown;
}
authz::operation operation_from_wire(int8_t code) {
    return code >= 1 && code <= 14 ? static_cast<authz::operation>(code) : authz::operation::unknown;
}
authz::permission permission_from_wire(int8_t code) {
    return code >= 1 && code <= 3 ? static_cast<authz::permission>(code) : authz::permission::unknown;
}

authz::acl_binding_filter filter_from_wire(const protocol::acl_filter_fields& f) {
    authz::acl_binding_filter out;
    out.type = resource_type_from_wire(f.resource_type_filter);
    out.name = f.resource_name_filter;
    out.pattern = pattern_type_from_wire(f.pattern_type_filter);
    out.principal = f.principal_filter;
    out.host = f.host_filter;
    out.operation = operation_from_wire(f.operation);
    out.permission = permission_from_wire(f.permission_type);
    return out;
}

namespace {

authz::acl_binding binding_from_wire(const protocol::acl_creation& c) {
    return {{resource_type_from_wire(c.resource_type), c.resource_name,
             pattern_type_from_wire(c.resource_pattern_type)},
            {c.principal, c.host, operation_from_wire(c.operation), permission_from_wire(c.permission_type)}};
}

protocol::create_acls_response all_failed(size_t n, error_code error, std::optional<std::string> message) {
    protocol::create_acls_response resp;
    resp.results.assign(n, {error, std::move(message)});
    return resp;
}

}  // namespace

void handle_create_acls(request_context ctx) {
    auto req = ctx.decode<protocol::create_acls_request>();
    if (!req) return;
    size_t n = req->creations.size();
    if (!authorized_on_cluster(ctx, acl_op::alter)) {
        ctx.respond(all_failed(n, error_code::cluster_authorization_failed, std::nullopt));
        return;
    }
    auto* a = ctx.b->authorizer();
    if (!a) {
        ctx.respond(all_failed(n, error_code::security_disabled, no_authorizer_message));
        return;
    }
    protocol::create_acls_response resp;
    resp.results.resize(n);
    std::vector<authz::acl_binding> valid;
    std::vector<size_t> valid_index;
    for (size_t i = 0; i < n; ++i) {
        auto b = binding_from_wire(req->creations[i]);
        if (auto why = authz::why_invalid(b)) {
            resp.results[i] = {error_code::invalid_request, *why};
            continue;
        }
        valid.push_back(std::move(b));
        valid_index.push_back(i);
    }
    if (auto stored = a->add(valid); !stored) {
        for (size_t i : valid_index) resp.results[i] = {error_code::unknown_server_error, stored.error().message};
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
