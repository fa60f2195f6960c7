#pragma once
// queryable_store_registry: the runtime's queryable_store_provider. Stream
// tasks register their stores when they are created, say when they run
// (restored) and when they stop running (suspended in a rebalance), and
// unregister before they close them; the global thread's stores are
// registered once. A query looks the stores up on every call (Kafka's
// WrappingStoreProvider over each thread's StreamThreadStateStoreProvider).
//
// Thread safety: the registry's shared_mutex is held shared by a query for
// the whole visit and exclusively by a task that unregisters, so a store is
// never closed under a reader; each store is read inside its
// synchronized_key_value_store's lock (see there why a lock per store was
// chosen), which keeps the stream thread's writes out while the reader
// drains its results.
//
// Threads: tasks call in from their stream thread, kafka_streams from the
// thread changing its state, queries from any thread.

#include <atomic>
#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "samsa/streams/state/queryable_store_provider.h"

namespace samsa::streams {
class topology;
}

namespace samsa::streams::internal {

class synchronized_key_value_store;

// The store named in a query as the topology has it, checked against the
// kinds the query's type accepts. Throws unknown_state_store_exception or
// invalid_state_store_exception (wrong type). Shared by kafka_streams and
// the test driver.
queried_store_info describe_queried_store(const topology& t, const std::string& application_id,
                                          const std::string& store_name, const std::string& type_name,
                                          const std::vector<store_kind>& accepts);

class queryable_store_registry final : public queryable_store_provider {
public:
    // stores: the task's stores, each the synchronized top of its stack.
    void add_task(const std::string& task_id, int32_t partition,
                  const std::map<std::string, synchronized_key_value_store*>& stores);
    void set_task_running(const std::string& task_id, bool running);
    // Waits for queries reading the task's stores to finish.
    void remove_task(const std::string& task_id);
    void add_global_store(const std::string& name, synchronized_key_value_store* store);

    // Queries are answered only while the instance is RUNNING or
    // REBALANCING; state_name goes into the error otherwise.
    void set_open(bool open, const char* state_name);

    void visit(const store_query_target& target,
               const std::function<bool(key_value_bytes_store&)>& visitor) override;

private:
    struct task_entry {
        int32_t partition = 0;
        bool running = false;
        std::map<std::string, synchronized_key_value_store*> stores;
    };
    struct found_store {
        const std::string* task_id;
        const task_entry* task;
        synchronized_key_value_store* store;
    };
    std::vector<found_store> find(const store_query_target& target) const;

    std::atomic<bool> open_{false};
    std::atomic<const char*> state_name_{"CREATED"};
    mutable std::shared_mutex mutex_;
    std::map<std::string, task_entry> tasks_;
    std::map<std::string, synchronized_key_value_store*> global_stores_;
};

}  // namespace samsa::streams::internal
