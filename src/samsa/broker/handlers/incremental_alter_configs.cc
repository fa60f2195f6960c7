// IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's
// configs (APPEND/SUBTRACT only on list-typed keys, as in Kafka), validated
// as a whole before anything changes.

#include <algorithm>
#include <set>

#include "samsa/broker/handlers/config_changes.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"

namespace samsa::broker {

namespace {

using protocol::config_operation;
using protocol::error_code;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

config_change_result alter_topic(broker& b, const protocol::incremental_alter_configs_resource& r,
                                 bool validate_only) {
    const auto* t = b.topics().find(r.resource_name);
    if (!t) return {error_code::unknown_topic_or_partition, "Topic '" + r.resource_name + "' does not exist."};
    topic_configs next = t->configs;
    std::set<std::string> seen;
    for (const auto& c : r.configs) {
        if (!seen.insert(c.name).second) {
            return {error_code::invalid_request, "Error due to duplicate config keys: " + c.name};
        }
        const auto* def = find_topic_config_def(c.name);
        if (!def) return {error_code::invalid_config, "Unknown topic config name: " + c.name};
        switch (c.config_operation) {
        case config_operation::set:
            if (!c.value) return {error_code::invalid_request, "Null value not supported for " + c.name};
            next[c.name] = *c.value;
            break;
        case config_operation::del: next.erase(c.name); break;
        case config_operation::append:
        case config_operation::subtract: {
            if (def->def.type != config_type::list) {
                return {error_code::invalid_config,
                        "Config value append/subtract is not allowed for config key " + c.name};
            }
            auto current = split_config_list(resolve_topic_config(*def, next, b.config()).value.value_or(""));
            for (const auto& item : split_config_list(c.value.value_or(""))) {
                auto it = std::find(current.begin(), current.end(), item);
                if (c.config_operation == config_operation::append && it == current.end()) current.push_back(item);
                if (c.config_operation == config_operation::subtract && it != current.end()) current.erase(it);
            }
            next[c.name] = join(current);
            break;
        }
        default: return {error_code::invalid_request, "Unknown config operation for " + c.name};
        }
    }
    return apply_topic_configs(b, r.resource_name, std::move(next), validate_only);
}

}  // namespace

void handle_incremental_alter_configs(request_context ctx) {
    auto request = ctx.decode<protocol::incremental_alter_configs_request>();
    if (!request) return;
    broker& b = *ctx.b;
    protocol::incremental_alter_configs_response response;
    for (const auto& r : request->resources) {
        protocol::incremental_alter_configs_resource_response out;
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name;
        config_change_result result;
        if (auto denied = config_resource_denied(ctx, acl_op::alter_configs, r.resource_type, r.resource_name)) {
            result = {*denied, std::nullopt};
        } else if (r.resource_type == protocol::config_resource_type::topic) {
            result = alter_topic(b, r, request->validate_only);
        } else if (r.resource_type == protocol::config_resource_type::broker) {
            result = broker_configs_are_static();
        } else {
            result = {error_code::invalid_request, "samsa-broker alters topic configs only"};
        }
        out.error_code = result.code;
        out.error_message = result.message;
        response.responses.push_back(std::move(out));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
