#include "samsa/broker/topics/topic_config.h"

#include <array>

namespace samsa::broker {

namespace {

using T = config_type;
constexpr double lowest = std::numeric_limits<double>::lowest();
constexpr double highest = std::numeric_limits<double>::max();
constexpr std::string_view long_max = "9223372036854775807";

constexpr std::array<std::string_view, 2> cleanup_policies{"delete", "compact"};
constexpr std::array<std::string_view, 2> timestamp_types{"CreateTime", "LogAppendTime"};
constexpr std::array<std::string_view, 6> compression_types{"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};

using S = std::array<std::string_view, 3>;

const std::array defs{
    topic_config_def{{"cleanup.policy", T::list, "delete", lowest, highest, cleanup_policies}, S{"log.cleanup.policy"}},
    // KIP-390 levels, used when the broker recompresses (compression.type
    // names a codec): Kafka's defaults and ranges (gzip also takes -1, zlib's
    // default; zstd's lowest is ZSTD_minCLevel()).
    topic_config_def{{"compression.gzip.level", T::int32, "-1", -1, 9}, S{"compression.gzip.level"}},
    topic_config_def{{"compression.lz4.level", T::int32, "9", 1, 17}, S{"compression.lz4.level"}},
    topic_config_def{{"compression.type", T::string, "producer", lowest, highest, compression_types}, S{"compression.type"}},
    topic_config_def{{"compression.zstd.level", T::int32, "3", -131072, 22}, S{"compression.zstd.level"}},
    topic_config_def{{"delete.retention.ms", T::int64, "86400000", 0}, S{"log.cleaner.delete.retention.ms"}},
    topic_config_def{{"file.delete.delay.ms", T::int64, "60000", 0}, S{"log.segment.delete.delay.ms"}},
    topic_config_def{{"flush.messages", T::int64, long_max, 1}, S{"log.flush.interval.messages"}},
    topic_config_def{{"flush.ms", T::int64, long_max, 0}, S{"log.flush.interval.ms"}},
    topic_config_def{{"follower.replication.throttled.replicas", T::list, ""}, S{}},
    topic_config_def{{"index.interval.bytes", T::int32, "4096", 0}, S{"log.index.interval.bytes"}},
    topic_config_def{{"leader.replication.throttled.replicas", T::list, ""}, S{}},
    topic_config_def{{"max.compaction.lag.ms", T::int64, long_max, 1}, S{"log.cleaner.max.compaction.lag.ms"}},
    topic_config_def{{"max.message.bytes", T::int32, "1048588", 0}, S{"message.max.bytes"}},
    topic_config_def{{"message.downconversion.enable", T::boolean, "true"}, S{"log.message.downconversion.enable"}},
    topic_config_def{{"message.format.version", T::string, "3.0-IV1"}, S{}},
    // KIP-937 (Kafka 3.6): before/after replace the deprecated difference
    // key, which still applies while they are unset (topic_properties.cc).
    topic_config_def{{"message.timestamp.after.max.ms", T::int64, long_max, 0},
                     S{"log.message.timestamp.after.max.ms"}},
    topic_config_def{{"message.timestamp.before.max.ms", T::int64, long_max, 0},
                     S{"log.message.timestamp.before.max.ms"}},
    topic_config_def{{"message.timestamp.difference.max.ms", T::int64, long_max, 0},
                     S{"log.message.timestamp.difference.max.ms"}},
    topic_config_def{{"message.timestamp.type", T::string, "CreateTime", lowest, highest, timestamp_types},
                     S{"log.message.timestamp.type"}},
    topic_config_def{{"min.cleanable.dirty.ratio", T::float64, "0.5", 0, 1}, S{"log.cleaner.min.cleanable.ratio"}},
    topic_config_def{{"min.compaction.lag.ms", T::int64, "0", 0}, S{"log.cleaner.min.compaction.lag.ms"}},
    topic_config_def{{"min.insync.replicas", T::int32, "1", 1}, S{"min.insync.replicas"}},
    topic_config_def{{"preallocate", T::boolean, "false"}, S{"log.preallocate"}},
    topic_config_def{{"retention.bytes", T::int64, "-1"}, S{"log.retention.bytes"}},
    topic_config_def{{"retention.ms", T::int64, "604800000", -1},
                     S{"log.retention.ms", "log.retention.minutes", "log.retention.hours"}},
    topic_config_def{{"segment.bytes", T::int32, "1073741824", 14}, S{"log.segment.bytes"}},
    topic_config_def{{"segment.index.bytes", T::int32, "10485760", 4}, S{"log.index.size.max.bytes"}},
    topic_config_def{{"segment.jitter.ms", T::int64, "0", 0}, S{"log.roll.jitter.ms", "log.roll.jitter.hours"}},
    topic_config_def{{"segment.ms", T::int64, "604800000", 1}, S{"log.roll.ms", "log.roll.hours"}},
    topic_config_def{{"unclean.leader.election.enable", T::boolean, "false"}, S{"unclean.leader.election.enable"}},
};

// The broker synonym's value in the topic key's unit (hours -> ms).
std::optional<std::string> synonym_value_in_topic_unit(std::string_view synonym, const std::string& value) {
    int64_t scale = 1;
    if (synonym.ends_with(".hours")) scale = 3600LL * 1000;
    if (synonym.ends_with(".minutes")) scale = 60LL * 1000;
    if (scale == 1) return value;
    auto n = parse_config_int(value);
    if (!n) return value;
    return std::to_string(*n < 0 ? -1 : *n * scale);
}

}  // namespace

std::span<const topic_config_def> topic_config_defs() { return defs; }

const topic_config_def* find_topic_config_def(std::string_view name) {
    for (const auto& d : defs) {
        if (d.def.name == name) return &d;
    }
    return nullptr;
}

effective_config resolve_topic_config(const topic_config_def& def, const topic_configs& set,
                                      const broker_config& broker) {
    effective_config out;
    out.name = std::string(def.def.name);
    out.type = def.def.type;
    bool decided = false;
    if (auto it = set.find(out.name); it != set.end()) {
        out.value = it->second;
        out.source = config_source::dynamic_topic_config;
        out.synonyms.push_back({out.name, it->second, config_source::dynamic_topic_config});
        decided = true;
    }
    for (std::string_view syn : def.broker_synonyms) {
        if (syn.empty()) continue;
        if (broker.is_explicit(syn)) {
            auto v = broker.value_of(syn);
            out.synonyms.push_back({std::string(syn), v, config_source::static_broker_config});
            if (!decided) {
                out.value = synonym_value_in_topic_unit(syn, *v);
                out.source = config_source::static_broker_config;
                decided = true;
            }
        }
    }
    // Broker synonyms with a default of their own (log.retention.hours=168).
    for (std::string_view syn : def.broker_synonyms) {
        if (syn.empty() || broker.is_explicit(syn)) continue;
        if (auto v = broker.value_of(syn)) {
            out.synonyms.push_back({std::string(syn), v, config_source::default_config});
            if (!decided) {
                out.value = synonym_value_in_topic_unit(syn, *v);
                out.source = config_source::default_config;
                decided = true;
            }
        }
    }
    if (!decided) {
        if (def.def.default_value) out.value = std::string(*def.def.default_value);
        out.source = config_source::default_config;
    }
    return out;
}

status validate_topic_configs(const topic_configs& configs) {
    for (const auto& [key, value] : configs) {
        const auto* def = find_topic_config_def(key);
        if (!def) return make_error(errc::invalid_argument, "Unknown topic config name: " + key);
        if (auto s = validate_config_value(def->def, value); !s) {
            return make_error(errc::invalid_argument, "Invalid value " + value + " for configuration " + key + ": " +
                                                          s.error().message);
        }
        if (key == "cleanup.policy" && split_config_list(value).empty()) {
            return make_error(errc::invalid_argument, "cleanup.policy: empty list");
        }
    }
    return ok();
}

int64_t topic_config_int(const topic_configs& set, const broker_config& broker, std::string_view key) {
    const auto* def = find_topic_config_def(key);
    if (!def) return 0;
    auto eff = resolve_topic_config(*def, set, broker);
    if (!eff.value) return std::numeric_limits<int64_t>::max();
    auto n = parse_config_int(*eff.value);
    return n ? *n : 0;
}

std::string topic_config_string(const topic_configs& set, const broker_config& broker, std::string_view key) {
    const auto* def = find_topic_config_def(key);
    if (!def) return {};
    auto eff = resolve_topic_config(*def, set, broker);
    return eff.value.value_or("");
}

}  // namespace samsa::broker
