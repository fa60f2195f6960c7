// ListTransactions: every transactional id the coordinator knows, filtered
// by state names, producer ids and (v1) how long the transaction has run.
// Lists only the transactional ids the sender may Describe.
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/list_transactions.h"

namespace samsa::broker {

void handle_list_transactions(request_context ctx) {
    auto req = ctx.decode<protocol::list_transactions_request>();
    if (!req) return;
    auto r = ctx.b->transactions().list(req->state_filters, req->producer_id_filters,
                                        ctx.version() >= 1 ? req->duration_filter : -1);
    protocol::list_transactions_response resp;
    resp.error_code = r.error;
    resp.unknown_state_filters = std::move(r.unknown_state_filters);
    for (const auto& t : r.transactions) {
        if (!authorized_on_transactional_id(ctx, acl_op::describe, t.transactional_id)) continue;
        resp.transaction_states.push_back({t.transactional_id, t.producer, std::string(txn::state_name(t.state))});
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
