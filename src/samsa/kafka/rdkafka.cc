#include "samsa/kafka/rdkafka.h"

#include <algorithm>

#include <fmt/format.h>

namespace samsa::kafka {

errc to_errc(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: return errc::timed_out;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return errc::already_exists;
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND: return errc::not_found;
        case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
        case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE: return errc::unsupported;
        case RD_KAFKA_RESP_ERR__DESTROY: return errc::closed;
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE: return errc::too_large;
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR__INVALID_ARG: return errc::invalid_argument;
        default: return errc::io_error;
    }
}

namespace {

// Kafka's RetriableException codes among those our callers meet with a bare
// code (an rd_kafka_error_t says so itself).
bool is_retriable_code(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR__TRANSPORT:
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:  // Kafka's TimeoutException
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
        case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
        case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
        case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
        case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
        case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION: return true;
        default: return false;
    }
}

}  // namespace

client_error to_error(rd_kafka_resp_err_t err, std::string_view context) {
    client_error e;
    e.code = to_errc(err);
    e.message = fmt::format("{}: {} ({})", context, rd_kafka_err2str(err), rd_kafka_err2name(err));
    e.kafka_code = static_cast<int32_t>(err);
    e.retriable = is_retriable_code(err);
    e.fatal = err == RD_KAFKA_RESP_ERR__FATAL;
    return e;
}

client_error to_error(const rd_kafka_error_t* err, std::string_view context) {
    client_error e = to_error(rd_kafka_error_code(err), context);
    const char* text = rd_kafka_error_string(err);
    if (text != nullptr && *text != '\0') e.message = fmt::format("{}: {} ({})", context, text, rd_kafka_error_name(err));
    e.retriable = rd_kafka_error_is_retriable(err) != 0;
    e.fatal = rd_kafka_error_is_fatal(err) != 0;
    e.txn_requires_abort = rd_kafka_error_txn_requires_abort(err) != 0;
    return e;
}

client_error take_error(rd_kafka_error_t* err, std::string_view context) {
    client_error e = to_error(err, context);
    rd_kafka_error_destroy(err);
    return e;
}

bool is_unreachable(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
           err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__RESOLVE ||
           err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE;
}

std::vector<topic_partition> to_partitions(const rd_kafka_topic_partition_list_t* list) {
    std::vector<topic_partition> out;
    if (list == nullptr) return out;
    for (int i = 0; i < list->cnt; ++i) out.push_back(topic_partition{list->elems[i].topic, list->elems[i].partition});
    return out;
}

partition_list_ptr to_list(const std::vector<topic_partition>& partitions) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& tp : partitions) rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    return list;
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

namespace {

// librdkafka's threads.
void log_callback(const rd_kafka_t* rk, int level, const char* facility, const char* line) {
    auto* state = static_cast<client_state*>(rd_kafka_opaque(rk));
    if (state != nullptr && state->hooks.on_log) state->hooks.on_log(level, facility, line);
}

// The owner's thread, from rd_kafka_poll / consumer_poll.
void error_callback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* state = static_cast<client_state*>(opaque);
    if (state == nullptr || !state->hooks.on_error) return;
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    client_error e = to_error(code, "client");
    e.message = reason;
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        // The underlying error, which _FATAL only points at.
        char text[512];
        e.kafka_code = static_cast<int32_t>(rd_kafka_fatal_error(rk, text, sizeof text));
        e.message = fmt::format("fatal client error: {}", text);
        e.fatal = true;
        e.retriable = false;
    }
    state->hooks.on_error(e);
}

// The owner's thread, from rd_kafka_poll / flush.
void delivery_callback(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
    auto* state = static_cast<client_state*>(opaque);
    if (state != nullptr && state->on_message) state->on_message(rk, *m);
}

}  // namespace

result<handle_ptr> make_client(client_type type, const property_list& config, std::shared_ptr<client_state> state) {
    auto made = make_conf(config);
    if (!made) return made.error();
    conf_ptr conf = std::move(*made);
    rd_kafka_conf_set_opaque(conf.get(), state.get());
    // Without hooks librdkafka keeps its defaults (log lines on stderr,
    // client errors logged).
    if (state->hooks.on_log) rd_kafka_conf_set_log_cb(conf.get(), log_callback);
    if (state->hooks.on_error) rd_kafka_conf_set_error_cb(conf.get(), error_callback);
    if (state->on_message) rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_callback);
    auto rk = make_client(type, std::move(conf));
    if (!rk) return rk.error();
    rk->get_deleter().bound = state->hooks.destroy_bound;
    rk->get_deleter().keep_alive = std::move(state);
    return std::move(*rk);
}

}  // namespace samsa::kafka
