// CreateTopics: Kafka's checks in Kafka's order, then the logs and the
// table entry. A single node keeps one replica per partition, so a
// replication factor above 1 is refused with a message that says where to
// go instead; manual replica assignments are refused too.

#include <set>

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/topics/table_write_batch.h"
#include "samsa/broker/topics/topic_name.h"
#include "samsa/protocol/messages/create_topics.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

std::string collision_key(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        if (c == '.') c = '_';
    }
    return out;
}

struct verdict {
    error_code code = error_code::none;
    std::string message;
};

verdict check_topic(broker& b, const protocol::creatable_topic& t, int32_t& partitions, topic_configs& configs) {
    if (auto s = validate_topic_name(t.name); !s) return {error_code::invalid_topic_exception, s.error().message};
    if (t.name == "__consumer_offsets" || t.name == "__transaction_state") {
        return {error_code::invalid_request, "Creation of internal topic " + t.name + " is prohibited."};
    }
    if (b.topics().find(t.name)) return {error_code::topic_already_exists, "Topic '" + t.name + "' already exists."};
    for (const auto& [name, _] : b.topics().table().topics()) {
        if (collision_key(name) == collision_key(t.name)) {
            return {error_code::invalid_topic_exception,
                    "Topic '" + t.name + "' collides with existing topic: " + name};
        }
    }
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

}  // namespace

void handle_create_topics(request_context ctx) {
    auto request = ctx.decode<protocol::create_topics_request>();
    if (!request) return;
    broker& b = *ctx.b;
    if (too_many_partitions(b, *request)) return answer_policy_violation(ctx, *request);
    std::multiset<std::string> names;
    for (const auto& t : request->topics) names.insert(t.name);

    // The topic table file is written once for the whole request, before the answer.
    table_write_batch table_writes;
    protocol::create_topics_response response;
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
        if (v.code == error_code::none && !request->validate_only) {
            auto created = b.topics().create_topic(t.name, partitions, configs);
            if (!created) {
                v = {to_error_code(created.error(), operation::create_topic), created.error().message};
            } else {
                r.topic_id = (*created)->id;
            }
        }
        r.error_code = v.code;
        if (v.code != error_code::none) {
            r.error_message = v.message;
            spdlog::info("CreateTopics {} from {}: {} ({})", t.name, ctx.peer, protocol::name(v.code), v.message);
        } else if (ctx.version() >= 5 && !authorized_on_topic(ctx, acl_op::describe_configs, t.name)) {
            // Created, but the configs are not shown without DescribeConfigs.
            r.num_partitions = partitions;
            r.replication_factor = 1;
            r.topic_config_error_code = static_cast<int16_t>(error_code::topic_authorization_failed);
        } else if (ctx.version() >= 5) {
            r.num_partitions = partitions;
            r.replication_factor = 1;
            r.configs.emplace();
            for (const auto& def : topic_config_defs()) {
                auto eff = resolve_topic_config(def, configs, b.config());
                protocol::creatable_topic_configs c;
                c.name = eff.name;
                c.value = eff.value;
                c.config_source = static_cast<int8_t>(eff.source);
                r.configs->push_back(std::move(c));
            }
        }
        response.topics.push_back(std::move(r));
    }
    if (auto s = table_writes.commit(); !s) {
        // The logs exist and carry their topic ids; the next start adopts them,
        // but without their configs: say the creation failed.
        spdlog::error("CreateTopics from {}: writing the topic table failed: {}", ctx.peer, s.error().message);
        for (auto& r : response.topics) {
            if (r.error_code != error_code::none || request->validate_only) continue;
            r.error_code = error_code::kafka_storage_error;
            r.error_message = s.error().message;
        }
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
