#include "samsa/streams/internal/runtime/internal_topic_manager.h"

#include <set>

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

result<prepared_topology> prepare_topics(admin_client& admin, const topology& t, const streams_config& config) {
    const auto& b = t.internal_builder();
    std::set<std::string> external;
    for (const auto& topic : b.source_topics()) {
        if (!b.is_internal_topic(topic)) external.insert(topic);
    }
    std::set<std::string> wanted = external;
    for (const auto& topic : b.global_topics()) wanted.insert(topic);
    auto counts = admin.partition_counts(wanted, config.request_timeout);
    if (!counts) return counts.error();
    std::string missing;
    for (const auto& topic : wanted) {
        if (!counts->count(topic)) missing += (missing.empty() ? "" : ", ") + topic;
    }
    if (!missing.empty()) {
        return make_error(errc::not_found, "Missing source topics: [" + missing +
                                               "]; create them before starting application " +
                                               config.application_id);
    }
    std::map<std::string, int> sources;
    std::map<std::string, int> globals;
    for (const auto& [topic, n] : *counts) {
        if (external.count(topic)) sources[topic] = n;
        if (b.global_topics().count(topic)) globals[topic] = n;
    }
    auto all = t.validate_copartitioning(sources);
    if (!all) return all.error();
    auto metadata = topology_metadata::build(t, config.application_id, *all,
                                             config.windowstore_changelog_additional_retention_ms);
    if (!metadata) return metadata.error();

    std::vector<new_topic> internal = metadata->internal_topics(config.replication_factor);
    if (!internal.empty()) {
        status st = admin.create_topics(internal, config.request_timeout);
        if (!st) return make_error(st.error().code, "cannot create internal topics: " + st.error().message);
        std::set<std::string> names;
        for (const auto& nt : internal) names.insert(nt.name);
        auto made = admin.partition_counts(names, config.request_timeout);
        if (!made) return made.error();
        for (const auto& nt : internal) {
            auto it = made->find(nt.name);
            if (it == made->end()) return make_error(errc::not_found, "internal topic " + nt.name + " was not created");
            if (it->second != nt.partitions) {
                return make_error(errc::invalid_argument, "internal topic " + nt.name + " has " +
                                                              std::to_string(it->second) + " partitions; the topology needs " +
                                                              std::to_string(nt.partitions) +
                                                              " (reset the application to recreate it)");
            }
        }
        spdlog::info("[streams] {} internal topics ready", internal.size());
    }
    return prepared_topology{std::move(*metadata), std::move(globals)};
}

}  // namespace samsa::streams::internal
