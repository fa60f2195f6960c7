#pragma once
// DeleteTopics (api key 20): versions 0-6.
//
// Up to v5 the request names topics in topic_names; v6 replaces that with
// `topics`, each named by name or by topic id.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using delete_topics_api = api_range<api_key::delete_topics, 0, 6>;

struct delete_topic_state {
    std::optional<std::string> name;
    uuid topic_id;
    bool operator==(const delete_topic_state&) const = default;
};

struct delete_topics_request {
    using api = delete_topics_api;
    std::vector<delete_topic_state> topics;  // v6+
    std::vector<std::string> topic_names;    // v0-5
    int32_t timeout_ms = 0;
    bool operator==(const delete_topics_request&) const = default;
};

struct deletable_topic_result {
    std::optional<std::string> name;  // nullable v6+
    uuid topic_id;                    // v6+
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;  // v5+
    bool operator==(const deletable_topic_result&) const = default;
};

struct delete_topics_response {
    using api = delete_topics_api;
    int32_t throttle_time_ms = 0;  // v1+
    std::vector<deletable_topic_result> responses;
    bool operator==(const delete_topics_response&) const = default;
};

template<class IO>
void serde(IO& io, delete_topic_state& m) {
    io.field(m.name);
    io.field(m.topic_id);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_topics_request& m) {
    if (io.version() >= 6) {
        io.field(m.topics);
    } else {
        io.field(m.topic_names);
    }
    io.field(m.timeout_ms);
    io.tags();
}

template<class IO>
void serde(IO& io, deletable_topic_result& m) {
    io.field(m.name);
    if (io.version() >= 6) io.field(m.topic_id);
    io.field(m.error_code);
    if (io.version() >= 5) io.field(m.error_message);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_topics_response& m) {
    if (io.version() >= 1) io.field(m.throttle_time_ms);
    io.field(m.responses);
    io.tags();
}

}  // namespace samsa::protocol
