#include "samsa/cli/console/cluster.h"

#include <chrono>

#include <fmt/format.h>

#include "samsa/cli/kafka/admin.h"
#include "samsa/cli/kafka/consumer.h"

namespace samsa::cli::console {

namespace {

// Beyond this many partitions in the whole cluster, the topic list skips the
// per-partition ListOffsets round trips (one per partition in librdkafka 2.0).
constexpr size_t max_partitions_for_counts = 500;
// The record browser stops reading after this long even if the page is not full.
constexpr auto record_read_budget = std::chrono::seconds(5);

result<kafka::topic_info> find_topic(kafka::admin& admin, const std::string& name) {
    auto md = admin.metadata(name);
    if (!md) return md.error();
    if (md->topics.empty() || !md->topics[0].error.empty() || md->topics[0].partitions.empty()) {
        return make_error(errc::not_found, fmt::format("topic '{}' does not exist", name));
    }
    return md->topics[0];
}

// A request that timed out means the cluster is not answering: every further
// request of the same view would wait the whole timeout too, so the view stops.
bool cluster_silent(const error& e) { return e.code == errc::timed_out; }

}  // namespace

cluster::cluster(kafka::client_config config) : config_(std::move(config)) {}
cluster::~cluster() = default;

result<kafka::admin*> cluster::admin_locked() {
    if (!admin_) {
        auto a = kafka::connect_admin(config_);
        if (!a) return a.error();
        admin_ = std::move(*a);
    }
    return admin_.get();
}

result<json> cluster::overview() {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto md = (*admin)->metadata();
    if (!md) return md.error();
    return cluster_json(config_.bootstrap, *md);
}

result<json> cluster::broker_configs(int32_t broker) {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto md = (*admin)->metadata();
    if (!md) return md.error();
    bool known = std::any_of(md->brokers.begin(), md->brokers.end(), [&](const auto& b) { return b.id() == broker; });
    if (!known) return make_error(errc::not_found, fmt::format("broker {} is not in the cluster", broker));
    auto configs = (*admin)->describe_configs(kafka::config_resource_type::broker, std::to_string(broker));
    if (!configs) return configs.error();
    return json{{"broker", broker}, {"configs", configs_json(*configs)}};
}

result<json> cluster::topics() {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto md = (*admin)->metadata();
    if (!md) return md.error();
    size_t partitions = 0;
    for (const auto& t : md->topics) partitions += t.partitions.size();
    std::vector<std::optional<int64_t>> counts(md->topics.size());
    if (partitions <= max_partitions_for_counts) {
        for (size_t i = 0; i < md->topics.size(); ++i) {
            int64_t sum = 0;
            bool known = true;
            for (const auto& p : md->topics[i].partitions) {
                auto marks = (*admin)->list_offsets(kafka::topic_partition{md->topics[i].name, p.id()});
                if (!marks && cluster_silent(marks.error())) return marks.error();
                if (!marks) { known = false; break; }
                sum += marks->high() - marks->low();
            }
            if (known) counts[i] = sum;
        }
    }
    return topic_list_json(*md, counts);
}

result<json> cluster::topic(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto info = find_topic(**admin, name);
    if (!info) return info.error();
    std::vector<partition_offsets> partitions;
    for (const auto& p : info->partitions) {
        auto marks = (*admin)->list_offsets(kafka::topic_partition{name, p.id()});
        if (!marks && cluster_silent(marks.error())) return marks.error();
        partitions.push_back({p, marks ? *marks : kafka::watermarks{}});
    }
    auto configs = (*admin)->describe_configs(kafka::config_resource_type::topic, name);
    if (!configs) return configs.error();
    return topic_json(name, partitions, *configs);
}

result<cluster::read_plan> cluster::plan_read(const std::string& topic, const record_query& query) {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto info = find_topic(**admin, topic);
    if (!info) return info.error();
    if (query.partition >= static_cast<int32_t>(info->partitions.size())) {
        return make_error(errc::not_found, fmt::format("topic '{}' has no partition {} (it has {})", topic,
                                                       query.partition, info->partitions.size()));
    }
    kafka::topic_partition tp{topic, query.partition};
    auto marks = (*admin)->list_offsets(tp);
    if (!marks) return marks.error();
    read_plan plan{tp, *marks, marks->low()};
    if (query.offset) {
        if (*query.offset > marks->high()) {
            return make_error(errc::out_of_range, fmt::format("offset {} is past the end of {}-{} (end offset {})",
                                                              *query.offset, topic, query.partition, marks->high()));
        }
        plan.from = std::max(*query.offset, marks->low());  // below the start: from the start
    } else if (query.timestamp_ms) {
        auto o = (*admin)->list_offsets(tp, *query.timestamp_ms);
        if (!o) return o.error();
        plan.from = (*o)() < 0 ? marks->high() : (*o)();  // -1: nothing that late
    }
    return plan;
}

result<std::vector<kafka::record>> cluster::read(const read_plan& plan, int limit) {
    std::vector<kafka::record> rows;
    if (plan.from >= plan.marks.high()) return rows;
    kafka::consumer_options options{plan.tp.topic, {plan.tp.partition}, {kafka::start_position::kind::offset, plan.from}, {}};
    auto consumer = kafka::consumer::open(config_, options);
    if (!consumer) return consumer.error();
    auto deadline = std::chrono::steady_clock::now() + record_read_budget;
    while (static_cast<int>(rows.size()) < limit && std::chrono::steady_clock::now() < deadline) {
        auto r = (*consumer)->poll(std::chrono::milliseconds(200));
        if (!r) return r.error();
        if (!*r) continue;
        rows.push_back(std::move(**r));
        if (rows.back().offset() + 1 >= plan.marks.high()) break;
    }
    (void)(*consumer)->close();
    return rows;
}

result<json> cluster::records(const std::string& topic, const record_query& query) {
    auto plan = plan_read(topic, query);
    if (!plan) return plan.error();
    auto rows = read(*plan, query.limit);
    if (!rows) return rows.error();
    return records_json(plan->tp, plan->marks, plan->from, *rows);
}

result<json> cluster::groups() {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto groups = (*admin)->list_groups();
    if (!groups) return groups.error();
    return group_list_json(*groups);
}

result<std::vector<partition_lag>> cluster::group_offsets_locked(kafka::admin& admin,
                                                                 const kafka::group_description& group) {
    auto committed = admin.offset_fetch(group.group_id);
    if (!committed) return committed.error();
    auto rows = join_offsets(group, *committed);
    for (auto& row : rows) {
        auto marks = admin.list_offsets(row.tp);
        if (!marks && cluster_silent(marks.error())) return marks.error();
        if (marks) row.log_end = marks->high;  // a deleted topic: committed offsets without a log end
    }
    return rows;
}

result<json> cluster::group(const std::string& group_id) {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto description = (*admin)->describe_group(group_id);
    if (!description) return description.error();
    auto rows = group_offsets_locked(**admin, *description);
    if (!rows) return rows.error();
    // Kafka answers DescribeGroups for an unknown id with state Dead, not an error.
    if (description->state == "Dead" && description->members.empty() && rows->empty()) {
        return make_error(errc::not_found, fmt::format("consumer group '{}' does not exist", group_id));
    }
    return group_json(*description, *rows);
}

result<std::vector<group_lag>> cluster::group_lags() {
    std::lock_guard lock(mutex_);
    auto admin = admin_locked();
    if (!admin) return admin.error();
    auto groups = (*admin)->list_groups();
    if (!groups) return groups.error();
    std::vector<group_lag> out;
    for (const auto& g : *groups) {
        auto description = (*admin)->describe_group(g.group_id);
        if (!description && cluster_silent(description.error())) return description.error();
        if (!description) continue;  // the group went away meanwhile
        auto rows = group_offsets_locked(**admin, *description);
        if (!rows && cluster_silent(rows.error())) return rows.error();
        if (!rows) continue;
        group_lag lag{g.group_id, total_lag(*rows), {}};
        for (const auto& row : *rows) {
            if (auto l = row.lag()) lag.partitions.emplace_back(fmt::format("{}-{}", row.tp.topic, row.tp.partition), *l);
        }
        out.push_back(std::move(lag));
    }
    return out;
}

}  // namespace samsa::cli::console
