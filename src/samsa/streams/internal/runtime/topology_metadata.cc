#include "samsa/streams/internal/runtime/topology_metadata.h"

#include <algorithm>
#include <cassert>

#include "samsa/streams/state/changelog_sink.h"

namespace samsa::streams::internal {

result<topology_metadata> topology_metadata::build(const topology& t, std::string application_id,
                                                   const std::map<std::string, int>& counts,
                                                   int64_t window_changelog_additional_retention_ms) {
    const auto& b = t.internal_builder();
    topology_metadata m;
    m.application_id_ = std::move(application_id);
    m.global_topics_ = b.global_topics();
    auto decorate = [&](const std::string& topic) { return b.decorate_topic(m.application_id_, topic); };
    std::set<std::string> global_stores;
    for (const auto& [name, builder] : b.global_store_builders()) global_stores.insert(name);

    std::map<std::string, size_t> order;
    for (size_t i = 0; i < b.nodes().size(); ++i) order[b.nodes()[i].name] = i;

    for (const auto& [id, names] : b.node_groups()) {
        bool global = std::any_of(names.begin(), names.end(), [&](const auto& n) { return b.is_global_source(n); });
        if (global) continue;
        subtopology_info s;
        s.id = id;
        s.nodes = names;
        std::sort(s.nodes.begin(), s.nodes.end(), [&](const auto& x, const auto& y) { return order[x] < order[y]; });
        for (const auto& n : s.nodes) {
            const auto& f = b.node(n);
            if (f.kind == node_kind::source) {
                for (const auto& topic : f.topics) {
                    auto c = counts.find(topic);
                    if (c == counts.end()) {
                        return make_error(errc::invalid_argument, "no partition count known for topic " + topic);
                    }
                    std::string d = decorate(topic);
                    s.source_topics.insert(d);
                    m.topic_to_subtopology_[d] = id;
                    m.topic_partitions_[d] = c->second;
                    s.partitions = std::max(s.partitions, c->second);
                }
            }
            for (const auto& store : f.stores) {
                if (global_stores.count(store) || std::count(s.stores.begin(), s.stores.end(), store)) continue;
                s.stores.push_back(store);
                const auto& sb = b.stores().at(store);
                if (sb.logging_enabled()) s.changelogs[store] = changelog_topic_name(m.application_id_, store);
            }
        }
        m.subtopologies_.push_back(std::move(s));
    }
    for (const auto& [topic, fixed] : b.internal_topics()) {
        auto c = counts.find(topic);
        if (c == counts.end()) return make_error(errc::invalid_argument, "no partition count known for " + topic);
        new_topic nt;
        nt.name = decorate(topic);
        nt.partitions = c->second;
        // Kafka 3.8's RepartitionTopicConfig: kept until purged (no time
        // limit), in 50 MiB segments so that a purge frees disk soon.
        nt.configs["cleanup.policy"] = "delete";
        nt.configs["segment.bytes"] = "52428800";
        nt.configs["retention.ms"] = "-1";
        m.repartition_topics_.insert(nt.name);
        m.internal_topics_.push_back(std::move(nt));
    }
    for (const auto& s : m.subtopologies_) {
        for (const auto& [store, topic] : s.changelogs) {
            new_topic nt;
            nt.name = topic;
            nt.partitions = s.partitions;
            nt.configs["cleanup.policy"] = "compact";
            for (const auto& [k, v] : b.stores().at(store).logging_config(window_changelog_additional_retention_ms)) {
                nt.configs[k] = v;
            }
            m.internal_topics_.push_back(std::move(nt));
        }
    }
    return m;
}

const subtopology_info& topology_metadata::subtopology(int id) const {
    for (const auto& s : subtopologies_) {
        if (s.id == id) return s;
    }
    assert(false && "unknown sub-topology");
    return subtopologies_.front();
}

std::optional<int> topology_metadata::subtopology_of(const std::string& topic) const {
    auto it = topic_to_subtopology_.find(topic);
    if (it == topic_to_subtopology_.end()) return std::nullopt;
    return it->second;
}

std::set<std::string> topology_metadata::source_topics() const {
    std::set<std::string> out;
    for (const auto& [t, id] : topic_to_subtopology_) out.insert(t);
    return out;
}

std::vector<new_topic> topology_metadata::internal_topics(int replication_factor) const {
    std::vector<new_topic> out = internal_topics_;
    for (auto& t : out) t.replication_factor = replication_factor;
    return out;
}

result<std::map<task_id, std::set<topic_partition>>> topology_metadata::tasks_for(
    const std::vector<topic_partition>& assigned) const {
    std::map<task_id, std::set<topic_partition>> tasks;
    for (const auto& tp : assigned) {
        auto s = subtopology_of(tp.topic);
        if (!s) return make_error(errc::invalid_argument, "assigned a partition of an unknown topic: " + tp.to_string());
        tasks[task_id{*s, tp.partition}].insert(tp);
    }
    for (const auto& [id, tps] : tasks) {
        std::string missing;
        for (const auto& topic : subtopology(id.subtopology).source_topics) {
            if (topic_partitions_.at(topic) <= id.partition) continue;
            if (!tps.count(topic_partition{topic, id.partition})) {
                missing += (missing.empty() ? "" : ", ") + topic + "-" + std::to_string(id.partition);
            }
        }
        if (!missing.empty()) {
            return make_error(errc::invalid_argument,
                              "task " + id.to_string() + " was assigned only part of its partitions (missing " +
                                  missing +
                                  "): the group's assignor split co-partitioned topics; use "
                                  "partition.assignment.strategy=range and equal partition counts");
        }
    }
    return tasks;
}

}  // namespace samsa::streams::internal
