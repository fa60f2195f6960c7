// DescribeTopicPartitions (KIP-966): Metadata's topics and partitions for
// admin clients, paginated. As Kafka's DescribeTopicPartitionsRequestHandler:
// topics (named, or all the sender may Describe when none is named) in name
// order; a cursor starts at its topic and partition and must name a
// requested topic (else INVALID_REQUEST on every topic); at most
// min(response_partition_limit, max.request.partition.size.limit = 2000)
// partitions, the next one left out named in next_cursor. A named topic that
// does not exist answers UNKNOWN_TOPIC_OR_PARTITION; one the sender may not
// Describe TOPIC_AUTHORIZATION_FAILED. Internal topics are flagged.
#include <algorithm>
#include <set>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/describe_topic_partitions.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// Kafka's max.request.partition.size.limit default.
constexpr int32_t max_partitions_per_answer = 2000;

struct page {
    int32_t budget;
    std::optional<protocol::describe_topic_partitions_cursor> next;
};

protocol::describe_topic_partitions_response_partition describe_partition(broker& b, int32_t index) {
    protocol::describe_topic_partitions_response_partition p;
    const int32_t self = b.node()();
    p.partition_index = index;
    p.leader_id = self;
    p.leader_epoch = 0;
    p.replica_nodes = {self};
    p.isr_nodes = {self};
    // No eligible leader replicas (KIP-966's ELR) on one node: empty, not null.
    p.eligible_leader_replicas.emplace();
    p.last_known_elr.emplace();
    return p;
}

// The topic's partitions from `first`, within the page's budget; sets the
// page's next cursor when some are left out.
protocol::describe_topic_partitions_response_topic describe_topic(broker& b, const topic_metadata& t,
                                                                  int32_t first, page& pg) {
    protocol::describe_topic_partitions_response_topic out;
    out.name = t.name;
    out.topic_id = t.id;
    out.is_internal = t.name == "__consumer_offsets" || t.name == "__transaction_state";
    for (int32_t p = std::max(first, 0); p < t.partition_count; ++p) {
        if (pg.budget == 0) {
            pg.next = protocol::describe_topic_partitions_cursor{t.name, p};
            break;
        }
        out.partitions.push_back(describe_partition(b, p));
        --pg.budget;
    }
    return out;
}

protocol::describe_topic_partitions_response_topic topic_error(const std::string& name, error_code error) {
    protocol::describe_topic_partitions_response_topic out;
    out.name = name;
    out.error_code = error;
    return out;
}

}  // namespace

void handle_describe_topic_partitions(request_context ctx) {
    auto req = ctx.decode<protocol::describe_topic_partitions_request>();
    if (!req) return;
    broker& b = *ctx.b;
    const bool all_topics = req->topics.empty();
    std::set<std::string, std::less<>> names;
    if (all_topics) {
        for (const auto& [name, _] : b.topics().table().topics()) {
            if (authorized_on_topic(ctx, acl_op::describe, name)) names.insert(name);
        }
    } else {
        for (const auto& t : req->topics) names.insert(t.name);
    }

    protocol::describe_topic_partitions_response resp;
    if (req->cursor && !all_topics && !names.contains(req->cursor->topic_name)) {
        for (const auto& n : names) resp.topics.push_back(topic_error(n, error_code::invalid_request));
        ctx.respond(resp);
        return;
    }
    page pg{std::clamp(req->response_partition_limit, 1, max_partitions_per_answer), std::nullopt};
    auto it = req->cursor ? names.lower_bound(req->cursor->topic_name) : names.begin();
    for (; it != names.end(); ++it) {
        if (pg.budget == 0) {
            // Stopped exactly at a topic's end: the next page starts at the next topic.
            pg.next = protocol::describe_topic_partitions_cursor{*it, 0};
            break;
        }
        const std::string& name = *it;
        const int32_t first = req->cursor && req->cursor->topic_name == name ? req->cursor->partition_index : 0;
        if (!authorized_on_topic(ctx, acl_op::describe, name)) {
            resp.topics.push_back(topic_error(name, error_code::topic_authorization_failed));
            continue;
        }
        const topic_metadata* meta = b.topics().find(name);
        if (!meta) {
            resp.topics.push_back(topic_error(name, error_code::unknown_topic_or_partition));
            continue;
        }
        resp.topics.push_back(describe_topic(b, *meta, first, pg));
        if (pg.next) break;
    }
    resp.next_cursor = std::move(pg.next);
    ctx.respond(resp);
}

}  // namespace samsa::broker
