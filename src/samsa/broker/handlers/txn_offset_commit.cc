// TxnOffsetCommit: partitions of unknown topics are answered
// UNKNOWN_TOPIC_OR_PARTITION; the transaction coordinator checks that the
// group's __consumer_offsets partition is in the producer's transaction
// (AddOffsetsToTxn came first); the group coordinator checks the member
// (KIP-447, v3+) and writes the offsets as a transactional batch.
// Authorization: Write on the transactional id, then Read on the group
// (each refusal answers every partition), then Read on each topic
// (TOPIC_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/commit_partitions.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/txn_offset_commit.h"

namespace samsa::broker {

void handle_txn_offset_commit(request_context ctx) {
    auto req = ctx.decode<protocol::txn_offset_commit_request>();
    if (!req) return;
    group::commit_request c;
    c.group_id = req->group_id;
    c.generation = req->generation_id;  // -1 before v3: no member check
    c.member_id = req->member_id;
    c.group_instance_id = req->group_instance_id;

    protocol::txn_offset_commit_response resp;
    if (!authorized_on_transactional_id(ctx, acl_op::write, req->transactional_id)) {
        fail_all_partitions(req->topics, resp, protocol::error_code::transactional_id_authorization_failed);
        ctx.respond(resp);
        return;
    }
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        fail_all_partitions(req->topics, resp, protocol::error_code::group_authorization_failed);
        ctx.respond(resp);
        return;
    }
    auto may_read = [&ctx](const std::string& topic) { return authorized_on_topic(ctx, acl_op::read, topic); };
    auto to_coordinator = split_commit_partitions(ctx.b->topics(), req->topics, resp, c, may_read);
    if (!c.partitions.empty()) {
        const txn::topic_partition tp{group::offsets_topic, partition_id(ctx.b->groups().partition_for(c.group_id))};
        auto e = ctx.b->transactions().verify(req->transactional_id, {req->producer_id, req->producer_epoch}, tp);
        std::vector<protocol::error_code> errors;
        if (e != protocol::error_code::none) {
            // Fencing reaches TxnOffsetCommit clients as INVALID_PRODUCER_EPOCH in Kafka.
            errors.assign(to_coordinator.size(), fenced_for_version(e, ctx.version(), INT16_MAX));
        } else {
            errors = ctx.b->groups().txn_commit(c, {req->producer_id, req->producer_epoch}).errors;
        }
        apply_commit_errors(to_coordinator, errors);
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
