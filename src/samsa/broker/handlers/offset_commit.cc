// OffsetCommit: partitions of unknown topics are answered
// UNKNOWN_TOPIC_OR_PARTITION here; the rest go to the coordinator, which
// checks the member and generation and writes __consumer_offsets. Needs
// Read on the group (GROUP_AUTHORIZATION_FAILED for every partition) and on
// each topic (TOPIC_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/commit_partitions.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/offset_commit.h"

namespace samsa::broker {

void handle_offset_commit(request_context ctx) {
    auto req = ctx.decode<protocol::offset_commit_request>();
    if (!req) return;
    group::commit_request c;
    c.group_id = req->group_id;
    // v0 has no generation: Kafka treats it as a standalone commit.
    c.generation = ctx.version() >= 1 ? req->generation_id_or_member_epoch : generation_id(-1);
    c.member_id = req->member_id;
    c.group_instance_id = req->group_instance_id;

    protocol::offset_commit_response resp;
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        fail_all_partitions(req->topics, resp, protocol::error_code::group_authorization_failed);
        ctx.respond(resp);
        return;
    }
    auto may_read = [&ctx](const std::string& topic) { return authorized_on_topic(ctx, acl_op::read, topic); };
    auto to_coordinator = split_commit_partitions(ctx.b->topics(), req->topics, resp, c, may_read);
    if (!c.partitions.empty()) {
        apply_commit_errors(to_coordinator, ctx.b->groups().commit(c).errors);
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
