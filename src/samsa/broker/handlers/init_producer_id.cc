// InitProducerId: a new producer id with epoch 0 for every idempotent
// producer (transactional_id null), as Kafka's TransactionCoordinator does:
// for non-transactional producers Kafka never bumps an epoch on the broker,
// even when a v3+ client passes its current id and epoch (KIP-360's bump
// applies to transactional ids); the client simply gets a fresh id, and the
// old id's batches stay valid in the logs. Ids never repeat, across restarts
// too (producer/producer_id_manager.h).
//
// Transactions are not implemented: a transactional_id gets
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, the answer Produce gives too.

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/producer/producer_id_manager.h"
#include "samsa/protocol/messages/init_producer_id.h"

namespace samsa::broker {

void handle_init_producer_id(request_context ctx) {
    auto req = ctx.decode<protocol::init_producer_id_request>();
    if (!req) return;
    protocol::init_producer_id_response resp;
    if (req->transactional_id) {
        resp.error_code = protocol::error_code::transactional_id_authorization_failed;
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
