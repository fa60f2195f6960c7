// AlterConfigs: replaces the whole set of configs of a topic (keys not
// given go back to their defaults), as Kafka's legacy API does.

#include "samsa/broker/handlers/config_changes.h"
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/alter_configs.h"

namespace samsa::broker {

void handle_alter_configs(request_context ctx) {
    auto request = ctx.decode<protocol::alter_configs_request>();
    if (!request) return;
    broker& b = *ctx.b;
    protocol::alter_configs_response response;
    for (const auto& r : request->resources) {
        protocol::alter_configs_resource_response out;
        out.resource_type = r.resource_type;
        out.resource_name = r.resource_name;
        config_change_result result;
        if (auto denied = config_resource_denied(ctx, acl_op::alter_configs, r.resource_type, r.resource_name)) {
            result = {*denied, std::nullopt};
        } else if (r.resource_type == protocol::config_resource_type::topic) {
            topic_configs next;
            for (const auto& c : r.configs) {
                if (c.value) next[c.name] = *c.value;
            }
            result = apply_topic_configs(b, r.resource_name, std::move(next), request->validate_only);
        } else if (r.resource_type == protocol::config_resource_type::broker) {
            result = broker_configs_are_static();
        } else {
            result = {protocol::error_code::invalid_request, "samsa-broker alters topic configs only"};
        }
        out.error_code = result.code;
        out.error_message = result.message;
        response.responses.push_back(std::move(out));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
