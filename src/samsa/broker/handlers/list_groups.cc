// ListGroups: every group this coordinator knows, filtered by state (v4+),
// by type (v5+; every group here is a "classic" one) and by Describe on the
// group unless the sender may Describe the cluster.
#include <algorithm>
#include <cctype>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/list_groups.h"

namespace samsa::broker {

namespace {

// Kafka compares the type names without regard to case.
bool matches_classic(const std::vector<std::string>& types_filter) {
    if (types_filter.empty()) return true;
    return std::ranges::any_of(types_filter, [](const std::string& t) {
        return std::ranges::equal(t, std::string_view("classic"),
                                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    });
}

}  // namespace

void handle_list_groups(request_context ctx) {
    auto req = ctx.decode<protocol::list_groups_request>();
    if (!req) return;
    auto [error, groups] = ctx.b->groups().list(req->states_filter);
    protocol::list_groups_response resp;
    resp.error_code = error;
    // Describe on the cluster shows every group; else those the sender may
    // Describe.
    const bool all = authorized_on_cluster(ctx, acl_op::describe);
    if (!matches_classic(req->types_filter)) groups.clear();
    std::erase_if(groups, [&](const auto& g) { return !all && !authorized_on_group(ctx, acl_op::describe, g.group_id); });
    for (auto& g : groups) resp.groups.push_back({std::move(g.group_id), std::move(g.protocol_type), std::move(g.state), "classic"});
    ctx.respond(resp);
}

}  // namespace samsa::broker
