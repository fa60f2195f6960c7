// ListGroups: every group this coordinator knows, filtered by state (v4+)
// and by Describe on the group unless the sender may Describe the cluster.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/list_groups.h"

namespace samsa::broker {

void handle_list_groups(request_context ctx) {
    auto req = ctx.decode<protocol::list_groups_request>();
    if (!req) return;
    auto [error, groups] = ctx.b->groups().list(req->states_filter);
    protocol::list_groups_response resp;
    resp.error_code = error;
    // Describe on the cluster shows every group; else those the sender may
    // Describe.
    const bool all = authorized_on_cluster(ctx, acl_op::describe);
    std::erase_if(groups, [&](const auto& g) { return !all && !authorized_on_group(ctx, acl_op::describe, g.group_id); });
    for (auto& g : groups) resp.groups.push_back({std::move(g.group_id), std::move(g.protocol_type), std::move(g.state)});
    ctx.respond(resp);
}

}  // namespace samsa::broker
