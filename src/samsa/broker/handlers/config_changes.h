#pragma once
// What AlterConfigs and IncrementalAlterConfigs share: checking a topic's
// new config set and applying it (persisted in the topic table, then pushed
// to every partition log at once, so it takes effect without a restart).
// Broker configs are static (server.properties); changing them at run time
// is refused with INVALID_REQUEST.
//
// Thread: the I/O thread.

#include <optional>
#include <string>

#include "samsa/broker/broker.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

struct config_change_result {
    protocol::error_code code = protocol::error_code::none;
    std::optional<std::string> message;
};

// Validates `next` for `topic` and, unless validate_only, applies it.
config_change_result apply_topic_configs(broker& b, const std::string& topic, topic_configs next,
                                         bool validate_only);

inline config_change_result broker_configs_are_static() {
    return {protocol::error_code::invalid_request,
            "samsa-broker's broker configs are static: change server.properties (or --override) and restart"};
}

}  // namespace samsa::broker
