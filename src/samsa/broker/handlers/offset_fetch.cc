// OffsetFetch: committed offsets of some partitions, or of all (topics null,
// v2+), of one group (v0-7) or several (v8). Nothing committed is offset -1
// with empty metadata and no error, as in Kafka. With require_stable (v7+,
// KIP-447: read_committed consumers set it) a partition whose offset a
// still-open transaction committed answers UNSTABLE_OFFSET_COMMIT, and the
// consumer retries until the transaction ends.
//
// Authorization (Kafka 3.8): Describe on the group (GROUP_AUTHORIZATION_FAILED,
// nothing else), Describe on each topic: named topics the sender may not
// Describe answer TOPIC_AUTHORIZATION_FAILED per partition; with "all
// topics" they are left out.
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/protocol/messages/offset_fetch.h"

namespace samsa::broker {

namespace {

using request_topics = std::optional<std::vector<protocol::offset_fetch_request_topic>>;

protocol::offset_fetch_response_partition partition_error(partition_id p, protocol::error_code error) {
    protocol::offset_fetch_response_partition rp;
    rp.partition_index = p;
    rp.committed_offset = offset(-1);
    rp.metadata = "";
    rp.error_code = error;
    return rp;
}

// The requested topics the sender may Describe; the others answered
// TOPIC_AUTHORIZATION_FAILED in `denied`.
request_topics split_describable(const request_context& ctx, const request_topics& topics,
                                 std::vector<protocol::offset_fetch_response_topic>& denied) {
    if (!topics) return std::nullopt;
    request_topics allowed;
    allowed.emplace();
    for (const auto& t : *topics) {
        if (authorized_on_topic(ctx, acl_op::describe, t.name)) {
            allowed->push_back(t);
            continue;
        }
        auto& rt = denied.emplace_back();
        rt.name = t.name;
        for (int32_t p : t.partition_indexes) rt.partitions.push_back(partition_error(partition_id(p), protocol::error_code::topic_authorization_failed));
    }
    return allowed;
}

// What the sender may see of a group's answer (Describe on the topics).
std::pair<protocol::error_code, std::vector<protocol::offset_fetch_response_topic>> fetch_group_authorized(
    const request_context& ctx, const std::string& group_id, const request_topics& topics, bool require_stable);

// One group's answer: (error, topics), partitions grouped by topic in the
// order the coordinator gave them.
std::pair<protocol::error_code, std::vector<protocol::offset_fetch_response_topic>> fetch_group(
    group::group_coordinator& c, const std::string& group_id, const request_topics& topics, bool require_stable) {
    std::optional<std::vector<group::fetch_topic>> wanted;
    if (topics) {
        wanted.emplace();
        for (const auto& t : *topics) {
            group::fetch_topic ft;
            ft.topic = t.name;
            for (int32_t p : t.partition_indexes) ft.partitions.push_back(partition_id(p));
            wanted->push_back(std::move(ft));
        }
    }
    auto r = c.fetch(group_id, wanted);
    std::vector<protocol::offset_fetch_response_topic> out;
    if (r.error != protocol::error_code::none && wanted) {
        // Loading: every requested partition carries the error (v0-1 have no
        // top-level error field).
        for (const auto& t : *wanted) {
            auto& rt = out.emplace_back();
            rt.name = t.topic;
            for (auto p : t.partitions) {
                protocol::offset_fetch_response_partition rp;
                rp.partition_index = p;
                rp.metadata = "";
                rp.error_code = r.error;
                rt.partitions.push_back(std::move(rp));
            }
        }
        return {r.error, std::move(out)};
    }
    for (auto& f : r.partitions) {
        if (out.empty() || out.back().name != f.topic) out.emplace_back().name = f.topic;
        protocol::offset_fetch_response_partition rp;
        rp.partition_index = f.partition;
        rp.committed_offset = f.committed;
        rp.committed_leader_epoch = leader_epoch(f.leader_epoch);
        rp.metadata = std::move(f.metadata);
        rp.error_code = f.error;
        if (require_stable && c.has_pending_txn_offset(group_id, f.topic, f.partition)) {
            rp.committed_offset = offset(-1);
            rp.error_code = protocol::error_code::unstable_offset_commit;
        }
        out.back().partitions.push_back(std::move(rp));
    }
    return {r.error, std::move(out)};
}

std::pair<protocol::error_code, std::vector<protocol::offset_fetch_response_topic>> fetch_group_authorized(
    const request_context& ctx, const std::string& group_id, const request_topics& topics, bool require_stable) {
    if (!authorized_on_group(ctx, acl_op::describe, group_id)) {
        std::vector<protocol::offset_fetch_response_topic> out;
        // v0-1 carry errors per partition only.
        if (ctx.version() < 2 && topics) {
            for (const auto& t : *topics) {
                auto& rt = out.emplace_back();
                rt.name = t.name;
                for (int32_t p : t.partition_indexes)
                    rt.partitions.push_back(partition_error(partition_id(p), protocol::error_code::group_authorization_failed));
            }
        }
        return {protocol::error_code::group_authorization_failed, std::move(out)};
    }
    std::vector<protocol::offset_fetch_response_topic> denied;
    auto allowed = split_describable(ctx, topics, denied);
    auto [error, out] = fetch_group(ctx.b->groups(), group_id, allowed, require_stable);
    if (!topics) {
        std::erase_if(out, [&](const auto& t) { return !authorized_on_topic(ctx, acl_op::describe, t.name); });
    }
    for (auto& d : denied) out.push_back(std::move(d));
    return {error, std::move(out)};
}

}  // namespace

void handle_offset_fetch(request_context ctx) {
    auto req = ctx.decode<protocol::offset_fetch_request>();
    if (!req) return;
    protocol::offset_fetch_response resp;
    if (ctx.version() >= 8) {
        for (const auto& g : req->groups) {
            auto [error, topics] = fetch_group_authorized(ctx, g.group_id, g.topics, req->require_stable);
            resp.groups.push_back({g.group_id, std::move(topics), error});
        }
    } else {
        auto [error, topics] =
            fetch_group_authorized(ctx, req->group_id, req->topics, ctx.version() >= 7 && req->require_stable);
        resp.topics = std::move(topics);
        resp.error_code = error;
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
