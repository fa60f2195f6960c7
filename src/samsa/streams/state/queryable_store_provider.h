#pragma once
// queryable_store_provider: where the read-only views of interactive queries
// (read_only_stores.h) find the stores they read (Kafka Streams'
// StateStoreProvider behind its composite read-only stores). The runtime's
// provider lists the stores of the instance's tasks across its stream
// threads and locks each while it is read; the test driver's holds its one
// task. A view asks on every call, so it follows tasks that come, restore
// and go, as Kafka's composite stores do.
//
// Threads: visit() from any thread; the provider makes the visit safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {

// Which stores one query reads (what StoreQueryParameters say).
struct store_query_target {
    // The store's name.
    std::string store_name;
    // Only the task of this partition; nullopt: every local task.
    std::optional<int32_t> partition;
    // Also tasks still restoring (or suspended in a rebalance).
    bool stale_stores = false;
};

// What the views need to know of the store found in the topology.
struct queried_store_info {
    // What the store holds.
    store_kind kind = store_kind::key_value;
    // The name its serdes are called with (the changelog topic's, as Kafka).
    std::string topic;
    // Window stores: the windows' size.
    int64_t window_size_ms = 0;
};

// Finds the stores one query reads (kafka_streams or the test driver; see the top of this file).
class SAMSA_STREAMS_API queryable_store_provider {
public:
    virtual ~queryable_store_provider() = default;
    // Called with each store matching the target, in partition order, until
    // it returns false. The store must only be read, and not kept after the
    // call. Throws invalid_state_store_exception (errors.h) when the target
    // cannot be read now: no local task has the store or the partition,
    // a task is restoring (unless stale stores are enabled), the instance
    // is not running.
    virtual void visit(const store_query_target& target,
                       const std::function<bool(key_value_bytes_store&)>& visitor) = 0;
};

}  // namespace samsa::streams
