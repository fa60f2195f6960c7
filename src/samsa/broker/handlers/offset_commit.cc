// OffsetCommit: partitions of unknown topics are answered
// UNKNOWN_TOPIC_OR_PARTITION here; the rest go to the coordinator, which
// checks the member and generation and writes __consumer_offsets.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/offset_commit.h"

namespace samsa::broker {

void handle_offset_commit(request_context ctx) {
    auto req = ctx.decode<protocol::offset_commit_request>();
    if (!req) return;
    group::commit_request c;
    c.group_id = req->group_id;
    // v0 has no generation: Kafka treats it as a standalone commit.
    c.generation = ctx.version() >= 1 ? req->generation_id_or_member_epoch : generation_id(-1);
    c.member_id = req->member_id;
    c.group_instance_id = req->group_instance_id;

    protocol::offset_commit_response resp;
    std::vector<protocol::offset_commit_response_partition*> to_coordinator;
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
    // Pointers into resp are stable now that every vector is built.
    for (auto& rt : resp.topics)
        for (auto& rp : rt.partitions)
            if (rp.error_code == protocol::error_code::none) to_coordinator.push_back(&rp);
    if (!c.partitions.empty()) {
        auto r = ctx.b->groups().commit(c);
        for (size_t i = 0; i < to_coordinator.size() && i < r.errors.size(); ++i) to_coordinator[i]->error_code = r.errors[i];
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
