// CreateTopics: Kafka's checks in Kafka's order, then the logs and the
// table entry. A single node keeps one replica per partition, so a
// replication factor above 1 is refused with a message that says where to
// go instead; manual replica assignments are refused too.

#include <chrono>
#include <memory>
#include <set>

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/request_timeout.h"
#include "samsa/base/assert.h"
#include "samsa/broker/topics/topic_name.h"
#include "samsa/protocol/messages/create_topics.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

struct verdict {
    error_code code = error_code::none;
    std::string message;
};

verdict check_topic(broker& b, const protocol::creatable_topic& t, int32_t& partitions, topic_configs& configs) {
    if (auto s = validate_topic_name(t.name); !s) return {error_code::invalid_topic_exception, s.error().message};
    if (t.name == "__consumer_offsets" || t.name == "__transaction_state") {
        return {error_code::invalid_request, "Creation of internal topic " + t.name + " is prohibited."};
    }
    // A name being created (by this request or another) exists already, as
    // for Kafka's controller.
    if (b.topics().find(t.name) || b.topics().creating(t.name))
        return {error_code::topic_already_exists, "Topic '" + t.name + "' already exists."};
    if (auto other = b.topics().colliding_topic(t.name))
        return {error_code::invalid_topic_exception, "Topic '" + t.name + "' collides with existing topic: " + *other};
    if (!t.assignments.empty()) {
        return {error_code::invalid_request,
                "samsa-broker is a single node and assigns every partition to itself; omit the replica "
                "assignments"};
    }
    partitions = t.num_partitions == -1 ? b.config().num_partitions : t.num_partitions;
    if (partitions <= 0) return {error_code::invalid_partitions, "Number of partitions must be larger than 0."};
    int32_t rf = t.replication_factor == -1 ? b.config().default_replication_factor : t.replication_factor;
    if (rf <= 0) return {error_code::invalid_replication_factor, "Replication factor must be larger than 0."};
    if (rf > 1) {
        return {error_code::invalid_replication_factor,
                "samsa-broker is a single node and keeps one replica per partition; use a Kafka cluster for "
                "replication factor " +
                    std::to_string(rf)};
    }
    for (const auto& c : t.configs) {
        if (!c.value) return {error_code::invalid_request, "Null value not supported for topic configs: " + c.name};
        configs[c.name] = *c.value;
    }
    if (auto s = validate_topic_configs(configs); !s) return {error_code::invalid_config, s.error().message};
    return {};
}

// Kafka's controller (ReplicationControlManager) refuses a whole request
// that asks for more than this many partitions, counting -1 as the default.
constexpr int64_t max_partitions_per_request = 10000;

bool too_many_partitions(const broker& b, const protocol::create_topics_request& request) {
    int64_t total = 0;
    for (const auto& t : request.topics) {
        if (!t.assignments.empty()) total += static_cast<int64_t>(t.assignments.size());
        else if (t.num_partitions == -1) total += b.config().num_partitions;
        else if (t.num_partitions > 0) total += t.num_partitions;
    }
    return total > max_partitions_per_request;
}

void answer_policy_violation(request_context& ctx, const protocol::create_topics_request& request) {
    protocol::create_topics_response response;
    for (const auto& t : request.topics) {
        protocol::creatable_topic_result r;
        r.name = t.name;
        r.error_code = error_code::policy_violation;
        r.error_message = "Excessively large number of partitions per request.";
        response.topics.push_back(std::move(r));
    }
    spdlog::info("CreateTopics from {}: {} topics refused: more than {} partitions in one request", ctx.peer,
                 request.topics.size(), max_partitions_per_request);
    ctx.respond(response);
}

// The v5+ part of a created topic's result: its count and configs.
void describe_created(request_context& ctx, protocol::creatable_topic_result& r, int32_t partitions,
                      const topic_configs& configs) {
    if (ctx.version() < 5) return;
    r.num_partitions = partitions;
    r.replication_factor = 1;
    if (!authorized_on_topic(ctx, acl_op::describe_configs, r.name)) {
        // Created, but the configs are not shown without DescribeConfigs.
        r.topic_config_error_code = static_cast<int16_t>(error_code::topic_authorization_failed);
        return;
    }
    r.configs.emplace();
    for (const auto& def : topic_config_defs()) {
        auto eff = resolve_topic_config(def, configs, ctx.b->config());
        protocol::creatable_topic_configs c;
        c.name = eff.name;
        c.value = eff.value;
        c.config_source = static_cast<int8_t>(eff.source);
        r.configs->push_back(std::move(c));
    }
}

