// CreatePartitions: partitions can only be added (INVALID_PARTITIONS
// otherwise). Assignments, when given, may only name this node. Adding
// partitions moves keys to other partitions, as in Kafka. Needs Alter on
// the topic. The new partitions are made on the creation worker
// (topic_manager::add_partitions) and the answer sent once they exist; a
// request meanwhile is checked against the count the topic will have, as
// Kafka's controller, which handles one request after the other, would.
// A growth that outlasts the request's timeout_ms is answered
// REQUEST_TIMED_OUT and goes on (request_timeout.h).

#include <memory>
#include <set>

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/request_timeout.h"
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
    const int32_t current = b.topics().growing_to(t.name).value_or(m->partition_count);
    if (t.count == current) {
        return {error_code::invalid_partitions, "Topic already has " + std::to_string(t.count) + " partitions."};
    }
    if (t.count < current) {
        return {error_code::invalid_partitions, "Topic currently has " + std::to_string(current) +
                                                    " partitions, which is higher than the requested " +
                                                    std::to_string(t.count) + "."};
    }
    if (t.assignments) {
        if (t.assignments->size() != static_cast<size_t>(t.count - current)) {
            return {error_code::invalid_replica_assignment, "Increasing the number of partitions by " +
                                                                std::to_string(t.count - current) + " but " +
                                                                std::to_string(t.assignments->size()) +
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

// A CreatePartitions whose partitions are being made on the creation
// worker: the answer waits here, on the I/O thread.
struct pending_growth {
    request_context ctx;
    protocol::create_partitions_response response;
    std::vector<size_t> growing;  // into response.results, one per growth
    timed_request timing;         // the request's timeout_ms (request_timeout.h)
};

}  // namespace

void handle_create_partitions(request_context ctx) {
    auto request = ctx.decode<protocol::create_partitions_request>();
    if (!request) return;
    broker& b = *ctx.b;
    std::multiset<std::string> names;
    for (const auto& t : request->topics) names.insert(t.name);
    auto pending = std::make_unique<pending_growth>();
    std::vector<partition_growth> growths;
    for (const auto& t : request->topics) {
        protocol::create_partitions_topic_result r;
        r.name = t.name;
        verdict v = names.count(t.name) > 1
                        ? verdict{error_code::invalid_request, "Duplicate topic in request: " + t.name}
                    : !authorized_on_topic(ctx, acl_op::alter, t.name)
                        ? verdict{error_code::topic_authorization_failed, std::nullopt}
                        : check(b, t);
        r.error_code = v.code;
        r.error_message = v.message;
        if (v.code == error_code::none && !request->validate_only) {
            growths.push_back({t.name, t.count});
            pending->growing.push_back(pending->response.results.size());
        }
        pending->response.results.push_back(std::move(r));
    }
    if (growths.empty()) {
        ctx.respond(pending->response);
        return;
    }
    pending->ctx = std::move(ctx);
    // shared: the callback must be copyable (std::function).
    std::shared_ptr<pending_growth> shared(std::move(pending));
    answer_at_timeout(b, request->timeout_ms, shared, [](pending_growth& p) {
        for (size_t i : p.growing) p.response.results[i].error_code = error_code::request_timed_out;
        spdlog::info("CreatePartitions from {}: answered REQUEST_TIMED_OUT after its timeout; {} topic(s) still "
                     "growing",
                     p.ctx.peer, p.growing.size());
    });
    b.topics().add_partitions(std::move(growths), [p = std::move(shared)](std::vector<result<uuid>> outcomes,
                                                                            status table_written) {
        SAMSA_ASSERT(outcomes.size() == p->growing.size(), "one outcome per topic grown");
        // Answered REQUEST_TIMED_OUT already: the outcomes are only logged.
        const bool late = p->timing.answered_late();
        for (size_t i = 0; i < outcomes.size(); ++i) {
            auto& r = p->response.results[p->growing[i]];
            if (!outcomes[i]) {
                r.error_code = to_error_code(outcomes[i].error(), operation::create_partitions);
                r.error_message = outcomes[i].error().message;
                if (late) spdlog::error("CreatePartitions of {} failed: {}", r.name, *r.error_message);
            } else if (!table_written) {
                // The new partitions exist and the next start adopts them.
                r.error_code = error_code::kafka_storage_error;
                r.error_message = table_written.error().message;
            }
        }
        if (!table_written)
            spdlog::error("CreatePartitions from {}: writing the topic table failed: {}", p->ctx.peer,
                          table_written.error().message);
        if (!late) p->ctx.respond(p->response);
    });
}

}  // namespace samsa::broker
