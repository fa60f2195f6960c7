// Metadata: the one broker (this node, leader and only replica of every
// partition, and controller), the cluster id, and the topics asked for,
// auto-created when allowed.

#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/topic_lookup.h"
#include "samsa/protocol/messages/metadata.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

protocol::metadata_response_topic describe(const broker& b, const topic_metadata& t) {
    protocol::metadata_response_topic out;
    out.name = t.name;
    out.topic_id = t.id;
    out.is_internal = t.name == "__consumer_offsets" || t.name == "__transaction_state";
    int32_t self = b.node()();
    out.partitions.reserve(static_cast<size_t>(t.partition_count));
    for (int32_t p = 0; p < t.partition_count; ++p) {
        protocol::metadata_response_partition part;
        part.partition_index = partition_id(p);
        part.leader_id = b.node();
        part.leader_epoch = leader_epoch(0);
        part.replica_nodes = {self};
        part.isr_nodes = {self};
        out.partitions.push_back(std::move(part));
    }
    return out;
}

}  // namespace

void handle_metadata(request_context ctx) {
    auto request = ctx.decode<protocol::metadata_request>();
    if (!request) return;
    broker& b = *ctx.b;

    protocol::metadata_response response;
    const listener& adv = b.advertised(ctx.session.listener_name);
    response.brokers.push_back({b.node(), adv.host.empty() ? "localhost" : adv.host, adv.port, std::nullopt});
    response.cluster_id = b.cluster_id();
    response.controller_id = b.node();

    if (!request->topics) {
        for (const auto& [_, t] : b.topics().table().topics()) response.topics.push_back(describe(b, t));
    } else {
        // v0-v3 always allow auto-creation; v4+ say so.
        bool allow = ctx.version() < 4 || request->allow_auto_topic_creation;
        for (const auto& rt : *request->topics) {
            protocol::metadata_response_topic out;
            if (!rt.name) {
                const auto* t = b.topics().table().find(rt.topic_id);
                if (!t) {
                    out.topic_id = rt.topic_id;
                    out.error_code = error_code::unknown_topic_id;
                    response.topics.push_back(std::move(out));
                } else {
                    response.topics.push_back(describe(b, *t));
                }
                continue;
            }
            auto found = find_or_create_topic(b, *rt.name, allow);
            if (found.topic) {
                response.topics.push_back(describe(b, *found.topic));
                continue;
            }
            out.name = *rt.name;
            out.error_code = found.error;
            response.topics.push_back(std::move(out));
        }
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
