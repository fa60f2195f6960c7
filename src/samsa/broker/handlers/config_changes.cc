#include "samsa/broker/handlers/config_changes.h"

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/error_mapping.h"

namespace samsa::broker {

config_change_result apply_topic_configs(broker& b, const std::string& topic, topic_configs next,
                                         bool validate_only) {
    if (!b.topics().find(topic)) {
        return {protocol::error_code::unknown_topic_or_partition, "Topic '" + topic + "' does not exist."};
    }
    if (auto s = validate_topic_configs(next); !s) return {protocol::error_code::invalid_config, s.error().message};
    if (validate_only) return {};
    if (auto s = b.topics().set_configs(topic, std::move(next)); !s) {
        return {to_error_code(s.error(), operation::alter_configs), s.error().message};
    }
    spdlog::info("configs of topic {} changed", topic);
    return {};
}

}  // namespace samsa::broker
