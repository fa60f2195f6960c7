// AddOffsetsToTxn: the group's partition of __consumer_offsets joins the
// transaction, so that its TxnOffsetCommit records get the transaction's
// marker.
// Needs Write on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
// and Read on the group (GROUP_AUTHORIZATION_FAILED).
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/add_offsets_to_txn.h"

namespace samsa::broker {

void handle_add_offsets_to_txn(request_context ctx) {
    auto req = ctx.decode<protocol::add_offsets_to_txn_request>();
    if (!req) return;
    protocol::add_offsets_to_txn_response resp;
    if (!authorized_on_transactional_id(ctx, acl_op::write, req->transactional_id)) {
        resp.error_code = protocol::error_code::transactional_id_authorization_failed;
        ctx.respond(resp);
        return;
    }
    if (!authorized_on_group(ctx, acl_op::read, req->group_id)) {
        resp.error_code = protocol::error_code::group_authorization_failed;
        ctx.respond(resp);
        return;
    }
    const txn::topic_partition tp{group::offsets_topic, partition_id(ctx.b->groups().partition_for(req->group_id))};
    resp.error_code = fenced_for_version(
        ctx.b->transactions().add_partitions(req->transactional_id, {req->producer_id, req->producer_epoch}, {tp}),
        ctx.version(), 2);
    ctx.respond(resp);
}

}  // namespace samsa::broker
