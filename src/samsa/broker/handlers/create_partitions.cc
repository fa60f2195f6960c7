// CreatePartitions: partitions can only be added (INVALID_PARTITIONS
// otherwise). Assignments, when given, may only name this node. Adding
// partitions moves keys to other partitions, as in Kafka. Needs Alter on
// the topic.

#include <set>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/create_partitions.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

struct verdict {
    error_code code = error_code::none;
    std::optional<std::string> message;
};

verdict check(broker& b, const protocol::create_partitions_topic& t) {
    const auto* m = b.topics().find(t.name);
    if (!m) return {error_code::unknown_topic_or_partition, "The topic '" + t.name + "' does not exist."};
    if (t.count == m->partition_count) {
        return {error_code::invalid_partitions, "Topic already has " + std::to_string(t.count) + " partitions."};
    }
    if (t.count < m->partition_count) {
        return {error_code::invalid_partitions, "Topic currently has " + std::to_string(m->partition_count) +
                                                    " partitions, which is higher than the requested " +
                                                    std::to_string(t.count) + "."};
    }
    if (t.assignments) {
        if (t.assignments->size() != static_cast<size_t>(t.count - m->partition_count)) {
            return {error_code::invalid_replica_assignment, "Increasing the number of partitions by " +
                                                                std::to_string(t.count - m->partition_count) +
                                                                " but " + std::to_string(t.assignments->size()) +
                                                                " assignments provided."};
        }
        for (const auto& a : *t.assignments) {
            if (a.broker_ids.size() != 1 || a.broker_ids[0] != b.node()()) {
                return {error_code::invalid_replica_assignment,
                        "samsa-broker is a single node: every partition is on broker " +
                            std::to_string(b.node()())};
            }
        }
    }
    return {};
}

}  // namespace

void handle_create_partitions(request_context ctx) {
    auto request = ctx.decode<protocol::create_partitions_request>();
    if (!request) return;
    broker& b = *ctx.b;
    std::multiset<std::string> names;
    for (const auto& t : request->topics) names.insert(t.name);
    protocol::create_partitions_response response;
    for (const auto& t : request->topics) {
        protocol::create_partitions_topic_result r;
        r.name = t.name;
        verdict v = names.count(t.name) > 1
                        ? verdict{error_code::invalid_request, "Duplicate topic in request: " + t.name}
                    : !authorized_on_topic(ctx, acl_op::alter, t.name)
                        ? verdict{error_code::topic_authorization_failed, std::nullopt}
                        : check(b, t);
        if (v.code == error_code::none && !request->validate_only) {
            if (auto s = b.topics().add_partitions(t.name, t.count); !s) {
                v = {to_error_code(s.error(), operation::create_partitions), s.error().message};
            }
        }
        r.error_code = v.code;
        r.error_message = v.message;
        response.results.push_back(std::move(r));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
