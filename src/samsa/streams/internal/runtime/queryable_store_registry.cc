#include "samsa/streams/internal/runtime/queryable_store_registry.h"

#include <algorithm>
#include <mutex>

#include "samsa/streams/errors.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/detail/topology/internal_topology_builder.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/topology.h"

namespace samsa::streams::internal {

namespace {

const store_builder* find_builder(const topology& t, const std::string& name) {
    const auto& b = t.internal_builder();
    if (auto it = b.stores().find(name); it != b.stores().end()) return &it->second;
    if (auto it = b.global_store_builders().find(name); it != b.global_store_builders().end()) return &it->second;
    return nullptr;
}

}  // namespace

queried_store_info describe_queried_store(const topology& t, const std::string& application_id,
                                          const std::string& store_name, const std::string& type_name,
                                          const std::vector<store_kind>& accepts) {
    const store_builder* b = find_builder(t, store_name);
    if (!b) {
        throw unknown_state_store_exception("Cannot get state store " + store_name +
                                            " because no such store is registered in the topology.");
    }
    if (std::ranges::find(accepts, b->kind()) == accepts.end()) {
        throw invalid_state_store_exception("Cannot get state store " + store_name + " because the queryable store type [" +
                                            type_name + "] does not accept the actual store type [" +
                                            to_string(b->kind()) + "].");
    }
    return queried_store_info{b->kind(), changelog_topic_name(application_id, store_name), b->window_size_ms()};
}

void queryable_store_registry::add_task(const std::string& task_id, int32_t partition,
                                        const std::map<std::string, synchronized_key_value_store*>& stores) {
    std::unique_lock l(mutex_);
    tasks_[task_id] = task_entry{partition, false, stores};
}

void queryable_store_registry::set_task_running(const std::string& task_id, bool running) {
    std::unique_lock l(mutex_);
    if (auto it = tasks_.find(task_id); it != tasks_.end()) it->second.running = running;
}

void queryable_store_registry::remove_task(const std::string& task_id) {
    std::unique_lock l(mutex_);
    tasks_.erase(task_id);
}

void queryable_store_registry::add_global_store(const std::string& name, synchronized_key_value_store* store) {
    std::unique_lock l(mutex_);
    global_stores_[name] = store;
}

void queryable_store_registry::set_open(bool open, const char* state_name) {
    state_name_ = state_name;
    open_ = open;
}

std::vector<queryable_store_registry::found_store> queryable_store_registry::find(
    const store_query_target& target) const {
    std::vector<found_store> out;
    for (const auto& [id, task] : tasks_) {
        if (target.partition && task.partition != *target.partition) continue;
        if (auto it = task.stores.find(target.store_name); it != task.stores.end()) {
            out.push_back({&id, &task, it->second});
        }
    }
    std::ranges::sort(out, {}, [](const found_store& f) { return f.task->partition; });
    return out;
}

void queryable_store_registry::visit(const store_query_target& target,
                                     const std::function<bool(key_value_bytes_store&)>& visitor) {
    if (!open_) {
        throw state_store_not_available_exception(std::string("KafkaStreams is not running. State is ") +
                                                  state_name_.load() + ".");
    }
    std::shared_lock l(mutex_);
    if (auto g = global_stores_.find(target.store_name); g != global_stores_.end()) {
        g->second->with_lock([&](key_value_bytes_store& s) { return visitor(s); });
        return;
    }
    std::vector<found_store> found = find(target);
    if (found.empty()) {
        if (target.partition) {
            throw invalid_state_store_partition_exception("The specified partition " + std::to_string(*target.partition) +
                                                          " for store " + target.store_name + " does not exist.");
        }
        throw state_store_migrated_exception("The state store, " + target.store_name +
                                             ", may have migrated to another instance.");
    }
    if (!target.stale_stores) {
        for (const auto& f : found) {
            if (!f.task->running) {
                throw invalid_state_store_exception("Cannot get state store " + target.store_name + " because its task " +
                                                    *f.task_id + " is not RUNNING (restoring or rebalancing)");
            }
        }
    }
    for (const auto& f : found) {
        if (!f.store->with_lock([&](key_value_bytes_store& s) { return visitor(s); })) return;
    }
}

}  // namespace samsa::streams::internal
