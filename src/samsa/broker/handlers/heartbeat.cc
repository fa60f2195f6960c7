// Heartbeat: keeps a member's session; tells it when a rebalance started.
// Needs Read on the group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/heartbeat.h"

namespace samsa::broker {

void handle_heartbeat(request_context ctx) {
    auto req = ctx.decode<protocol::heartbeat_request>();
    if (!req) return;
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        protocol::heartbeat_response denied;
        denied.error_code = protocol::error_code::group_authorization_failed;
        ctx.respond(denied);
        return;
    }
    protocol::heartbeat_response resp;
    resp.error_code = ctx.b->groups().heartbeat(
        {std::move(req->group_id), req->generation_id, std::move(req->member_id), std::move(req->group_instance_id)});
    ctx.respond(resp);
}

}  // namespace samsa::broker
