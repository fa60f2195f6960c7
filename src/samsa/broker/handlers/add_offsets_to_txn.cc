// AddOffsetsToTxn: the group's partition of __consumer_offsets joins the
// transaction, so that its TxnOffsetCommit records get the transaction's
// marker.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/add_offsets_to_txn.h"

namespace samsa::broker {

void handle_add_offsets_to_txn(request_context ctx) {
    auto req = ctx.decode<protocol::add_offsets_to_txn_request>();
    if (!req) return;
    protocol::add_offsets_to_txn_response resp;
    const txn::topic_partition tp{group::offsets_topic, partition_id(ctx.b->groups().partition_for(req->group_id))};
    resp.error_code = fenced_for_version(
        ctx.b->transactions().add_partitions(req->transactional_id, {req->producer_id, req->producer_epoch}, {tp}),
        ctx.version(), 2);
    ctx.respond(resp);
}

}  // namespace samsa::broker
