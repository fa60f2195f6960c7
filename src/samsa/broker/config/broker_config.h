#pragma once
// broker_config: the broker's settings, read as Kafka reads server.properties
// (same key names, same defaults except where noted), then `--override
// key=value` on top, then checked. Every known key is in one table
// (broker_config_defs) so DescribeConfigs on the broker resource can list them
// with their source (STATIC_BROKER_CONFIG when set, DEFAULT_CONFIG otherwise).
//
// Differences from Kafka's defaults, on purpose:
//   listeners  PLAINTEXT://127.0.0.1:9092 (Kafka: PLAINTEXT://:9092)
//   node.id    1 (Kafka requires it in KRaft mode); broker.id is a synonym
//   log.dir    ./samsa-data (Kafka: /tmp/kafka-logs)
//   queued.max.request.bytes  256 MiB, or socket.request.max.bytes if larger
//              (Kafka: -1, unbounded)
//
// Thread: built once on the main thread before the I/O thread starts, then
// read-only.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/broker/config/config_def.h"
#include "samsa/broker/config/listener.h"
#include "samsa/broker/config/properties.h"
#include "samsa/broker/metrics/metrics_listener.h"

namespace samsa::broker {

// Every broker key we know, in Kafka's spelling.
std::span<const config_def> broker_config_defs();
const config_def* find_broker_config_def(std::string_view name);

struct broker_config {
    std::vector<listener> listeners;
    std::vector<listener> advertised_listeners;
    samsa::node_id node{1};
    std::vector<std::string> log_dirs;
    int32_t num_partitions = 1;
    bool auto_create_topics_enable = true;
    int32_t message_max_bytes = 1048588;
    int32_t socket_request_max_bytes = 104857600;
    int32_t log_segment_bytes = 1073741824;
    int64_t log_roll_ms = 168LL * 3600 * 1000;
    int64_t log_flush_interval_messages = std::numeric_limits<int64_t>::max();
    std::optional<int64_t> log_flush_interval_ms;
    int16_t default_replication_factor = 1;
    int64_t log_retention_ms = 168LL * 3600 * 1000;  // -1: forever
    int64_t log_retention_bytes = -1;
    std::string log_cleanup_policy = "delete";
    std::chrono::milliseconds connections_max_idle{600000};
    // queued.max.request.bytes: bytes of requests read and not yet answered,
    // broker-wide (<= 0: unbounded, Kafka's -1). Default: see below.
    int64_t queued_max_request_bytes = default_queued_max_request_bytes;
    static constexpr int64_t default_queued_max_request_bytes = 256LL << 20;
    int32_t max_connections = INT32_MAX;         // max.connections
    int32_t max_connections_per_ip = INT32_MAX;  // max.connections.per.ip
    int32_t max_incremental_fetch_session_cache_slots = 1000;  // fetch sessions (KIP-227)
    std::map<std::string, int32_t> max_connections_per_ip_overrides;
    // Samsa's own: a client that starts a frame and stalls is closed after
    // this long (Kafka relies on the idle timeout alone).
    std::chrono::milliseconds partial_frame_timeout{30000};
    std::string log_level = "info";
    // Samsa's own (samsa.durable.acks): Produce acks=all waits for an fsync
    // covering its batches (broker/producer/durable_acks.h). Off by default.
    bool durable_acks = false;
    // Samsa's own (samsa.metrics.listener): where GET /metrics answers; nullopt: off.
    std::optional<metrics::metrics_listener> metrics_listener;
    // Samsa's own (samsa.log.max.open.files): segment `.log` files held open
    // at once (storage/fd_cache.h); 0: half the open-file limit.
    int64_t log_max_open_files = 0;
    // Samsa's own (samsa.bound.listeners.file): where start-up writes the
    // bound listeners (broker_app.h), for whoever started the broker on
    // port 0; empty: nowhere.
    std::string bound_listeners_file;

    // Values as given (file, then overrides), keyed by their Kafka name.
    std::map<std::string, std::string> explicit_values;

    // The value a key has: explicit, else its default, else nullopt.
    std::optional<std::string> value_of(std::string_view key) const;
    // A key's value for one listener: listener.name.<name>.<key> (name
    // lower-cased, as Kafka spells it) when set, else the key's own value.
    std::optional<std::string> listener_value(std::string_view listener_name, std::string_view key) const;
    // A key's value as an integer; `fallback` when it has none or is not one.
    int64_t int_value_or(std::string_view key, int64_t fallback) const;
    bool is_explicit(std::string_view key) const { return explicit_values.contains(std::string(key)); }
    // The first log dir: where meta.properties and the topic table live.
    const std::string& primary_log_dir() const { return log_dirs.front(); }
};

struct loaded_config {
    broker_config config;
    std::vector<std::string> warnings;  // unknown keys, ignored keys
};

// Applies `overrides` ("key=value") over `file` and checks every value. The
// error message is one line naming the key, e.g.
// "num.partitions: 'abc' is not an integer".
result<loaded_config> load_broker_config(const properties& file, const std::vector<std::string>& overrides);

}  // namespace samsa::broker
