// JoinGroup: the answer waits for the rebalance round (the coordinator keeps
// Needs Read on the group (GROUP_AUTHORIZATION_FAILED).
// the callback), so the request context moves into it.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/join_group.h"

namespace samsa::broker {

void handle_join_group(request_context ctx) {
    auto req = ctx.decode<protocol::join_group_request>();
    if (!req) return;
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        protocol::join_group_response denied;
        denied.error_code = protocol::error_code::group_authorization_failed;
        if (ctx.version() < 7) denied.protocol_name = "";  // not nullable before v7
        ctx.respond(denied);
        return;
    }
    int16_t v = ctx.version();
    group::join_request j;
    j.group_id = std::move(req->group_id);
    j.member_id = std::move(req->member_id);
    j.group_instance_id = std::move(req->group_instance_id);
    j.client_id = ctx.header.client_id.value_or("");
    j.client_host = client_host_of(ctx);
    j.session_timeout = std::chrono::milliseconds(req->session_timeout_ms);
    j.rebalance_timeout = std::chrono::milliseconds(v >= 1 ? req->rebalance_timeout_ms : req->session_timeout_ms);
    j.protocol_type = std::move(req->protocol_type);
    for (auto& p : req->protocols) j.protocols.push_back({std::move(p.name), std::move(p.metadata)});
    j.require_known_member_id = v >= 4;
    // shared_ptr: std::function needs a copyable callable; the coordinator
    // calls it exactly once and is its only holder.
    auto parked = std::make_shared<request_context>(std::move(ctx));
    parked->b->groups().join(std::move(j), [parked, v](group::join_result r) {
        protocol::join_group_response resp;
        resp.error_code = r.error;
        resp.generation_id = r.generation;
        resp.protocol_type = std::move(r.protocol_type);
        resp.protocol_name = std::move(r.protocol_name);
        if (v < 7 && !resp.protocol_name) resp.protocol_name = "";  // not nullable before v7
        resp.leader = std::move(r.leader);
        resp.skip_assignment = r.skip_assignment;
        resp.member_id = std::move(r.member_id);
        for (auto& m : r.members)
            resp.members.push_back({std::move(m.member_id), std::move(m.group_instance_id), std::move(m.metadata)});
        parked->respond(resp);
    });
}

}  // namespace samsa::broker
