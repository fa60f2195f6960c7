#pragma once
// Per-topic configuration: Kafka's topic keys, their types, and where their
// default comes from (the broker's `log.*` synonym, then Kafka's own
// default). A topic stores only the keys set on it (DYNAMIC_TOPIC_CONFIG);
// everything else follows the broker, so changing server.properties changes
// every topic that did not override the key, as in Kafka.
//
// Thread: any; the table is constant.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/config/config_def.h"
#include "samsa/protocol/messages/config_resource.h"

namespace samsa::broker {

using topic_configs = std::map<std::string, std::string>;

struct topic_config_def {
    config_def def;
    // Broker keys that set the default, highest priority first
    // (retention.ms: log.retention.ms, log.retention.minutes, log.retention.hours).
    std::array<std::string_view, 3> broker_synonyms{};
};

std::span<const topic_config_def> topic_config_defs();
const topic_config_def* find_topic_config_def(std::string_view name);

using protocol::config_source;

struct config_synonym {
    std::string name;
    std::optional<std::string> value;
    config_source source = config_source::default_config;
};

struct effective_config {
    std::string name;
    std::optional<std::string> value;
    config_source source = config_source::default_config;
    config_type type = config_type::string;
    // The topic's own value (if set), then the broker keys that are set, then
    // the default, as Kafka lists synonyms.
    std::vector<config_synonym> synonyms;
};

// The value of `key` for a topic with `set` configs on a broker with `broker`.
effective_config resolve_topic_config(const topic_config_def& def, const topic_configs& set,
                                      const broker_config& broker);

// Checks names and values; the error message says which key and why
// ("Unknown topic config name: foo", "retention.ms: 'x' is not an integer").
status validate_topic_configs(const topic_configs& configs);

// Convenience: the effective value of a numeric / text key.
int64_t topic_config_int(const topic_configs& set, const broker_config& broker, std::string_view key);
std::string topic_config_string(const topic_configs& set, const broker_config& broker, std::string_view key);

}  // namespace samsa::broker
