// FindCoordinator: this node coordinates every group (key type 0) and, once
// transactions exist, every transactional id (key type 1). Needs Describe
// on the group or transactional id.
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/find_coordinator.h"

namespace samsa::broker {

namespace {

protocol::coordinator answer_for(const request_context& ctx, const std::string& key, protocol::coordinator_type type) {
    protocol::coordinator c;
    c.key = key;
    if (type != protocol::coordinator_type::group && type != protocol::coordinator_type::transaction) {
        c.error_code = protocol::error_code::invalid_request;
        c.error_message = "unknown key type";
        c.node_id = node_id(-1);
        c.port = -1;
        return c;
    }
    const bool is_group = type == protocol::coordinator_type::group;
    if (is_group ? !authorized_on_group(ctx, acl_op::describe, key)
                 : !authorized_on_transactional_id(ctx, acl_op::describe, key)) {
        c.error_code = is_group ? protocol::error_code::group_authorization_failed
                                : protocol::error_code::transactional_id_authorization_failed;
        c.node_id = node_id(-1);
        c.host = "";
        c.port = -1;
        return c;
    }
    c.node_id = ctx.b->node();
    const listener& adv = ctx.b->advertised(ctx.session.listener_name);
    c.host = adv.host;
    c.port = adv.port;
    return c;
}

}  // namespace

void handle_find_coordinator(request_context ctx) {
    auto req = ctx.decode<protocol::find_coordinator_request>();
    if (!req) return;
    protocol::find_coordinator_response resp;
    if (ctx.version() >= 4) {
        for (const auto& key : req->coordinator_keys) resp.coordinators.push_back(answer_for(ctx, key, req->key_type));
    } else {
        auto c = answer_for(ctx, req->key, req->key_type);
        resp.error_code = c.error_code;
        resp.error_message = c.error_message;
        resp.node_id = c.node_id;
        resp.host = c.host;
        resp.port = c.port;
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
