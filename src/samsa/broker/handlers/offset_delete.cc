// OffsetDelete: removes committed offsets of an Empty group, or of topics a
// live consumer group no longer subscribes to (GROUP_SUBSCRIBED_TO_TOPIC).
// Needs Delete on the group (GROUP_AUTHORIZATION_FAILED) and Read on each
// topic (TOPIC_AUTHORIZATION_FAILED per partition, nothing deleted there).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/offset_delete.h"

namespace samsa::broker {

void handle_offset_delete(request_context ctx) {
    auto req = ctx.decode<protocol::offset_delete_request>();
    if (!req) return;
    if (!authorized_on_group(ctx, acl_op::remove, req->group_id)) {
        protocol::offset_delete_response denied;
        denied.error_code = protocol::error_code::group_authorization_failed;
        ctx.respond(denied);
        return;
    }
    auto readable = [&ctx](const std::string& topic) { return authorized_on_topic(ctx, acl_op::read, topic); };
    std::vector<group::commit_partition> partitions;
    for (const auto& t : req->topics) {
        if (!readable(t.name)) continue;
        for (const auto& p : t.partitions) partitions.push_back({t.name, p.partition_index, offset(-1), -1, std::nullopt});
    }
    auto r = ctx.b->groups().delete_offsets(req->group_id, partitions);
    protocol::offset_delete_response resp;
    resp.error_code = r.error;
    if (r.error == protocol::error_code::none) {
        size_t i = 0;
        for (const auto& t : req->topics) {
            auto& rt = resp.topics.emplace_back();
            rt.name = t.name;
            const bool allowed = readable(t.name);
            for (const auto& p : t.partitions) {
                if (!allowed) {
                    rt.partitions.push_back({p.partition_index, protocol::error_code::topic_authorization_failed});
                    continue;
                }
                auto error = i < r.partitions.size() ? r.partitions[i].second : protocol::error_code::none;
                if (!ctx.b->topics().find(t.name)) error = protocol::error_code::unknown_topic_or_partition;
                rt.partitions.push_back({p.partition_index, error});
                ++i;
            }
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
