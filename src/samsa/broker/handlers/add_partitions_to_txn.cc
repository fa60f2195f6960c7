// AddPartitionsToTxn: partitions that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED (as
// Kafka answers: nothing is added then); otherwise the coordinator adds them
// all and every partition carries its answer.
// Authorization: Write on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED
// for every partition), then Write on each topic (TOPIC_AUTHORIZATION_FAILED,
// the others OPERATION_NOT_ATTEMPTED).
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/add_partitions_to_txn.h"

namespace samsa::broker {

void handle_add_partitions_to_txn(request_context ctx) {
    auto req = ctx.decode<protocol::add_partitions_to_txn_request>();
    if (!req) return;
    std::vector<txn::topic_partition> partitions;
    bool unknown = false;
    protocol::add_partitions_to_txn_response resp;
    const bool id_allowed = authorized_on_transactional_id(ctx, acl_op::write, req->transactional_id);
    for (const auto& t : req->topics) {
        auto& rt = resp.results_by_topic.emplace_back();
        rt.name = t.name;
        const bool topic_allowed = id_allowed && authorized_on_topic(ctx, acl_op::write, t.name);
        const auto* meta = topic_allowed ? ctx.b->topics().find(t.name) : nullptr;
        for (int32_t p : t.partitions) {
            auto& rp = rt.results_by_partition.emplace_back();
            rp.partition_index = partition_id(p);
            if (!id_allowed) {
                rp.partition_error_code = protocol::error_code::transactional_id_authorization_failed;
                unknown = true;
            } else if (!topic_allowed) {
                rp.partition_error_code = protocol::error_code::topic_authorization_failed;
                unknown = true;
            } else if (!meta || p < 0 || p >= meta->partition_count) {
                rp.partition_error_code = protocol::error_code::unknown_topic_or_partition;
                unknown = true;
            }
            partitions.push_back({t.name, partition_id(p)});
        }
    }
    protocol::error_code e = protocol::error_code::operation_not_attempted;
    if (!unknown) {
        e = ctx.b->transactions().add_partitions(req->transactional_id, {req->producer_id, req->producer_epoch},
                                                 partitions);
        e = fenced_for_version(e, ctx.version(), 2);
    }
    for (auto& rt : resp.results_by_topic)
        for (auto& rp : rt.results_by_partition)
            if (rp.partition_error_code == protocol::error_code::none) rp.partition_error_code = e;
    ctx.respond(resp);
}

}  // namespace samsa::broker
