#pragma once
// topic_properties: a topic's configs as typed values, built once from the
// strings (the keys set on the topic, then the broker's `log.*` synonyms,
// then Kafka's defaults: topic_config.h) whenever they change — at start-up,
// when the topic is created or adopted, when AlterConfigs or
// IncrementalAlterConfigs change it — and kept in the topic's
// topic_metadata, so that Produce, Fetch and the logs read fields instead of
// resolving config strings per request. (Broker configs are static, so a
// broker default changes only with a restart, which rebuilds every topic's.)
//
// Thread: any; a built value is immutable.

#include <cstdint>
#include <limits>

#include "samsa/base/result.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/topics/topic_compression.h"
#include "samsa/broker/topics/topic_config.h"
#include "samsa/storage/log_config.h"

namespace samsa::broker {

struct topic_properties {
    static constexpr int64_t unlimited = std::numeric_limits<int64_t>::max();

    // What the partition logs are given (segments, flush, retention,
    // cleanup.policy as flags, message.timestamp.type, compaction).
    storage::log_config log;
    // max.message.bytes [message.max.bytes]: the largest batch accepted (and
    // stored, after a compression.type rewrite).
    int32_t max_message_bytes = 1048588;
    // compression.type [compression.type] and its codec's level.
    topic_compression compression;
    // KIP-937 (Kafka 3.6+): under CreateTime a record's timestamp must lie in
    // [now - before, now + after]. message.timestamp.before.max.ms and
    // .after.max.ms [log.message.timestamp.*], each falling back to the
    // deprecated message.timestamp.difference.max.ms while it is Long.MAX,
    // as Kafka 3.8's LogConfig does.
    int64_t message_timestamp_before_max_ms = unlimited;
    int64_t message_timestamp_after_max_ms = unlimited;

    bool compacted() const { return log.compacts(); }
    bool log_append_time() const { return log.message_timestamp_type == storage::timestamp_type::log_append_time; }
    // True when a CreateTime record's timestamp must be checked against the
    // broker's clock.
    bool checks_timestamps() const {
        return !log_append_time() &&
               (message_timestamp_before_max_ms != unlimited || message_timestamp_after_max_ms != unlimited);
    }
};

// The properties of a topic with `set` configs on a broker with `broker`.
// Refuses what validate_topic_configs refuses (same messages); the broker's
// own values were checked when it started.
result<topic_properties> build_topic_properties(const topic_configs& set, const broker_config& broker);

}  // namespace samsa::broker
