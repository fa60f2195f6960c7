// SyncGroup: followers' answers wait for the leader's assignment.
// Needs Read on the group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/sync_group.h"

namespace samsa::broker {

void handle_sync_group(request_context ctx) {
    auto req = ctx.decode<protocol::sync_group_request>();
    if (!req) return;
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        protocol::sync_group_response denied;
        denied.error_code = protocol::error_code::group_authorization_failed;
        ctx.respond(denied);
        return;
    }
    group::sync_request s;
    s.group_id = std::move(req->group_id);
    s.generation = req->generation_id;
    s.member_id = std::move(req->member_id);
    s.group_instance_id = std::move(req->group_instance_id);
    s.protocol_type = std::move(req->protocol_type);
    s.protocol_name = std::move(req->protocol_name);
    for (auto& a : req->assignments) s.assignments.emplace_back(std::move(a.member_id), std::move(a.assignment));
    // shared_ptr: std::function needs a copyable callable (see join_group.cc).
    auto parked = std::make_shared<request_context>(std::move(ctx));
    parked->b->groups().sync(std::move(s), [parked](group::sync_result r) {
        protocol::sync_group_response resp;
        resp.error_code = r.error;
        resp.protocol_type = std::move(r.protocol_type);
        resp.protocol_name = std::move(r.protocol_name);
        resp.assignment = std::move(r.assignment);
        parked->respond(resp);
    });
}

}  // namespace samsa::broker
