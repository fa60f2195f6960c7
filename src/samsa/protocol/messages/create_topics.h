#pragma once
// CreateTopics (api key 19): versions 0-7.
//
// num_partitions / replication_factor -1 (v4+) ask for the broker's defaults;
// assignments name replicas explicitly instead. From v5 the result echoes the
// topic's partitions, replication factor and configs.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using create_topics_api = api_range<api_key::create_topics, 0, 7>;

struct creatable_replica_assignment {
    partition_id partition_index;
    std::vector<int32_t> broker_ids;
    bool operator==(const creatable_replica_assignment&) const = default;
};

struct creatable_topic_config {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const creatable_topic_config&) const = default;
};

struct creatable_topic {
    std::string name;
    int32_t num_partitions = -1;
    int16_t replication_factor = -1;
    std::vector<creatable_replica_assignment> assignments;
    std::vector<creatable_topic_config> configs;
    bool operator==(const creatable_topic&) const = default;
};

struct create_topics_request {
    using api = create_topics_api;
    std::vector<creatable_topic> topics;
    int32_t timeout_ms = 60000;
    bool validate_only = false;  // v1+
    bool operator==(const create_topics_request&) const = default;
};

struct creatable_topic_configs {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    bool operator==(const creatable_topic_configs&) const = default;
};

struct creatable_topic_result {
    std::string name;
    uuid topic_id;  // v7+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;  // v1+
    int16_t topic_config_error_code = 0;       // v5+, tag 0
    int32_t num_partitions = -1;               // v5+
    int16_t replication_factor = -1;           // v5+
    std::optional<std::vector<creatable_topic_configs>> configs;  // v5+
    bool operator==(const creatable_topic_result&) const = default;
};

struct create_topics_response {
    using api = create_topics_api;
    int32_t throttle_time_ms = 0;  // v2+
    std::vector<creatable_topic_result> topics;
    bool operator==(const create_topics_response&) const = default;
};

template<class IO>
void serde(IO& io, creatable_replica_assignment& m) {
    io.field(m.partition_index);
    io.field(m.broker_ids);
    io.tags();
}

template<class IO>
void serde(IO& io, creatable_topic_config& m) {
    io.field(m.name);
    io.field(m.value);
    io.tags();
}

template<class IO>
void serde(IO& io, creatable_topic& m) {
    io.field(m.name);
    io.field(m.num_partitions);
    io.field(m.replication_factor);
    io.field(m.assignments);
    io.field(m.configs);
    io.tags();
}

template<class IO>
void serde(IO& io, create_topics_request& m) {
    io.field(m.topics);
    io.field(m.timeout_ms);
    if (io.version() >= 1) io.field(m.validate_only);
    io.tags();
}

template<class IO>
void serde(IO& io, creatable_topic_configs& m) {
    io.field(m.name);
    io.field(m.value);
    io.field(m.read_only);
    io.field(m.config_source);
    io.field(m.is_sensitive);
    io.tags();
}

template<class IO>
void serde(IO& io, creatable_topic_result& m) {
    io.field(m.name);
    if (io.version() >= 7) io.field(m.topic_id);
    io.field(m.error_code);
    if (io.version() >= 1) io.field(m.error_message);
    if (io.version() >= 5) {
        io.field(m.num_partitions);
        io.field(m.replication_factor);
        io.field(m.configs);
    }
    io.tags([&](auto& t) { t(0, m.topic_config_error_code, m.topic_config_error_code != 0); });
}

template<class IO>
void serde(IO& io, create_topics_response& m) {
    if (io.version() >= 2) io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
