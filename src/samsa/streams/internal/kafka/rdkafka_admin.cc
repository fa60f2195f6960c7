#include "samsa/streams/internal/kafka/rdkafka_admin.h"

#include <spdlog/spdlog.h>

#include "samsa/kafka/config.h"

namespace samsa::streams::internal::kafka {

result<std::unique_ptr<admin_client>> rdkafka_admin::create(const client_config& config) {
    auto conf = samsa::kafka::make_conf(config);
    if (!conf) return conf.error();
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::producer, std::move(*conf));
    if (!rk) return rk.error();
    auto admin = std::make_unique<samsa::kafka::admin>(std::move(*rk), samsa::kafka::admin_config{});
    return std::unique_ptr<admin_client>(new rdkafka_admin(std::move(admin)));
}

result<std::map<std::string, int>> rdkafka_admin::partition_counts(const std::set<std::string>& topics,
                                                                  std::chrono::milliseconds timeout) {
    admin_->set_timeout(timeout);
    // All topics (admin::metadata always asks for all): asking for one unknown
    // topic by name could create it where auto.create.topics.enable is on.
    auto md = admin_->metadata();
    if (!md) return md.error();
    std::map<std::string, int> out;
    for (const auto& t : md->topics) {
        if (!t.error.empty() || !topics.count(t.name)) continue;
        out[t.name] = static_cast<int>(t.partitions.size());
    }
    return out;
}

status rdkafka_admin::create_topics(const std::vector<new_topic>& topics, std::chrono::milliseconds timeout) {
    admin_->set_timeout(timeout);
    for (auto& [name, s] : admin_->create_topics(topics)) {
        if (!s && s.error().code != errc::already_exists) return s.error();
    }
    return ok();
}

result<std::vector<group_member_info>> rdkafka_admin::describe_group(const std::string& group,
                                                                     std::chrono::milliseconds timeout) {
    admin_->set_timeout(timeout);
    auto groups = admin_->describe_groups({group});
    if (!groups) return groups.error();
    std::vector<group_member_info> out;
    if (groups->size() != 1) return out;
    for (auto& m : groups->front().members) out.push_back(group_member_info{m.client_id, std::move(m.assignment)});
    return out;
}

bool rdkafka_admin::purge_records(const std::map<topic_partition, samsa::offset>& before) {
    std::lock_guard lock(purge_mutex_);
    // As Kafka's TaskManager: the last request's failure is only logged
    // (debug) before the next one is sent.
    if (auto answer = admin_->delete_records_answer(); answer && !*answer) {
        spdlog::debug("[streams] the last purge of repartition topics failed: {}; sending a new one",
                      answer->error().message);
    }
    std::vector<std::pair<topic_partition, samsa::offset>> list(before.begin(), before.end());
    return admin_->send_delete_records(list);
}

}  // namespace samsa::streams::internal::kafka
