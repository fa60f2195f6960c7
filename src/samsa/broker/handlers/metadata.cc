// Metadata: the one broker (this node, leader and only replica of every
// partition, and controller), the cluster id, and the topics asked for,
// auto-created when allowed: in the background, answered
// LEADER_NOT_AVAILABLE until they exist (topic_lookup.h). With an authorizer, topics the sender may not
// Describe are hidden (left out of "all topics", TOPIC_AUTHORIZATION_FAILED
// when named). Metadata v8+ reports authorized operations when asked (below).

#include "samsa/broker/handlers/authorize.h"
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

protocol::metadata_response_topic denied(std::optional<std::string> name, const samsa::uuid& id = {}) {
    protocol::metadata_response_topic out;
    out.name = std::move(name);
    out.topic_id = id;
    out.error_code = error_code::topic_authorization_failed;
    return out;
}

// A topic asked for by name. Without Describe the answer is
// TOPIC_AUTHORIZATION_FAILED whether it exists or not; a missing topic is
// auto-created only with Create on the cluster or the topic (else
// TOPIC_AUTHORIZATION_FAILED too), as Kafka's KafkaApis.
protocol::metadata_response_topic describe_named(request_context& ctx, auto_creation& creation,
                                                const std::string& name, bool allow) {
    broker& b = *ctx.b;
    if (!authorized_on_topic(ctx, acl_op::describe, name)) return denied(name);
    bool would_create = allow && b.config().auto_create_topics_enable && !b.topics().find(name);
    if (would_create && !authorized_to_create_topic(ctx, name)) return denied(name);
    auto found = creation.find_or_create(name, allow);
    if (found.topic) return describe(b, *found.topic);
    protocol::metadata_response_topic out;
    out.name = name;
    out.error_code = found.error;
    return out;
}

// A topic asked for by id: the name is not revealed without Describe.
protocol::metadata_response_topic describe_by_id(request_context& ctx, const samsa::uuid& id) {
    broker& b = *ctx.b;
    const auto* t = b.topics().table().find(id);
    if (!t) {
        protocol::metadata_response_topic out;
        out.topic_id = id;
        out.error_code = error_code::unknown_topic_id;
        return out;
    }
    if (!authorized_on_topic(ctx, acl_op::describe, t->name)) return denied(std::nullopt, id);
    return describe(b, *t);
}

// v8+: the operations the sender may do on each topic it may describe, and
// (v8-10) on the cluster, as KafkaApis: topics it may not describe and the
// fields not asked for keep INT32_MIN; the cluster's is 0 without Describe.
void add_authorized_operations(request_context& ctx, const protocol::metadata_request& request,
                               protocol::metadata_response& response) {
    if (ctx.version() < 8) return;
    if (ctx.version() <= 10 && request.include_cluster_authorized_operations) {
        response.cluster_authorized_operations = cluster_authorized_operations(ctx);
    }
    if (!request.include_topic_authorized_operations) return;
    for (auto& t : response.topics) {
        if (t.error_code == error_code::topic_authorization_failed || !t.name) continue;
        t.topic_authorized_operations = authorized_operations(ctx, acl_resource::topic, *t.name);
    }
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
        // All topics: those the sender may not Describe are left out.
        for (const auto& [_, t] : b.topics().table().topics()) {
            if (authorized_on_topic(ctx, acl_op::describe, t.name)) response.topics.push_back(describe(b, t));
        }
    } else {
        // v0-v3 always allow auto-creation; v4+ say so.
        bool allow = ctx.version() < 4 || request->allow_auto_topic_creation;
        // The topics to auto-create: one background creation for the request.
        auto_creation creation(b);
        for (const auto& rt : *request->topics) {
            response.topics.push_back(rt.name ? describe_named(ctx, creation, *rt.name, allow)
                                              : describe_by_id(ctx, rt.topic_id));
        }
        creation.start();
    }
    add_authorized_operations(ctx, *request, response);
    ctx.respond(response);
}

}  // namespace samsa::broker
