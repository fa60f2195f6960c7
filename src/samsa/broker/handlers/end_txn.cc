// EndTxn: commits or aborts the producer's transaction. The answer comes
// once the markers are in every partition of the transaction (they are
// local appends), or once the decision is written when a marker must be
// retried.
// Needs Write on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/end_txn.h"

namespace samsa::broker {

void handle_end_txn(request_context ctx) {
    auto req = ctx.decode<protocol::end_txn_request>();
    if (!req) return;
    protocol::end_txn_response resp;
    if (!authorized_on_transactional_id(ctx, acl_op::write, req->transactional_id)) {
        resp.error_code = protocol::error_code::transactional_id_authorization_failed;
        ctx.respond(resp);
        return;
    }
    resp.error_code = fenced_for_version(
        ctx.b->transactions().end_txn(req->transactional_id, {req->producer_id, req->producer_epoch}, req->committed),
        ctx.version(), 2);
    ctx.respond(resp);
}

}  // namespace samsa::broker
