#include "samsa/broker/config/broker_config.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace samsa::broker {

namespace {

using T = config_type;
constexpr double int64_max = 9.2233720368547758e18;
constexpr std::string_view long_max = "9223372036854775807";

constexpr std::array<std::string_view, 2> cleanup_policies{"delete", "compact"};
constexpr std::array<std::string_view, 2> timestamp_types{"CreateTime", "LogAppendTime"};
constexpr std::array<std::string_view, 6> compression_types{"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};
constexpr std::array<std::string_view, 3> client_auth_values{"none", "requested", "required"};
constexpr std::array<std::string_view, 7> log_levels{"trace", "debug", "info", "warn", "error", "critical", "off"};

// Kafka's keys and defaults (server.properties, KafkaConfig). Ordered as
// Kafka's documentation groups them.
const std::array defs{
    config_def{"listeners", T::list, "PLAINTEXT://127.0.0.1:9092"},
    config_def{"advertised.listeners", T::list, std::nullopt},
    config_def{"node.id", T::int32, "1", 0},
    config_def{"broker.id", T::int32, std::nullopt, 0},
    config_def{"log.dirs", T::list, std::nullopt},
    config_def{"log.dir", T::string, "./samsa-data"},
    config_def{"num.partitions", T::int32, "1", 1},
    config_def{"auto.create.topics.enable", T::boolean, "true"},
    config_def{"message.max.bytes", T::int32, "1048588", 0},
    config_def{"socket.request.max.bytes", T::int32, "104857600", 1},
    config_def{"connections.max.idle.ms", T::int64, "600000", 1},
    // Kafka's default is -1 (no bound); ours bounds request memory (net/request_memory.h):
    // 256 MiB, or socket.request.max.bytes when that is larger.
    config_def{"queued.max.request.bytes", T::int64, std::nullopt, -1},
    config_def{"max.connections", T::int32, "2147483647", 0},
    config_def{"max.connections.per.ip", T::int32, "2147483647", 0},
    config_def{"max.incremental.fetch.session.cache.slots", T::int32, "1000", 0},
    config_def{"max.connections.per.ip.overrides", T::string, ""},
    config_def{"default.replication.factor", T::int32, "1", 1},
    config_def{"log.segment.bytes", T::int32, "1073741824", 14},
    config_def{"log.roll.ms", T::int64, std::nullopt, 1},
    config_def{"log.roll.hours", T::int32, "168", 1},
    config_def{"log.roll.jitter.ms", T::int64, std::nullopt, 0},
    config_def{"log.roll.jitter.hours", T::int32, "0", 0},
    config_def{"log.flush.interval.messages", T::int64, long_max, 1},
    config_def{"log.flush.interval.ms", T::int64, std::nullopt, 0},
    config_def{"log.flush.scheduler.interval.ms", T::int64, long_max},
    config_def{"log.flush.offset.checkpoint.interval.ms", T::int32, "60000", 0},
    config_def{"log.retention.ms", T::int64, std::nullopt, -1},
    config_def{"log.retention.minutes", T::int32, std::nullopt, -1},
    config_def{"log.retention.hours", T::int32, "168", -1},
    config_def{"log.retention.bytes", T::int64, "-1"},
    config_def{"log.retention.check.interval.ms", T::int64, "300000", 1},
    config_def{"log.cleanup.policy", T::list, "delete", int64_max * -1, int64_max, cleanup_policies},
    config_def{"log.cleaner.enable", T::boolean, "true"},
    config_def{"log.cleaner.threads", T::int32, "1", 0},
    config_def{"log.cleaner.dedupe.buffer.size", T::int64, "134217728"},
    config_def{"log.cleaner.io.buffer.size", T::int32, "524288", 0},
    config_def{"log.cleaner.io.buffer.load.factor", T::float64, "0.9"},
    config_def{"log.cleaner.io.max.bytes.per.second", T::float64, "1.7976931348623157E308"},
    config_def{"log.cleaner.backoff.ms", T::int64, "15000", 0},
    config_def{"log.cleaner.min.cleanable.ratio", T::float64, "0.5", 0, 1},
    config_def{"log.cleaner.delete.retention.ms", T::int64, "86400000", 0},
    config_def{"log.cleaner.min.compaction.lag.ms", T::int64, "0", 0},
    config_def{"log.cleaner.max.compaction.lag.ms", T::int64, long_max, 1},
    config_def{"log.index.interval.bytes", T::int32, "4096", 0},
    config_def{"log.index.size.max.bytes", T::int32, "10485760", 4},
    config_def{"log.segment.delete.delay.ms", T::int64, "60000", 0},
    config_def{"log.preallocate", T::boolean, "false"},
    config_def{"log.message.timestamp.type", T::string, "CreateTime", int64_max * -1, int64_max, timestamp_types},
    config_def{"log.message.timestamp.difference.max.ms", T::int64, long_max, 0},
    config_def{"log.message.timestamp.before.max.ms", T::int64, long_max, 0},
    config_def{"log.message.timestamp.after.max.ms", T::int64, long_max, 0},
    config_def{"log.message.downconversion.enable", T::boolean, "true"},
    config_def{"compression.type", T::string, "producer", int64_max * -1, int64_max, compression_types},
    config_def{"compression.gzip.level", T::int32, "-1", -1, 9},
    config_def{"compression.lz4.level", T::int32, "9", 1, 17},
    config_def{"compression.zstd.level", T::int32, "3", -131072, 22},
    config_def{"min.insync.replicas", T::int32, "1", 1},
    config_def{"unclean.leader.election.enable", T::boolean, "false"},
    // Consumer groups and the idempotent producer (the next issue).
    config_def{"group.initial.rebalance.delay.ms", T::int32, "3000", 0},
    config_def{"group.min.session.timeout.ms", T::int32, "6000"},
    config_def{"group.max.session.timeout.ms", T::int32, "1800000"},
    config_def{"offsets.topic.num.partitions", T::int32, "50", 1},
    config_def{"offsets.retention.minutes", T::int32, "10080", 1},
    config_def{"offsets.retention.check.interval.ms", T::int64, "600000", 1},
    config_def{"producer.id.expiration.ms", T::int32, "86400000", 1},
    // Transactions (broker/txn/).
    config_def{"transaction.max.timeout.ms", T::int32, "900000", 1},
    config_def{"transactional.id.expiration.ms", T::int32, "604800000", 1},
    config_def{"transaction.state.log.num.partitions", T::int32, "50", 1},
    config_def{"transaction.state.log.segment.bytes", T::int32, "104857600", 1},
    config_def{"transaction.abort.timed.out.transaction.cleanup.interval.ms", T::int32, "10000", 1},
    config_def{"transaction.remove.expired.transaction.cleanup.interval.ms", T::int32, "3600000", 1},
    config_def{"transaction.partition.verification.enable", T::boolean, "true", int64_max * -1, int64_max, {}, true},
    // Authorization (security/authz/): on when authorizer.class.name is set.
    config_def{"authorizer.class.name", T::class_name, ""},
    config_def{"super.users", T::string, std::nullopt},
    config_def{"allow.everyone.if.no.acl.found", T::boolean, "false"},
    // Client quotas (security/quota/): Kafka's rate windows.
    config_def{"quota.window.num", T::int32, "11", 1},
    config_def{"quota.window.size.seconds", T::int32, "1", 1},
    // Samsa's own: acks=all answered only after an fsync covering the batch
    // (group commit on a helper thread; broker/producer/durable_acks.h).
    config_def{"samsa.durable.acks", T::boolean, "false"},
    // Kafka keys that mean nothing on one node with one I/O thread; accepted
    // so stock server.properties files load without warnings.
    config_def{"num.network.threads", T::int32, "3", 1, int64_max, {}, true},
    config_def{"num.io.threads", T::int32, "8", 1, int64_max, {}, true},
    config_def{"num.recovery.threads.per.data.dir", T::int32, "1", 1, int64_max, {}, true},
    config_def{"socket.send.buffer.bytes", T::int32, "102400", -1, int64_max, {}, true},
    config_def{"socket.receive.buffer.bytes", T::int32, "102400", -1, int64_max, {}, true},
    config_def{"offsets.topic.replication.factor", T::int16, "3", 1, int64_max, {}, true},
    config_def{"transaction.state.log.replication.factor", T::int16, "3", 1, int64_max, {}, true},
    config_def{"transaction.state.log.min.isr", T::int32, "2", 1, int64_max, {}, true},
    config_def{"zookeeper.connect", T::string, std::nullopt, int64_max * -1, int64_max, {}, true},
    config_def{"zookeeper.connection.timeout.ms", T::int32, std::nullopt, int64_max * -1, int64_max, {}, true},
    config_def{"process.roles", T::list, std::nullopt, int64_max * -1, int64_max, {}, true},
    config_def{"controller.quorum.voters", T::list, std::nullopt, int64_max * -1, int64_max, {}, true},
    config_def{"controller.listener.names", T::string, std::nullopt, int64_max * -1, int64_max, {}, true},
    config_def{"inter.broker.listener.name", T::string, std::nullopt, int64_max * -1, int64_max, {}, true},
    // Security (broker/security/): listeners, TLS, SASL. Each ssl.* and
    // sasl.* key may also be given per listener as listener.name.<name>.<key>
    // (<name> lower-case), and a JAAS config as
    // listener.name.<name>.<mechanism>.sasl.jaas.config.
    config_def{"listener.security.protocol.map", T::string, default_security_protocol_map},
    config_def{"ssl.keystore.type", T::string, "JKS"},
    config_def{"ssl.keystore.location", T::string, std::nullopt},
    config_def{"ssl.keystore.password", T::password, std::nullopt},
    config_def{"ssl.key.password", T::password, std::nullopt},
    config_def{"ssl.keystore.certificate.chain", T::password, std::nullopt},
    config_def{"ssl.keystore.key", T::password, std::nullopt},
    config_def{"ssl.truststore.type", T::string, "JKS"},
    config_def{"ssl.truststore.location", T::string, std::nullopt},
    config_def{"ssl.truststore.password", T::password, std::nullopt},
    config_def{"ssl.truststore.certificates", T::password, std::nullopt},
    config_def{"ssl.client.auth", T::string, "none", int64_max * -1, int64_max, client_auth_values},
    config_def{"ssl.enabled.protocols", T::list, "TLSv1.2,TLSv1.3"},
    config_def{"ssl.protocol", T::string, "TLSv1.3"},
    config_def{"ssl.cipher.suites", T::list, ""},
    config_def{"ssl.principal.mapping.rules", T::string, "DEFAULT"},
    config_def{"ssl.endpoint.identification.algorithm", T::string, "https"},
    config_def{"sasl.enabled.mechanisms", T::list, "GSSAPI"},
    config_def{"sasl.jaas.config", T::password, std::nullopt},
    config_def{"sasl.mechanism.inter.broker.protocol", T::string, "GSSAPI", int64_max * -1, int64_max, {}, true},
    config_def{"security.inter.broker.protocol", T::string, "PLAINTEXT", int64_max * -1, int64_max, {}, true},
    config_def{"connections.max.reauth.ms", T::int64, "0", 0},
    config_def{"connection.failed.authentication.delay.ms", T::int32, "100", 0},
    // Samsa's own.
    config_def{"samsa.partial.frame.timeout.ms", T::int64, "30000", 1},
    config_def{"samsa.log.level", T::string, "info", int64_max * -1, int64_max, log_levels},
    // http://host:port of GET /metrics (Prometheus text); empty: off (broker/metrics/).
    config_def{"samsa.metrics.listener", T::string, ""},
    // Segment files held open at once (storage/fd_cache.h); 0: half RLIMIT_NOFILE.
    config_def{"samsa.log.max.open.files", T::int64, "0", 0},
    // Where the broker writes the listeners it bound (and the metrics
    // endpoint), real ports included, once every one of them accepts
    // connections; empty: not written (broker_app.h).
    config_def{"samsa.bound.listeners.file", T::string, ""},
};

int64_t as_int(const broker_config& c, std::string_view key) {
    auto v = c.value_of(key);
    return v ? parse_config_int(*v).value() : 0;
}

}  // namespace

std::span<const config_def> broker_config_defs() { return defs; }

const config_def* find_broker_config_def(std::string_view name) {
    for (const auto& d : defs) {
        if (d.name == name) return &d;
    }
    return nullptr;
}

std::optional<std::string> broker_config::value_of(std::string_view key) const {
    if (auto it = explicit_values.find(std::string(key)); it != explicit_values.end()) return it->second;
    if (const auto* def = find_broker_config_def(key); def && def->default_value) {
        return std::string(*def->default_value);
    }
    return std::nullopt;
}

std::optional<std::string> broker_config::listener_value(std::string_view listener_name, std::string_view key) const {
    std::string prefixed = "listener.name.";
    for (char ch : listener_name) prefixed += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    prefixed += ".";
    prefixed += key;
    if (auto it = explicit_values.find(prefixed); it != explicit_values.end()) return it->second;
    return value_of(key);
}

int64_t broker_config::int_value_or(std::string_view key, int64_t fallback) const {
    auto text = value_of(key);
    if (!text) return fallback;
    auto v = parse_config_int(*text);
    return v ? *v : fallback;
}

result<loaded_config> load_broker_config(const properties& file, const std::vector<std::string>& overrides) {
    loaded_config out;
    broker_config& c = out.config;
    std::vector<std::string> order = file.order;
    c.explicit_values = file.values;
    for (const auto& text : overrides) {
        auto kv = parse_override(text);
        if (!kv) return kv.error();
        if (!c.explicit_values.contains(kv->first)) order.push_back(kv->first);
        c.explicit_values[kv->first] = kv->second;
    }

    for (const auto& key : order) {
        const std::string& value = c.explicit_values[key];
        const config_def* def = find_broker_config_def(key);
        // Per-listener settings (listener.name.<name>.<key>) are read by the
        // listener that uses them (security/listener_security.h).
        if (!def && key.starts_with("listener.name.")) continue;
        if (!def) {
            out.warnings.push_back("unknown configuration key '" + key + "' ignored");
            continue;
        }
        if (auto s = validate_config_value(*def, value); !s) {
            return make_error(errc::invalid_argument, key + ": " + s.error().message);
        }
        if (def->ignored) {
            out.warnings.push_back(key + " has no effect on samsa-broker (one node, one I/O thread)");
        }
    }

    auto listeners = parse_listeners(*c.value_of("listeners"));
    if (!listeners) return make_error(errc::invalid_argument, "listeners: " + listeners.error().message);
    c.listeners = std::move(*listeners);
    auto protocol_map = parse_security_protocol_map(*c.value_of("listener.security.protocol.map"));
    if (!protocol_map) {
        return make_error(errc::invalid_argument, "listener.security.protocol.map: " + protocol_map.error().message);
    }
    if (auto s = assign_security_protocols(c.listeners, *protocol_map); !s) {
        return make_error(errc::invalid_argument, "listeners: " + s.error().message);
    }
    if (auto adv = c.value_of("advertised.listeners")) {
        auto parsed = parse_listeners(*adv);
        if (!parsed) return make_error(errc::invalid_argument, "advertised.listeners: " + parsed.error().message);
        if (auto s = assign_security_protocols(*parsed, *protocol_map); !s) {
            return make_error(errc::invalid_argument, "advertised.listeners: " + s.error().message);
        }
        c.advertised_listeners = std::move(*parsed);
    } else {
        c.advertised_listeners = c.listeners;
    }

    if (c.is_explicit("node.id")) {
        c.node = samsa::node_id(static_cast<int32_t>(as_int(c, "node.id")));
        if (c.is_explicit("broker.id") && as_int(c, "broker.id") != c.node()) {
            return make_error(errc::invalid_argument, "broker.id: differs from node.id");
        }
    } else if (c.is_explicit("broker.id")) {
        c.node = samsa::node_id(static_cast<int32_t>(as_int(c, "broker.id")));
    } else {
        c.node = samsa::node_id(1);
    }

    if (auto dirs = c.value_of("log.dirs")) c.log_dirs = split_config_list(*dirs);
    if (c.log_dirs.empty()) c.log_dirs = split_config_list(*c.value_of("log.dir"));
    if (c.log_dirs.empty()) return make_error(errc::invalid_argument, "log.dirs: no directory given");

    c.num_partitions = static_cast<int32_t>(as_int(c, "num.partitions"));
    c.auto_create_topics_enable = parse_config_bool(*c.value_of("auto.create.topics.enable")).value();
    c.durable_acks = parse_config_bool(*c.value_of("samsa.durable.acks")).value();
    c.message_max_bytes = static_cast<int32_t>(as_int(c, "message.max.bytes"));
    c.socket_request_max_bytes = static_cast<int32_t>(as_int(c, "socket.request.max.bytes"));
    c.log_segment_bytes = static_cast<int32_t>(as_int(c, "log.segment.bytes"));
    c.log_roll_ms = c.value_of("log.roll.ms") ? as_int(c, "log.roll.ms") : as_int(c, "log.roll.hours") * 3600 * 1000;
    c.log_flush_interval_messages = as_int(c, "log.flush.interval.messages");
    if (c.value_of("log.flush.interval.ms")) c.log_flush_interval_ms = as_int(c, "log.flush.interval.ms");
    c.default_replication_factor = static_cast<int16_t>(as_int(c, "default.replication.factor"));
    if (c.value_of("log.retention.ms")) {
        c.log_retention_ms = as_int(c, "log.retention.ms");
    } else if (c.value_of("log.retention.minutes")) {
        c.log_retention_ms = as_int(c, "log.retention.minutes") * 60 * 1000;
    } else {
        c.log_retention_ms = as_int(c, "log.retention.hours") * 3600 * 1000;
    }
    if (c.log_retention_ms < 0) c.log_retention_ms = -1;
    c.log_retention_bytes = as_int(c, "log.retention.bytes");
    {
        auto policies = split_config_list(*c.value_of("log.cleanup.policy"));
        std::string joined;
        for (const auto& p : policies) joined += (joined.empty() ? "" : ",") + p;
        if (joined.empty()) return make_error(errc::invalid_argument, "log.cleanup.policy: empty");
        c.log_cleanup_policy = joined;
    }
    c.connections_max_idle = std::chrono::milliseconds(as_int(c, "connections.max.idle.ms"));
    if (c.value_of("queued.max.request.bytes")) {
        c.queued_max_request_bytes = as_int(c, "queued.max.request.bytes");
        // Kafka's rule: a frame of the largest allowed size must fit.
        if (c.queued_max_request_bytes > 0 && c.queued_max_request_bytes < c.socket_request_max_bytes) {
            return make_error(errc::invalid_argument,
                              "queued.max.request.bytes: must be larger than socket.request.max.bytes (" +
                                  std::to_string(c.socket_request_max_bytes) + ") or -1");
        }
    } else {
        c.queued_max_request_bytes = std::max<int64_t>(broker_config::default_queued_max_request_bytes, c.socket_request_max_bytes);
    }
    c.max_connections = static_cast<int32_t>(as_int(c, "max.connections"));
    c.max_connections_per_ip = static_cast<int32_t>(as_int(c, "max.connections.per.ip"));
    c.max_incremental_fetch_session_cache_slots =
        static_cast<int32_t>(as_int(c, "max.incremental.fetch.session.cache.slots"));
    for (const auto& item : split_config_list(*c.value_of("max.connections.per.ip.overrides"))) {
        // host:count (Kafka's format); the host is an address or a name.
        auto colon = item.rfind(':');
        auto n = colon == std::string::npos ? result<int64_t>(make_error(errc::invalid_argument, ""))
                                            : parse_config_int(item.substr(colon + 1));
        if (colon == 0 || !n || *n < 0 || *n > INT32_MAX) {
            return make_error(errc::invalid_argument,
                              "max.connections.per.ip.overrides: '" + item + "' is not host:count");
        }
        c.max_connections_per_ip_overrides[item.substr(0, colon)] = static_cast<int32_t>(*n);
    }
    if (c.max_connections_per_ip == 0 && c.max_connections_per_ip_overrides.empty()) {
        return make_error(errc::invalid_argument,
                          "max.connections.per.ip: 0 needs max.connections.per.ip.overrides (no client could connect)");
    }
    c.partial_frame_timeout = std::chrono::milliseconds(as_int(c, "samsa.partial.frame.timeout.ms"));
    c.log_level = *c.value_of("samsa.log.level");
    auto endpoint = metrics::parse_metrics_listener(*c.value_of("samsa.metrics.listener"));
    if (!endpoint) return make_error(errc::invalid_argument, "samsa.metrics.listener: " + endpoint.error().message);
    c.metrics_listener = std::move(*endpoint);
    c.log_max_open_files = as_int(c, "samsa.log.max.open.files");
    c.bound_listeners_file = *c.value_of("samsa.bound.listeners.file");
    return out;
}

}  // namespace samsa::broker
