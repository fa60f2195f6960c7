// DescribeProducers: the producers each partition's producer state knows
// (id, epoch, last sequence and timestamp, coordinator epoch, the first
// offset of an open transaction) — how an operator finds a transaction that
// holds a partition's last stable offset back. The state is loaded on first
// use, as for Produce.
// Needs Read on the topic (TOPIC_AUTHORIZATION_FAILED per partition).
#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/protocol/messages/describe_producers.h"

namespace samsa::broker {

void handle_describe_producers(request_context ctx) {
    auto req = ctx.decode<protocol::describe_producers_request>();
    if (!req) return;
    broker& b = *ctx.b;
    protocol::describe_producers_response resp;
    for (const auto& t : req->topics) {
        auto& rt = resp.topics.emplace_back();
        rt.name = t.name;
        const bool allowed = authorized_on_topic(ctx, acl_op::read, t.name);
        const topic_metadata* meta = allowed ? b.topics().find(t.name) : nullptr;
        for (int32_t p : t.partition_indexes) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = partition_id(p);
            if (!allowed) {
                rp.error_code = protocol::error_code::topic_authorization_failed;
                continue;
            }
            storage::partition_log* log = meta ? b.topics().log(t.name, partition_id(p)) : nullptr;
            if (!log) {
                rp.error_code = protocol::error_code::unknown_topic_or_partition;
                continue;
            }
            auto state = b.producers().state_for(t.name, partition_id(p), meta->id, *log);
            if (!state) {
                rp.error_code = to_error_code(state.error(), operation::fetch);
                rp.error_message = state.error().message;
                spdlog::error("{}", state.error().message);
                continue;
            }
            for (const auto& [id, e] : (*state)->producers()) {
                protocol::producer_state ps;
                ps.producer_id = id;
                ps.producer_epoch = e.epoch();
                ps.last_sequence = e.batches.empty() ? -1 : e.batches.back().last_seq;
                ps.last_timestamp = e.last_timestamp();
                ps.coordinator_epoch = e.coordinator_epoch;
                ps.current_txn_start_offset = e.current_txn_first_offset ? (*e.current_txn_first_offset)() : -1;
                rp.active_producers.push_back(ps);
            }
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
