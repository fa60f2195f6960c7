// DescribeTransactions: the coordinator's view of each transactional id
// (kafka-transactions.sh describe, `samsa transactions describe`).
// Needs Describe on each transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
// partitions of topics the sender may not Describe are left out.
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/describe_transactions.h"

namespace samsa::broker {

void handle_describe_transactions(request_context ctx) {
    auto req = ctx.decode<protocol::describe_transactions_request>();
    if (!req) return;
    const txn::txn_coordinator& c = ctx.b->transactions();
    protocol::describe_transactions_response resp;
    for (const auto& id : req->transactional_ids) {
        auto& d = resp.transaction_states.emplace_back();
        d.transactional_id = id;
        if (!authorized_on_transactional_id(ctx, acl_op::describe, id)) {
            d.error_code = protocol::error_code::transactional_id_authorization_failed;
            continue;
        }
        if (c.loading()) {
            d.error_code = protocol::error_code::coordinator_load_in_progress;
            continue;
        }
        if (id.empty()) {
            d.error_code = protocol::error_code::invalid_request;
            continue;
        }
        const txn::txn_metadata* m = c.describe(id);
        if (!m) {
            d.error_code = protocol::error_code::transactional_id_not_found;
            continue;
        }
        d.transaction_state = std::string(txn::state_name(m->state));
        d.transaction_timeout_ms = m->timeout_ms;
        d.transaction_start_time_ms = m->start();
        d.producer_id = m->producer;
        d.producer_epoch = m->epoch;
        for (const auto& tp : m->partitions) {
            if (!authorized_on_topic(ctx, acl_op::describe, tp.topic)) continue;
            if (d.topics.empty() || d.topics.back().topic != tp.topic) d.topics.push_back({tp.topic, {}});
            d.topics.back().partitions.push_back(tp.partition());
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
