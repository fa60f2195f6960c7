// AddPartitionsToTxn: partitions that do not exist are answered
// UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED (as
// Kafka answers: nothing is added then); otherwise the coordinator adds them
// all and every partition carries its answer.
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
    for (const auto& t : req->topics) {
        auto& rt = resp.results_by_topic.emplace_back();
        rt.name = t.name;
        const auto* meta = ctx.b->topics().find(t.name);
        for (int32_t p : t.partitions) {
            auto& rp = rt.results_by_partition.emplace_back();
            rp.partition_index = partition_id(p);
            if (!meta || p < 0 || p >= meta->partition_count) {
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
