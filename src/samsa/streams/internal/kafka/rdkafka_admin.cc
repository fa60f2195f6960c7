#include "samsa/streams/internal/kafka/rdkafka_admin.h"

#include <memory>

namespace samsa::streams::internal::kafka {

result<std::unique_ptr<admin_client>> rdkafka_admin::create(const client_config& config) {
    auto conf = make_conf(config);
    if (!conf) return conf.error();
    std::unique_ptr<rdkafka_admin> a(new rdkafka_admin());
    auto rk = make_client(RD_KAFKA_PRODUCER, std::move(*conf));
    if (!rk) return rk.error();
    a->rk_ = std::move(*rk);
    return std::unique_ptr<admin_client>(std::move(a));
}

result<std::map<std::string, int>> rdkafka_admin::partition_counts(const std::set<std::string>& topics,
                                                                  std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    // All topics: asking for one unknown topic by handle could create it
    // where auto.create.topics.enable is on.
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 1, nullptr, &md, static_cast<int>(timeout.count()));
    if (err) return to_error(err, "metadata from the broker");
    std::map<std::string, int> out;
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        if (t.err || !topics.count(t.topic)) continue;
        out[t.topic] = t.partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    return out;
}

status rdkafka_admin::create_topics(const std::vector<new_topic>& topics, std::chrono::milliseconds timeout) {
    if (topics.empty()) return ok();
    char errstr[512];
    std::vector<rd_kafka_NewTopic_t*> requests;
    auto destroy = [&] {
        for (auto* r : requests) rd_kafka_NewTopic_destroy(r);
    };
    for (const auto& t : topics) {
        rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor, errstr,
                                                        sizeof(errstr));
        if (nt == nullptr) {
            destroy();
            return make_error(errc::invalid_argument, "topic " + t.name + ": " + errstr);
        }
        requests.push_back(nt);
        for (const auto& [k, v] : t.config) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    }
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof(errstr));
    rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof(errstr));
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_.get());
    rd_kafka_CreateTopics(rk_.get(), requests.data(), requests.size(), options, queue);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000);
    status out = ok();
    if (ev == nullptr) {
        out = make_error(errc::timed_out, "CreateTopics: no answer in time");
    } else if (rd_kafka_event_error(ev)) {
        out = to_error(rd_kafka_event_error(ev), std::string("CreateTopics: ") + rd_kafka_event_error_string(ev));
    } else {
        size_t n = 0;
        const rd_kafka_topic_result_t** results =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        for (size_t i = 0; i < n && out; ++i) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
            if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
            const char* msg = rd_kafka_topic_result_error_string(results[i]);
            out = make_error(to_errc(e), std::string("CreateTopics ") + rd_kafka_topic_result_name(results[i]) + ": " +
                                             rd_kafka_err2str(e) + (msg ? std::string(" (") + msg + ")" : ""));
        }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(options);
    destroy();
    return out;
}

}  // namespace samsa::streams::internal::kafka
