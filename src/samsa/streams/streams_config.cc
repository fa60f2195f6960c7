#include "samsa/streams/streams_config.h"

#include <charconv>
#include <spdlog/spdlog.h>

#include "samsa/broker/metrics/metrics_listener.h"
#include "samsa/kafka/config.h"

namespace samsa::streams {

namespace {

result<int64_t> parse_int(const std::string& name, const std::string& v, int64_t min) {
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size() || out < min) {
        return make_error(errc::invalid_argument, "Invalid value " + v + " for configuration " + name +
                                                      ": expected an integer >= " + std::to_string(min));
    }
    return out;
}

bool has_prefix(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Kafka 3.8 still accepts the deprecated names with a warning: exactly_once
// (EOS "alpha", one producer per task) and exactly_once_beta (the old name of
// v2). Both run as exactly_once_v2 here: alpha's per-task producers are not
// implemented, and v2 gives the same guarantee with one producer per thread.
result<processing_guarantee> parse_guarantee(const std::string& value) {
    if (value == "at_least_once") return processing_guarantee::at_least_once;
    if (value == "exactly_once_v2") return processing_guarantee::exactly_once_v2;
    if (value == "exactly_once" || value == "exactly_once_beta") {
        spdlog::warn("[streams] processing.guarantee={} is deprecated (and removed in Kafka 4.0); running as "
                     "exactly_once_v2: use exactly_once_v2 instead",
                     value);
        return processing_guarantee::exactly_once_v2;
    }
    return make_error(errc::invalid_argument, "Invalid value " + value +
                                                  " for configuration processing.guarantee: String must be one of: "
                                                  "at_least_once, exactly_once, exactly_once_beta, exactly_once_v2");
}

// Unprefixed settings Streams keeps for itself although librdkafka knows the
// name: bootstrap.servers is given to every client from streams_config,
// client.id names each client after the application, and group.id is the
// application.id for the main consumer and absent from the restore and
// global ones (Kafka's StreamsConfig does the same). The other settings Kafka
// forces (enable.auto.commit, and under exactly-once isolation.level,
// enable.idempotence, transactional.id) the runtime sets over the user's
// (kafka_streams.cc).
bool owned_by_streams(const std::string& name) {
    return name == "bootstrap.servers" || name == "client.id" || name == "group.id";
}

// Kafka 3.8's StreamsConfig passes every original key that a client's config
// knows (getClientPropsWithPrefix with ConsumerConfig/ProducerConfig/
// AdminClientConfig names) to that client. Here a client knows what
// librdkafka's property table gives it: '*' all three, 'C' the consumers
// (main, and through it restore and global), 'P' the producer. The admin
// client (a producer handle in librdkafka) takes only the common ones, as
// AdminClientConfig holds only the common client settings.
struct unprefixed_client_settings {
    std::map<std::string, std::string> consumer, producer, admin;

    // Whether some client takes `name`.
    bool route(const std::string& name, const std::string& value) {
        using samsa::kafka::property_scope;
        if (owned_by_streams(name)) return false;
        auto scope = samsa::kafka::librdkafka_property_scope(name);
        if (!scope) return false;
        if (*scope != property_scope::producer) consumer[name] = value;
        if (*scope != property_scope::consumer) producer[name] = value;
        if (*scope == property_scope::any_client) admin[name] = value;
        return true;
    }

    // Prefixed keys win over unprefixed ones, whatever their order in the map.
    void apply_to(streams_config& c) const {
        for (const auto& [name, value] : consumer) c.consumer.try_emplace(name, value);
        for (const auto& [name, value] : producer) c.producer.try_emplace(name, value);
        for (const auto& [name, value] : admin) c.admin.try_emplace(name, value);
    }
};

}  // namespace

result<streams_config> streams_config::parse(const std::map<std::string, std::string>& properties) {
    streams_config c;
    bool commit_interval_set = false;
    c.state_dir = std::filesystem::temp_directory_path() / "kafka-streams";
    // Longest prefixes first: "restore.consumer." before "consumer.".
    const std::pair<const char*, std::map<std::string, std::string> streams_config::*> prefixes[] = {
        {"restore.consumer.", &streams_config::restore_consumer},
        {"global.consumer.", &streams_config::global_consumer},
        {"main.consumer.", &streams_config::consumer},
        {"consumer.", &streams_config::consumer},
        {"producer.", &streams_config::producer},
        {"admin.", &streams_config::admin},
    };
    unprefixed_client_settings unprefixed;
    for (const auto& [name, value] : properties) {
        bool prefixed = false;
        for (const auto& [prefix, member] : prefixes) {
            if (has_prefix(name, prefix)) {
                (c.*member)[name.substr(std::string(prefix).size())] = value;
                prefixed = true;
                break;
            }
        }
        if (prefixed) continue;
        bool routed = unprefixed.route(name, value);
        if (name == "application.id") {
            c.application_id = value;
        } else if (name == "bootstrap.servers") {
            c.bootstrap_servers = value;
        } else if (name == "application.server") {
            // Kafka's StreamsConfig rule: host:port, both present.
            auto colon = value.rfind(':');
            bool valid = value.empty() || (colon != std::string::npos && colon > 0 && colon + 1 < value.size() &&
                                           value.find_first_not_of("0123456789", colon + 1) == std::string::npos);
            if (!valid) {
                return make_error(errc::invalid_argument,
                                  "Error parsing host:port from application.server: " + value);
            }
            c.application_server = value;
        } else if (name == "samsa.metrics.listener") {
            auto where = broker::metrics::parse_metrics_listener(value);
            if (!where) {
                return make_error(errc::invalid_argument,
                                  "Invalid value for configuration samsa.metrics.listener: " + where.error().message);
            }
            c.metrics_listener = value;
        } else if (name == "num.stream.threads") {
            auto n = parse_int(name, value, 1);
            if (!n) return n.error();
            c.num_stream_threads = static_cast<int>(*n);
        } else if (name == "commit.interval.ms") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.commit_interval = std::chrono::milliseconds(*n);
            commit_interval_set = true;
        } else if (name == "repartition.purge.interval.ms") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.repartition_purge_interval = std::chrono::milliseconds(*n);
        } else if (name == "state.dir") {
            c.state_dir = value;
        } else if (name == "processing.guarantee") {
            auto g = parse_guarantee(value);
            if (!g) return g.error();
            c.guarantee = *g;
        } else if (name == "replication.factor") {
            auto n = parse_int(name, value, -1);
            if (!n) return n.error();
            if (*n == 0) return make_error(errc::invalid_argument, "replication.factor must be -1 or at least 1");
            c.replication_factor = static_cast<int>(*n);
        } else if (name == "__emit.interval.ms.kstreams.windowed.aggregation__") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.windowed_emit_interval_ms = *n;
        } else if (name == "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.outer_join_emit_interval_ms = *n;
        } else if (name == "windowstore.changelog.additional.retention.ms") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.windowstore_changelog_additional_retention_ms = *n;
        } else if (name == "statestore.cache.max.bytes" || name == "cache.max.bytes.buffering") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.cache_max_bytes = *n;
        } else if (name == "default.deserialization.exception.handler") {
            if (auto handler = parse_deserialization_handler(value)) {
                c.on_deserialization_error = *handler;
            } else {
                return make_error(errc::invalid_argument,
                                  "Invalid value " + value +
                                      " for configuration default.deserialization.exception.handler: expected "
                                      "logAndFail or logAndContinue");
            }
        } else if (name == "default.production.exception.handler") {
            if (value == "fail" || value.ends_with("DefaultProductionExceptionHandler")) {
                c.on_production_error = production_handler_response::fail;
            } else if (value == "continue") {
                c.on_production_error = production_handler_response::continue_processing;
            } else {
                return make_error(errc::invalid_argument,
                                  "Invalid value " + value +
                                      " for configuration default.production.exception.handler: expected fail or "
                                      "continue");
            }
        } else if (name == "poll.ms") {
            auto n = parse_int(name, value, 0);
            if (!n) return n.error();
            c.poll_time = std::chrono::milliseconds(*n);
        } else if (name == "buffered.records.per.partition") {
            auto n = parse_int(name, value, 1);
            if (!n) return n.error();
            c.buffered_records_per_partition = static_cast<size_t>(*n);
        } else if (name == "default.timestamp.extractor") {
            c.default_timestamp_extractor = timestamp_extractor_by_name(value);
            if (!c.default_timestamp_extractor) {
                return make_error(errc::invalid_argument,
                                  "Invalid value " + value +
                                      " for configuration default.timestamp.extractor: expected one of "
                                      "FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, "
                                      "UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor (set "
                                      "streams_config::default_timestamp_extractor for your own)");
            }
        } else if (name == "max.task.idle.ms") {
            auto n = parse_int(name, value, -1);
            if (!n) return n.error();
            c.max_task_idle_ms = *n;
        } else if (name == "metrics.recording.level") {
            auto level = parse_recording_level(value);
            if (!level) {
                return make_error(errc::invalid_argument, "Invalid value " + value +
                                                              " for configuration metrics.recording.level: String "
                                                              "must be one of: INFO, DEBUG, TRACE");
            }
            c.metrics_recording_level = *level;
        } else if (name == "request.timeout.ms") {
            auto n = parse_int(name, value, 1);
            if (!n) return n.error();
            c.request_timeout = std::chrono::milliseconds(*n);
        } else if (!routed) {
            spdlog::warn("[streams] unknown configuration '{}' ignored", name);
        }
    }
    unprefixed.apply_to(c);
    // Kafka's default under exactly-once: a transaction per 100 ms keeps
    // output latency low (read_committed readers wait for the commit).
    if (c.guarantee == processing_guarantee::exactly_once_v2 && !commit_interval_set) {
        c.commit_interval = std::chrono::milliseconds(100);
    }
    if (c.application_id.empty()) {
        return make_error(errc::invalid_argument, "Missing required configuration application.id");
    }
    if (c.bootstrap_servers.empty()) {
        return make_error(errc::invalid_argument, "Missing required configuration bootstrap.servers");
    }
    return c;
}

}  // namespace samsa::streams
