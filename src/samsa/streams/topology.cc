#include "samsa/streams/topology.h"

#include <algorithm>

#include "samsa/streams/state/changelog_sink.h"

namespace samsa::streams {

topology::topology() : builder_(std::make_unique<internal::internal_topology_builder>()) {}
topology::~topology() = default;
topology::topology(topology&&) noexcept = default;
topology& topology::operator=(topology&&) noexcept = default;

topology_description topology::describe() const { return builder_->describe(); }

topology& topology::add_state_store(store_builder builder, const std::vector<std::string>& processor_names) {
    builder_->add_state_store(std::move(builder), processor_names);
    return *this;
}

topology& topology::connect_processor_and_state_stores(const std::string& processor,
                                                       const std::vector<std::string>& stores) {
    for (const auto& s : stores) builder_->connect_processor_and_state_store(processor, s);
    return *this;
}

std::set<std::string> topology::source_topics() const { return builder_->source_topics(); }
std::set<std::string> topology::sink_topics() const { return builder_->sink_topics(); }
std::map<std::string, std::optional<int>> topology::repartition_topics() const { return builder_->internal_topics(); }
std::set<std::string> topology::global_topics() const { return builder_->global_topics(); }
std::vector<std::set<std::string>> topology::copartition_groups() const { return builder_->copartition_groups(); }

std::map<std::string, std::string> topology::changelog_topics(const std::string& application_id) const {
    std::map<std::string, std::string> out;
    for (const auto& [name, b] : builder_->stores()) {
        if (b.logging_enabled()) out[name] = changelog_topic_name(application_id, name);
    }
    return out;
}

namespace {

std::string describe_counts(const std::set<std::string>& topics, const std::map<std::string, int>& counts) {
    std::string out = "[";
    bool first = true;
    for (const auto& t : topics) {
        if (!first) out += ", ";
        first = false;
        auto it = counts.find(t);
        out += t + " (" + (it == counts.end() ? std::string("unknown") : std::to_string(it->second)) + " partitions)";
    }
    return out + "]";
}

}  // namespace

result<std::map<std::string, int>> topology::validate_copartitioning(
    const std::map<std::string, int>& partition_counts) const {
    const auto& b = *builder_;
    std::map<std::string, int> counts;
    for (const auto& t : b.source_topics()) {
        if (b.is_internal_topic(t)) continue;
        auto it = partition_counts.find(t);
        if (it == partition_counts.end()) {
            return make_error(errc::not_found, "no partition count known for source topic " + t);
        }
        counts[t] = it->second;
    }
    // Which sub-topology reads and writes what.
    std::vector<std::pair<std::set<std::string>, std::set<std::string>>> groups;  // sources, sinks
    for (const auto& [id, names] : b.node_groups()) {
        std::set<std::string> sources, sinks;
        for (const auto& n : names) {
            const auto& f = b.node(n);
            if (f.kind == internal::node_kind::source && !b.is_global_source(n)) sources.insert(f.topics.begin(), f.topics.end());
            if (f.kind == internal::node_kind::sink && f.extractor.empty()) sinks.insert(f.topic);
        }
        groups.emplace_back(std::move(sources), std::move(sinks));
    }
    for (const auto& [t, fixed] : b.internal_topics()) {
        if (fixed) counts[t] = *fixed;
    }
    // Repartition topics without a fixed count: the largest input count of
    // the sub-topologies writing them, to a fixed point (chains of
    // repartitions).
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& [t, fixed] : b.internal_topics()) {
            if (fixed) continue;
            int best = -1;
            for (const auto& [sources, sinks] : groups) {
                if (!sinks.count(t)) continue;
                for (const auto& s : sources) {
                    if (auto it = counts.find(s); it != counts.end()) best = std::max(best, it->second);
                }
            }
            if (best > 0 && (!counts.count(t) || counts[t] != best)) {
                counts[t] = best;
                changed = true;
            }
        }
    }
    for (const auto& group : b.copartition_groups()) {
        std::set<std::string> external, internal_free, internal_fixed;
        for (const auto& t : group) {
            if (!b.is_internal_topic(t)) external.insert(t);
            else if (b.internal_topics().at(t)) internal_fixed.insert(t);
            else internal_free.insert(t);
        }
        std::set<std::string> decided = external;
        decided.insert(internal_fixed.begin(), internal_fixed.end());
        std::optional<int> n;
        for (const auto& t : decided) {
            int c = counts.at(t);
            if (n && *n != c) {
                return make_error(errc::invalid_argument,
                                  "Invalid topology: topics not co-partitioned: " + describe_counts(group, counts) +
                                      "; the inputs of a join must have the same number of partitions "
                                      "(global tables are exempt)");
            }
            n = c;
        }
        if (!n) {
            for (const auto& t : internal_free) {
                if (counts.count(t)) n = std::max(n.value_or(0), counts[t]);
            }
        }
        if (n) {
            for (const auto& t : internal_free) counts[t] = *n;
        }
    }
    for (const auto& [t, fixed] : b.internal_topics()) {
        if (!counts.count(t)) return make_error(errc::invalid_argument, "cannot work out the partition count of " + t);
    }
    return counts;
}

}  // namespace samsa::streams
