#include "samsa/cli/kafka/handle.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "samsa/cli/kafka/bootstrap_probe.h"

namespace samsa::cli::kafka {

void handle_state::note(std::string line) {
    // librdkafka prefixes its lines with "[thrd:...]: "; the rest is the message.
    if (line.rfind("[thrd:", 0) == 0) {
        if (auto end = line.find("]: "); end != std::string::npos) line.erase(0, end + 3);
    }
    std::lock_guard lock(mutex_);
    last_ = std::move(line);
}

std::string handle_state::last_complaint() const {
    std::lock_guard lock(mutex_);
    return last_;
}

void destroy_bounded(rd_kafka_t* rk) {
    // Shared with the destroying thread, which may outlive this call.
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    std::thread([rk, done] {
        rd_kafka_destroy(rk);
        done->set_value();
    }).detach();
    (void)finished.wait_for(std::chrono::seconds(2));
}

namespace {

// Called on librdkafka's threads.
void log_callback(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* state = static_cast<handle_state*>(rd_kafka_opaque(rk));
    if (state == nullptr) return;
    if (level <= 4) state->note(buf);  // warning or worse: worth quoting in a failure message
    if (state->verbose()) std::fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
}

// Called from rd_kafka_poll / consumer_poll on the command's thread.
void error_callback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* state = static_cast<handle_state*>(opaque);
    if (state == nullptr) return;
    state->note(reason);
    if (state->verbose()) std::fprintf(stderr, "rdkafka error %s: %s\n", rd_kafka_err2name(rd_kafka_resp_err_t(err)), reason);
}

}  // namespace

result<handle_ptr> make_handle(rd_kafka_type_t type, const client_config& config,
                               const std::vector<std::pair<std::string, std::string>>& defaults,
                               handle_state& state, void (*customize)(rd_kafka_conf_t*)) {
    // A port that refuses outright is reported in seconds, not after --timeout.
    if (auto reachable = wait_until_not_refused(config.bootstrap, config.timeout, config.refused_grace); !reachable) {
        return reachable.error();
    }
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    auto set = [&](const std::string& key, const std::string& value) -> status {
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            return make_error(errc::invalid_argument, fmt::format("client property {}={}: {}", key, value, errstr));
        }
        return ok();
    };
    std::vector<std::pair<std::string, std::string>> all = {
        {"bootstrap.servers", config.bootstrap},
        {"client.id", "samsa-cli"},
        // Requests are bounded by --timeout; socket and metadata timeouts follow it
        // so that no single wait outlives the command's own deadline.
        {"socket.timeout.ms", std::to_string(std::max<int64_t>(config.timeout.count(), 10))},
        {"log.connection.close", "false"},
    };
    all.insert(all.end(), defaults.begin(), defaults.end());
    all.insert(all.end(), config.properties.begin(), config.properties.end());
    for (const auto& [key, value] : all) {
        if (auto s = set(key, value); !s) {
            rd_kafka_conf_destroy(conf);
            return s.error();
        }
    }
    rd_kafka_conf_set_opaque(conf, &state);
    rd_kafka_conf_set_log_cb(conf, log_callback);
    rd_kafka_conf_set_error_cb(conf, error_callback);
    if (customize != nullptr) customize(conf);
    rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (rk == nullptr) {
        rd_kafka_conf_destroy(conf);  // rd_kafka_new only takes ownership on success
        return make_error(errc::invalid_argument, fmt::format("cannot create a Kafka client: {}", errstr));
    }
    return handle_ptr(rk);
}

error to_error(rd_kafka_resp_err_t err, std::string_view context) {
    errc code = errc::io_error;
    switch (err) {
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: code = errc::timed_out; break;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: code = errc::already_exists; break;
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS: code = errc::invalid_argument; break;
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND: code = errc::not_found; break;
        case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
        case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE: code = errc::unsupported; break;
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR__INVALID_ARG: code = errc::invalid_argument; break;
        default: break;
    }
    return make_error(code, fmt::format("{}: {} ({})", context, rd_kafka_err2str(err), rd_kafka_err2name(err)));
}

error to_error(const rd_kafka_error_t* err, std::string_view context) {
    auto e = to_error(rd_kafka_error_code(err), context);
    const char* text = rd_kafka_error_string(err);
    if (text != nullptr && *text != '\0') {
        e.message = fmt::format("{}: {} ({})", context, text, rd_kafka_error_name(err));
    }
    return e;
}

bool is_unreachable(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
           err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__RESOLVE ||
           err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE;
}

error unreachable_error(const client_config& config, const handle_state& state) {
    std::string why = state.last_complaint();
    return make_error(errc::timed_out,
                      fmt::format("cannot reach a Kafka broker at {} within {} ms{}{}", config.bootstrap,
                                  config.timeout.count(), why.empty() ? "" : ": ", why));
}

result<const rd_kafka_metadata_t*> fetch_metadata(rd_kafka_t* rk, const client_config& config,
                                                  const handle_state& state, bool all_topics,
                                                  rd_kafka_topic_t* only_topic) {
    const rd_kafka_metadata_t* md = nullptr;
    auto err = rd_kafka_metadata(rk, all_topics ? 1 : 0, only_topic, &md, static_cast<int>(config.timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (is_unreachable(err)) return unreachable_error(config, state);
        return to_error(err, "metadata request failed");
    }
    return md;
}

cluster_metadata to_cluster_metadata(const rd_kafka_metadata_t& md) {
    cluster_metadata out;
    for (int i = 0; i < md.broker_cnt; ++i) {
        out.brokers.push_back({node_id(md.brokers[i].id), md.brokers[i].host, md.brokers[i].port});
    }
    for (int i = 0; i < md.topic_cnt; ++i) {
        const auto& t = md.topics[i];
        topic_info topic{t.topic, {}, t.err ? rd_kafka_err2str(t.err) : ""};
        for (int p = 0; p < t.partition_cnt; ++p) {
            const auto& mp = t.partitions[p];
            partition_info info{partition_id(mp.id), node_id(mp.leader), {}, {}, mp.err ? rd_kafka_err2str(mp.err) : ""};
            info.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
            info.isr.assign(mp.isrs, mp.isrs + mp.isr_cnt);
            topic.partitions.push_back(std::move(info));
        }
        std::sort(topic.partitions.begin(), topic.partitions.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        out.topics.push_back(std::move(topic));
    }
    std::sort(out.brokers.begin(), out.brokers.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    std::sort(out.topics.begin(), out.topics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

}  // namespace samsa::cli::kafka
