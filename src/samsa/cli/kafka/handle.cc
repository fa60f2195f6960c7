#include "samsa/cli/kafka/handle.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

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

result<samsa::kafka::property_list> client_properties(const client_config& config,
                                                      const samsa::kafka::property_list& defaults) {
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
    return all;
}

samsa::kafka::client_hooks client_hooks(std::shared_ptr<handle_state> state) {
    samsa::kafka::client_hooks hooks;
    // librdkafka's threads.
    hooks.on_log = [state](int level, std::string_view facility, std::string_view line) {
        if (level <= 4) state->note(std::string(line));  // warning or worse: worth quoting in a failure message
        if (state->verbose()) std::fprintf(stderr, "rdkafka %d %.*s: %.*s\n", level, static_cast<int>(facility.size()),
                                           facility.data(), static_cast<int>(line.size()), line.data());
    };
    // The command's thread (poll, flush).
    hooks.on_error = [state](const samsa::kafka::client_error& e) {
        state->note(e.message);
        if (state->verbose()) {
            std::fprintf(stderr, "rdkafka error %s: %s\n", rd_kafka_err2name(rd_kafka_resp_err_t(e.kafka_code)),
                         e.message.c_str());
        }
    };
    hooks.destroy_bound = destroy_bound;
    return hooks;
}

result<handle_ptr> make_handle(const client_config& config, std::shared_ptr<handle_state> state) {
    auto properties = client_properties(config, {});
    if (!properties) return properties.error();
    auto client = std::make_shared<samsa::kafka::client_state>();
    client->hooks = client_hooks(std::move(state));
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::producer, *properties, std::move(client));
    if (!rk) return rk.error();
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

result<std::vector<int32_t>> topic_partitions(rd_kafka_t* rk, const client_config& config, const handle_state& state,
                                              const std::string& topic) {
    auto probe = fetch_metadata(rk, config, state, false);
    if (!probe) return probe.error();
    rd_kafka_metadata_destroy(*probe);
    auto deadline = std::chrono::steady_clock::now() + config.timeout;
    samsa::kafka::topic_ptr rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    for (;;) {
        auto md = fetch_metadata(rk, config, state, false, rkt.get());
        if (!md) return md.error();
        auto cm = to_cluster_metadata(**md);
        rd_kafka_resp_err_t err = (*md)->topic_cnt == 1 ? (*md)->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        rd_kafka_metadata_destroy(*md);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && !cm.topics.empty() && !cm.topics[0].partitions.empty()) {
            std::vector<int32_t> ids;
            for (const auto& p : cm.topics[0].partitions) ids.push_back(p.id());
            return ids;
        }
        bool retriable = err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NO_ERROR;
        if (!retriable || std::chrono::steady_clock::now() >= deadline) {
            if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
                return make_error(errc::not_found, fmt::format("topic '{}' does not exist", topic));
            }
            return to_error(err, fmt::format("topic '{}'", topic));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace samsa::cli::kafka