void log_refusal(const request_context& ctx, const protocol::creatable_topic_result& r) {
    spdlog::info("CreateTopics {} from {}: {} ({})", r.name, ctx.peer, protocol::name(r.error_code),
                 r.error_message.value_or(""));
}

// A CreateTopics whose topics are being made on the creation worker
// (topic_manager::create_topics): the answer waits here, on the I/O thread.
struct pending_create {
    request_context ctx;
    protocol::create_topics_response response;
    struct topic {
        size_t index;  // into response.topics
        int32_t partitions;
        topic_configs configs;
    };
    std::vector<topic> creating;
    timed_request timing;  // the request's timeout_ms (request_timeout.h)
};

}  // namespace

void handle_create_topics(request_context ctx) {
    auto request = ctx.decode<protocol::create_topics_request>();
    if (!request) return;
    broker& b = *ctx.b;
    if (too_many_partitions(b, *request)) return answer_policy_violation(ctx, *request);
    std::multiset<std::string> names;
    for (const auto& t : request->topics) names.insert(t.name);

    // Validated here; the names to create are reserved as they pass, so a
    // later topic of this request or of another sees them as existing.
    // The directories are then made off the I/O thread and the answer sent
    // when they are registered (the topic table written once for the request).
    auto pending = std::make_unique<pending_create>();
    std::vector<topic_creation> creations;
    for (const auto& t : request->topics) {
        protocol::creatable_topic_result r;
        r.name = t.name;
        int32_t partitions = 0;
        topic_configs configs;
        verdict v;
        if (names.count(t.name) > 1) {
            v = {error_code::invalid_request, "Create topics request contains multiple entries for topic " + t.name};
        } else if (!authorized_to_create_topic(ctx, t.name)) {
            v = {error_code::topic_authorization_failed, "Authorization failed."};
        } else {
            v = check_topic(b, t, partitions, configs);
        }
        r.error_code = v.code;
        if (v.code != error_code::none) {
            r.error_message = v.message;
            log_refusal(ctx, r);
        } else if (request->validate_only) {
            describe_created(ctx, r, partitions, configs);
        } else {
            SAMSA_ASSERT(b.topics().reserve(t.name), "a name that passed check_topic is free");
            creations.push_back({t.name, partitions, configs});
            pending->creating.push_back({pending->response.topics.size(), partitions, std::move(configs)});
        }
        pending->response.topics.push_back(std::move(r));
    }
    if (creations.empty()) {
        ctx.respond(pending->response);
        return;
    }
    pending->ctx = std::move(ctx);
    // shared: the callback must be copyable (std::function).
    std::shared_ptr<pending_create> shared(std::move(pending));
    answer_at_timeout(b, request->timeout_ms, shared, [](pending_create& p) {
        for (const auto& c : p.creating) p.response.topics[c.index].error_code = error_code::request_timed_out;
        spdlog::info("CreateTopics from {}: answered REQUEST_TIMED_OUT after its timeout; {} topic(s) still being "
                     "created",
                     p.ctx.peer, p.creating.size());
    });
    b.topics().create_topics(
        std::move(creations),
        [p = std::move(shared)](std::vector<result<uuid>> outcomes, status table_written) {
            SAMSA_ASSERT(outcomes.size() == p->creating.size(), "one outcome per topic created");
            // Answered REQUEST_TIMED_OUT already: the outcomes are only logged.
            const bool late = p->timing.answered_late();
            for (size_t i = 0; i < outcomes.size(); ++i) {
                auto& c = p->creating[i];
                auto& r = p->response.topics[c.index];
                if (!outcomes[i]) {
                    r.error_code = to_error_code(outcomes[i].error(), operation::create_topic);
                    r.error_message = outcomes[i].error().message;
                    log_refusal(p->ctx, r);
                } else if (!table_written) {
                    // The logs exist and carry their topic ids; the next start
                    // adopts them, but without their configs: say the creation failed.
                    r.error_code = error_code::kafka_storage_error;
                    r.error_message = table_written.error().message;
                } else {
                    r.topic_id = *outcomes[i];
                    describe_created(p->ctx, r, c.partitions, c.configs);
                }
            }
            if (!table_written)
                spdlog::error("CreateTopics from {}: writing the topic table failed: {}", p->ctx.peer,
                              table_written.error().message);
            if (!late) p->ctx.respond(p->response);
        });
}

}  // namespace samsa::broker
