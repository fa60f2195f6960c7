// ListGroups: every group this coordinator knows, filtered by state (v4+).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/list_groups.h"

namespace samsa::broker {

void handle_list_groups(request_context ctx) {
    auto req = ctx.decode<protocol::list_groups_request>();
    if (!req) return;
    auto [error, groups] = ctx.b->groups().list(req->states_filter);
    protocol::list_groups_response resp;
    resp.error_code = error;
    for (auto& g : groups) resp.groups.push_back({std::move(g.group_id), std::move(g.protocol_type), std::move(g.state)});
    ctx.respond(resp);
}

}  // namespace samsa::broker
