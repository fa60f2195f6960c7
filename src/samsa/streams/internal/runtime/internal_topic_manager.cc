#include "samsa/streams/internal/runtime/internal_topic_manager.h"

#include <chrono>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {
namespace {

// The partition counts of `names` once every one of them is visible. A
// topic another instance is creating at the same moment answers our
// CreateTopics with TOPIC_ALREADY_EXISTS while the broker still makes its
// partitions, so Metadata does not list it yet (Kafka's brokers lag their
// controller the same way): ask again, as Kafka Streams' InternalTopicManager
// makeReady() does, every retry.backoff.ms (100) until the bound, here
// request.timeout.
result<std::map<std::string, int>> wait_until_visible(admin_client& admin, const std::set<std::string>& names,
                                                      std::chrono::milliseconds bound) {
    constexpr auto backoff = std::chrono::milliseconds(100);
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (true) {
        auto made = admin.partition_counts(names, bound);
        if (!made) return made.error();
        std::string missing;
        for (const auto& name : names) {
            if (!made->count(name)) missing += (missing.empty() ? "" : ", ") + name;
        }
        if (missing.empty()) return made;
        if (std::chrono::steady_clock::now() + backoff > deadline) {
            return make_error(errc::not_found, "internal topic(s) " + missing + " not there " +
                                                   std::to_string(bound.count()) + " ms after creating them");
        }
        spdlog::info("[streams] internal topic(s) {} not ready yet; asking again", missing);
        std::this_thread::sleep_for(backoff);
    }
}

}  // namespace

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
        auto made = wait_until_visible(admin, names, config.request_timeout);
        if (!made) return made.error();
        for (const auto& nt : internal) {
            auto it = made->find(nt.name);
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
