#include "samsa/streams/internal/runtime/global_state_task.h"

#include <set>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal {

// Global processors keep a store; they never produce. Anything sent is a
// topology error worth a loud log, not a crash.
class global_state_task::null_collector final : public record_collector {
public:
    void send(produced_record&& r) override {
        spdlog::warn("[streams] a global processor sent a record to {}; dropped", r.topic);
    }
    std::optional<samsa::offset> last_offset(const topic_partition&) const override { return std::nullopt; }
    std::optional<int32_t> partition_count(const std::string&) override { return std::nullopt; }
};

result<std::unique_ptr<global_state_task>> global_state_task::create(const topology& t, global_task_options options) {
    const auto& b = t.internal_builder();
    std::unique_ptr<global_state_task> g(new global_state_task());
    g->options_ = std::move(options);
    g->collector_ = std::make_unique<null_collector>();
    task_config config;
    config.application_id = g->options_.application_id;
    config.task_id = "global";
    config.task_dir = g->options_.dir;
    g->context_ = std::make_unique<task_context>(config, *g->collector_, g->options_.wall_clock);
    std::set<std::string> global_nodes;
    for (const auto& gs : b.global_stores()) {
        global_nodes.insert(gs.source_name);
        global_nodes.insert(gs.processor_name);
        g->topic_stores_[gs.topic] = gs.store_name;
    }
    std::vector<std::string> names;
    for (const auto& f : b.nodes()) {
        if (global_nodes.count(f.name)) names.push_back(f.name);
    }
    try {
        for (const auto& gs : b.global_stores()) {
            g->context_->add_store(b.global_store_builders().at(gs.store_name), g->options_.synchronized_stores);
        }
        g->graph_ = std::make_unique<task_graph>(b, names, g->options_.application_id);
        g->graph_->init(*g->context_);
    } catch (const std::exception& e) {
        return make_error(errc::invalid_argument, std::string("cannot build the global stores: ") + e.what());
    }
    return g;
}

global_state_task::~global_state_task() {
    if (graph_) graph_->close("global");
    if (context_) context_->close_stores();
}

std::map<std::string, key_value_bytes_store*> global_state_task::stores() const {
    std::map<std::string, key_value_bytes_store*> out;
    for (const auto& [topic, store] : topic_stores_) out[store] = &context_->store(store);
    return out;
}

record_outcome global_state_task::update(consumed_record&& r) {
    return graph_->process(std::move(r), *context_, options_.on_deserialization_error);
}

void global_state_task::flush() {
    try {
        context_->flush_stores();
    } catch (const std::exception& e) {
        throw task_failure(std::string("global stores: cannot flush: ") + e.what(), std::current_exception());
    }
}

}  // namespace samsa::streams::internal
