// DescribeConfigs: every Kafka topic config with its value and where it
// comes from (DYNAMIC_TOPIC_CONFIG when set on the topic, STATIC_BROKER_CONFIG
// when server.properties sets the broker synonym, DEFAULT_CONFIG otherwise),
// and the broker's own keys for the broker resource (name = node id).
// Needs DescribeConfigs on the topic or, for the broker, on the cluster.

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/describe_configs.h"

namespace samsa::broker {

namespace {

using protocol::config_resource_type;
using protocol::error_code;

bool wanted(const protocol::describe_configs_resource& r, std::string_view name) {
    if (!r.configuration_keys) return true;
    for (const auto& k : *r.configuration_keys) {
        if (k == name) return true;
    }
    return false;
}

protocol::describe_configs_resource_result entry_of(const effective_config& eff, bool synonyms) {
    protocol::describe_configs_resource_result e;
    e.name = eff.name;
    e.value = eff.value;
    e.read_only = false;
    e.is_default = eff.source == config_source::default_config;
    e.config_source = eff.source;
    e.config_type = static_cast<int8_t>(eff.type);
    if (synonyms) {
        for (const auto& s : eff.synonyms) e.synonyms.push_back({s.name, s.value, s.source});
    }
    return e;
}

void describe_topic(broker& b, const protocol::describe_configs_resource& r, bool synonyms,
                    protocol::describe_configs_result& out) {
    const auto* t = b.topics().find(r.resource_name);
    if (!t) {
        out.error_code = error_code::unknown_topic_or_partition;
        out.error_message = "Topic '" + r.resource_name + "' does not exist.";
        return;
    }
    for (const auto& def : topic_config_defs()) {
        if (!wanted(r, def.def.name)) continue;
        out.configs.push_back(entry_of(resolve_topic_config(def, t->configs, b.config()), synonyms));
    }
}

void describe_broker(broker& b, const protocol::describe_configs_resource& r, bool synonyms,
                     protocol::describe_configs_result& out) {
    if (!r.resource_name.empty() && r.resource_name != std::to_string(b.node()())) {
        out.error_code = error_code::invalid_request;
        out.error_message = "This is broker " + std::to_string(b.node()()) + ", not " + r.resource_name;
        return;
    }
    for (const auto& def : broker_config_defs()) {
        if (!wanted(r, def.name)) continue;
        effective_config eff;
        eff.name = std::string(def.name);
        eff.value = b.config().value_of(def.name);
        eff.source = b.config().is_explicit(def.name) ? config_source::static_broker_config
                                                      : config_source::default_config;
        eff.type = def.type;
        eff.synonyms.push_back({eff.name, eff.value, eff.source});
        out.configs.push_back(entry_of(eff, synonyms));
    }
}

}  // namespace

void handle_describe_configs(request_context ctx) {
    auto request = ctx.decode<protocol::describe_configs_request>();
    if (!request) return;
    broker& b = *ctx.b;
    bool synonyms = ctx.version() >= 1 && request->include_synonyms;
    protocol::describe_configs_response response;
    for (const auto& r : request->resources) {
        protocol::describe_configs_result out;
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name;
        if (auto denied = config_resource_denied(ctx, acl_op::describe_configs, r.resource_type, r.resource_name)) {
            out.error_code = *denied;
            response.results.push_back(std::move(out));
            continue;
        }
        switch (r.resource_type) {
        case config_resource_type::topic: describe_topic(b, r, synonyms, out); break;
        case config_resource_type::broker: describe_broker(b, r, synonyms, out); break;
        default:
            out.error_code = error_code::invalid_request;
            out.error_message = "samsa-broker describes topic and broker configs only";
            break;
        }
        response.results.push_back(std::move(out));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
