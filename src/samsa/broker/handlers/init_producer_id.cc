// InitProducerId.
//
// Without a transactional id: a new producer id with epoch 0 for every
// idempotent producer, as Kafka's TransactionCoordinator does: for
// non-transactional producers Kafka never bumps an epoch on the broker, even
// when a v3+ client passes its current id and epoch (KIP-360's bump applies
// to transactional ids); the client simply gets a fresh id, and the old id's
// batches stay valid in the logs. Ids never repeat, across restarts too
// (producer/producer_id_manager.h).
//
// With a transactional id: the transaction coordinator (broker/txn/) gives
// the id's producer id and the next epoch, fencing any older producer of the
// same id and aborting its open transaction; a v3+ client passing its id
// and epoch after an abortable error gets its epoch bumped (KIP-360).
//
// Authorization (Kafka 3.8): with a transactional id, Write on it
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); without, IdempotentWrite on the
// cluster or Write on some topic (KIP-679), else CLUSTER_AUTHORIZATION_FAILED.

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/producer/producer_id_manager.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/init_producer_id.h"

namespace samsa::broker {

namespace {

std::optional<protocol::error_code> refusal(const request_context& ctx, const std::optional<std::string>& id) {
    if (id) {
        if (!authorized_on_transactional_id(ctx, acl_op::write, *id))
            return protocol::error_code::transactional_id_authorization_failed;
        return std::nullopt;
    }
    if (authorized_on_cluster(ctx, acl_op::idempotent_write)) return std::nullopt;
    if (authorized_on_any(ctx, acl_op::write, acl_resource::topic)) return std::nullopt;
    return protocol::error_code::cluster_authorization_failed;
}

}  // namespace

void handle_init_producer_id(request_context ctx) {
    auto req = ctx.decode<protocol::init_producer_id_request>();
    if (!req) return;
    protocol::init_producer_id_response resp;
    if (auto denied = refusal(ctx, req->transactional_id)) {
        resp.error_code = *denied;
        ctx.respond(resp);
        return;
    }
    if (req->transactional_id) {
        std::optional<txn::producer_and_epoch> expected;
        if (ctx.version() >= 3 && req->producer_id() >= 0) expected = txn::producer_and_epoch{req->producer_id, req->producer_epoch};
        auto r = ctx.b->transactions().init_producer_id(*req->transactional_id, req->transaction_timeout_ms, expected);
        resp.error_code = fenced_for_version(r.error, ctx.version(), 4);
        resp.producer_id = r.producer;
        resp.producer_epoch = r.epoch;
        ctx.respond(resp);
        return;
    }
    auto id = ctx.b->producer_ids().next();
    if (!id) {
        spdlog::error("InitProducerId from {}: {}", ctx.peer, id.error().message);
        resp.error_code = protocol::error_code::kafka_storage_error;
    } else {
        resp.producer_id = *id;
        resp.producer_epoch = producer_epoch(0);
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
