#include "samsa/cli/kafka/handle.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "samsa/cli/kafka/bootstrap_probe.h"
#include "samsa/kafka/config.h"

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
    samsa::kafka::property_list all = {
        {"bootstrap.servers", config.bootstrap},
        {"client.id", "samsa-cli"},
        // Requests are bounded by --timeout; socket and metadata timeouts follow it
        // so that no single wait outlives the command's own deadline.
        {"socket.timeout.ms", std::to_string(std::max<int64_t>(config.timeout.count(), 10))},
        {"log.connection.close", "false"},
    };
    all.insert(all.end(), defaults.begin(), defaults.end());
    all.insert(all.end(), config.properties.begin(), config.properties.end());
    auto made = samsa::kafka::make_conf(all);
    if (!made) return made.error();
    rd_kafka_conf_t* conf = made->get();
    rd_kafka_conf_set_opaque(conf, &state);
    rd_kafka_conf_set_log_cb(conf, log_callback);
    rd_kafka_conf_set_error_cb(conf, error_callback);
    if (customize != nullptr) customize(conf);
    auto rk = samsa::kafka::make_client(type == RD_KAFKA_PRODUCER ? samsa::kafka::client_type::producer
                                                                  : samsa::kafka::client_type::consumer,
                                        std::move(*made));
    if (!rk) return rk.error();
    rk->get_deleter().bound = destroy_bound;
    return std::move(*rk);
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

}  // namespace samsa::cli::kafka
