// OffsetForLeaderEpoch: the end offset of a leader epoch (KIP-101/320),
// which consumers ask after a leader change to detect truncation. This node
// has led every partition since its creation at epoch 0 (what Metadata
// answers), so as Kafka's Partition.lastOffsetForLeaderEpoch with a one-entry
// epoch cache: a current_leader_epoch other than -1 or 0 is fenced (below)
// or unknown (above); epoch 0 ends at the log end offset; any later epoch is
// undefined (-1, -1) and an earlier one answers epoch 0's start (there is
// none: the log start offset), as the cache's floor entry would. Needs
// Describe on the topic (TOPIC_AUTHORIZATION_FAILED).
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/offset_for_leader_epoch.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// The only leader epoch a partition of this node has.
constexpr int32_t the_leader_epoch = 0;

protocol::epoch_end_offset_result end_of_epoch(const storage::partition_log& log,
                                               const protocol::offset_for_leader_partition& p) {
    protocol::epoch_end_offset_result r;
    r.partition = p.partition;
    if (p.current_leader_epoch >= 0 && p.current_leader_epoch < the_leader_epoch) {
        r.error_code = error_code::fenced_leader_epoch;
    } else if (p.current_leader_epoch > the_leader_epoch) {
        r.error_code = error_code::unknown_leader_epoch;
    } else if (p.leader_epoch == the_leader_epoch) {
        r.leader_epoch = the_leader_epoch;
        r.end_offset = log.log_end_offset()();
    } else if (p.leader_epoch < the_leader_epoch) {
        // Kafka's cache answers the first epoch it knows and where it starts.
        r.leader_epoch = the_leader_epoch;
        r.end_offset = log.log_start_offset()();
    }
    return r;
}

}  // namespace

void handle_offset_for_leader_epoch(request_context ctx) {
    auto req = ctx.decode<protocol::offset_for_leader_epoch_request>();
    if (!req) return;
    broker& b = *ctx.b;
    protocol::offset_for_leader_epoch_response resp;
    for (const auto& t : req->topics) {
        auto& rt = resp.topics.emplace_back();
        rt.topic = t.topic;
        const bool allowed = authorized_on_topic(ctx, acl_op::describe, t.topic);
        for (const auto& p : t.partitions) {
            const storage::partition_log* log = allowed ? b.topics().log(t.topic, partition_id(p.partition)) : nullptr;
            if (!log) {
                auto& r = rt.partitions.emplace_back();
                r.partition = p.partition;
                r.error_code = allowed ? error_code::unknown_topic_or_partition : error_code::topic_authorization_failed;
                continue;
            }
            rt.partitions.push_back(end_of_epoch(*log, p));
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
