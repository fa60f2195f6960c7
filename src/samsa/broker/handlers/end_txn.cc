// EndTxn: commits or aborts the producer's transaction. The answer comes
// once the markers are in every partition of the transaction (they are
// local appends), or once the decision is written when a marker must be
// retried.
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/end_txn.h"

namespace samsa::broker {

void handle_end_txn(request_context ctx) {
    auto req = ctx.decode<protocol::end_txn_request>();
    if (!req) return;
    protocol::end_txn_response resp;
    resp.error_code = fenced_for_version(
        ctx.b->transactions().end_txn(req->transactional_id, {req->producer_id, req->producer_epoch}, req->committed),
        ctx.version(), 2);
    ctx.respond(resp);
}

}  // namespace samsa::broker
