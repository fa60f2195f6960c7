// DeleteGroups: only Empty groups (NON_EMPTY_GROUP otherwise); their offsets
// and metadata get tombstones in __consumer_offsets. Needs Delete on each
// group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/delete_groups.h"

namespace samsa::broker {

void handle_delete_groups(request_context ctx) {
    auto req = ctx.decode<protocol::delete_groups_request>();
    if (!req) return;
    protocol::delete_groups_response resp;
    for (const auto& id : req->groups_names) {
        if (!authorized_on_group(ctx, acl_op::remove, id)) {
            resp.results.push_back({id, protocol::error_code::group_authorization_failed});
            continue;
        }
        resp.results.push_back({id, ctx.b->groups().delete_group(id)});
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
