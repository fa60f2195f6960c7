// TxnOffsetCommit: partitions of unknown topics are answered
// UNKNOWN_TOPIC_OR_PARTITION; the transaction coordinator checks that the
// group's __consumer_offsets partition is in the producer's transaction
// (AddOffsetsToTxn came first); the group coordinator checks the member
// (KIP-447, v3+) and writes the offsets as a transactional batch.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/protocol/messages/txn_offset_commit.h"

namespace samsa::broker {

void handle_txn_offset_commit(request_context ctx) {
    auto req = ctx.decode<protocol::txn_offset_commit_request>();
    if (!req) return;
    group::commit_request c;
    c.group_id = req->group_id;
    c.generation = req->generation_id;  // -1 before v3: no member check
    c.member_id = req->member_id;
    c.group_instance_id = req->group_instance_id;

    protocol::txn_offset_commit_response resp;
    for (const auto& t : req->topics) {
        auto& rt = resp.topics.emplace_back();
        rt.name = t.name;
        const auto* meta = ctx.b->topics().find(t.name);
        for (const auto& p : t.partitions) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = p.partition_index;
            if (!meta || p.partition_index() < 0 || p.partition_index() >= meta->partition_count) {
                rp.error_code = protocol::error_code::unknown_topic_or_partition;
                continue;
            }
            c.partitions.push_back({t.name, p.partition_index, p.committed_offset, p.committed_leader_epoch(),
                                    p.committed_metadata});
        }
    }
    std::vector<protocol::txn_offset_commit_response_partition*> to_coordinator;
    for (auto& rt : resp.topics)
        for (auto& rp : rt.partitions)
            if (rp.error_code == protocol::error_code::none) to_coordinator.push_back(&rp);
    if (!c.partitions.empty()) {
        const txn::topic_partition tp{group::offsets_topic, partition_id(ctx.b->groups().partition_for(c.group_id))};
        auto e = ctx.b->transactions().verify(req->transactional_id, {req->producer_id, req->producer_epoch}, tp);
        std::vector<protocol::error_code> errors;
        if (e != protocol::error_code::none) {
            // Fencing reaches TxnOffsetCommit clients as INVALID_PRODUCER_EPOCH in Kafka.
            errors.assign(to_coordinator.size(), fenced_for_version(e, ctx.version(), INT16_MAX));
        } else {
            errors = ctx.b->groups().txn_commit(c, {req->producer_id, req->producer_epoch}).errors;
        }
        for (size_t i = 0; i < to_coordinator.size() && i < errors.size(); ++i) to_coordinator[i]->error_code = errors[i];
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
