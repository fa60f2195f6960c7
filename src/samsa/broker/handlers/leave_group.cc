// LeaveGroup: one member (v0-2) or a batch (v3+, also by group.instance.id).
// Needs Read on the group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/leave_group.h"

namespace samsa::broker {

void handle_leave_group(request_context ctx) {
    auto req = ctx.decode<protocol::leave_group_request>();
    if (!req) return;
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        protocol::leave_group_response denied;
        denied.error_code = protocol::error_code::group_authorization_failed;
        ctx.respond(denied);
        return;
    }
    std::vector<group::leave_member> members;
    if (ctx.version() <= 2) {
        members.push_back({std::move(req->member_id), std::nullopt});
    } else {
        for (auto& m : req->members) members.push_back({std::move(m.member_id), std::move(m.group_instance_id)});
    }
    auto r = ctx.b->groups().leave(req->group_id, members);
    protocol::leave_group_response resp;
    resp.error_code = r.error;
    if (ctx.version() <= 2) {
        // One member: its error is the request's.
        if (resp.error_code == protocol::error_code::none && !r.members.empty()) resp.error_code = r.members[0].error;
    } else {
        for (auto& m : r.members) resp.members.push_back({std::move(m.member_id), std::move(m.group_instance_id), m.error});
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
