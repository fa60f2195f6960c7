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

result<std::vector<group_member_info>> rdkafka_admin::describe_group(const std::string& group,
                                                                     std::chrono::milliseconds timeout) {
    char errstr[512];
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof(errstr));
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_.get());
    const char* ids[] = {group.c_str()};
    rd_kafka_DescribeConsumerGroups(rk_.get(), ids, 1, options, queue);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000);
    result<std::vector<group_member_info>> out = std::vector<group_member_info>{};
    if (ev == nullptr) {
        out = make_error(errc::timed_out, "DescribeConsumerGroups: no answer in time");
    } else if (rd_kafka_event_error(ev)) {
        out = to_error(rd_kafka_event_error(ev), std::string("DescribeConsumerGroups: ") + rd_kafka_event_error_string(ev));
    } else {
        size_t n = 0;
        const rd_kafka_ConsumerGroupDescription_t** groups =
            rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
        if (n == 1 && rd_kafka_ConsumerGroupDescription_error(groups[0]) != nullptr) {
            const rd_kafka_error_t* e = rd_kafka_ConsumerGroupDescription_error(groups[0]);
            out = make_error(to_errc(rd_kafka_error_code(e)),
                             std::string("DescribeConsumerGroups: ") + rd_kafka_error_string(e));
        } else if (n == 1) {
            for (size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(groups[0]); ++i) {
                const rd_kafka_MemberDescription_t* m =
                    rd_kafka_ConsumerGroupDescription_member(groups[0], static_cast<int>(i));
                group_member_info member;
                if (const char* id = rd_kafka_MemberDescription_client_id(m)) member.client_id = id;
                const rd_kafka_MemberAssignment_t* a = rd_kafka_MemberDescription_assignment(m);
                const rd_kafka_topic_partition_list_t* parts = a ? rd_kafka_MemberAssignment_partitions(a) : nullptr;
                for (int p = 0; parts && p < parts->cnt; ++p) {
                    member.assignment.push_back({parts->elems[p].topic, parts->elems[p].partition});
                }
                out->push_back(std::move(member));
            }
        }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(options);
    return out;
}

}  // namespace samsa::streams::internal::kafka
