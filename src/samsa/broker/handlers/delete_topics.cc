// DeleteTopics: by name (v0-v5) or by name or topic id (v6+). Fetches parked
// on the topic's partitions are woken and answer UNKNOWN_TOPIC_OR_PARTITION.
// Needs Delete on the topic (TOPIC_AUTHORIZATION_FAILED).

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/delete_topics.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

protocol::deletable_topic_result delete_one(const request_context& ctx, const std::optional<std::string>& name,
                                           const uuid& id) {
    broker& b = *ctx.b;
    protocol::deletable_topic_result r;
    r.name = name;
    r.topic_id = id;
    // By name: Delete on it, checked before the lookup (existence is not
    // revealed). By id: the name is revealed only with Describe.
    if (name && !authorized_on_topic(ctx, acl_op::remove, *name)) {
        r.error_code = error_code::topic_authorization_failed;
        return r;
    }
    const topic_metadata* t = name ? b.topics().find(*name) : b.topics().table().find(id);
    if (t && !name && !authorized_on_topic(ctx, acl_op::describe, t->name)) {
        r.error_code = error_code::topic_authorization_failed;
        return r;
    }
    if (t && !name && !authorized_on_topic(ctx, acl_op::remove, t->name)) {
        r.error_code = error_code::topic_authorization_failed;
        r.name = t->name;
        return r;
    }
    if (!t) {
        r.error_code = name ? error_code::unknown_topic_or_partition : error_code::unknown_topic_id;
        r.error_message = name ? "This server does not host this topic-partition." : "This server does not host "
                                                                                     "this topic ID.";
        return r;
    }
    std::string topic = t->name;
    int32_t partitions = t->partition_count;
    r.name = topic;
    r.topic_id = t->id;
    if (auto s = b.topics().delete_topic(topic); !s) {
        r.error_code = to_error_code(s.error(), operation::delete_topic);
        r.error_message = s.error().message;
        return r;
    }
    for (int32_t p = 0; p < partitions; ++p) b.waiters().notify(topic, partition_id(p));
    return r;
}

}  // namespace

void handle_delete_topics(request_context ctx) {
    auto request = ctx.decode<protocol::delete_topics_request>();
    if (!request) return;
    protocol::delete_topics_response response;
    if (ctx.version() >= 6) {
        for (const auto& t : request->topics) response.responses.push_back(delete_one(ctx, t.name, t.topic_id));
    } else {
        for (const auto& name : request->topic_names) response.responses.push_back(delete_one(ctx, name, uuid{}));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
