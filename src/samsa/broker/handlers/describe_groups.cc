// DescribeGroups: state, protocol and members (with metadata and assignment
// once Stable); an unknown group is "Dead" without an error, as in Kafka.
// Needs Describe on each group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/describe_groups.h"

namespace samsa::broker {

void handle_describe_groups(request_context ctx) {
    auto req = ctx.decode<protocol::describe_groups_request>();
    if (!req) return;
    protocol::describe_groups_response resp;
    for (const auto& id : req->groups) {
        if (!authorized_on_group(ctx, acl_op::describe, id)) {
            // Kafka: the id, the error, nothing else (empty state).
            auto& out = resp.groups.emplace_back();
            out.group_id = id;
            out.error_code = protocol::error_code::group_authorization_failed;
            continue;
        }
        auto d = ctx.b->groups().describe(id);
        auto& out = resp.groups.emplace_back();
        out.error_code = d.error;
        out.group_id = d.group_id;
        out.group_state = std::move(d.state);
        out.protocol_type = std::move(d.protocol_type);
        out.protocol_data = std::move(d.protocol_data);
        for (auto& m : d.members) {
            out.members.push_back({std::move(m.member_id), std::move(m.group_instance_id), std::move(m.client_id),
                                   std::move(m.client_host), std::move(m.metadata), std::move(m.assignment)});
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
