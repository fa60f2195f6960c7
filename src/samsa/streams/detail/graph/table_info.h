#pragma once
// What the DSL knows about one KTable node beyond its graph node: how to read
// it (value getter and the stores that getter reads), whether it forwards old
// values (Kafka's sendOldValues, switched on when a downstream operator needs
// them: group_by, aggregations, left/outer table joins) and, for sources,
// whether it is materialized. Flags are final when build() writes the graph,
// so the processors read them then.
//
// Threads: the thread building the topology.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/options.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams::internal {

template<class K, class V>
struct table_info {
    bool send_old_values = false;
    // Kind-specific: asks upstream for old values; returns whether possible.
    std::function<bool(bool force_materialization)> enable_upstream;
    // Kind-specific: the stores the value getter reads (materializes sources).
    std::function<std::vector<std::string>()> getter_store_names;
    value_getter_supplier<K, V> getter;

    bool enable_sending_old_values(bool force_materialization) {
        if (!send_old_values) {
            if (!enable_upstream(force_materialization)) return false;
            send_old_values = true;
        }
        return true;
    }
};

// A source table's materialization, decided lazily as in Kafka: a table read
// by a join or needing old values gets its store.
template<class K, class V>
struct source_table_state {
    bool materialized = false;
    table_store_spec<K, V> store;
};

template<class K, class V>
store_builder make_table_store_builder(const std::string& name, const materialized<K, V>& m) {
    key_value_bytes_store_supplier supplier = m.type == store_type::in_memory ? stores::in_memory_key_value_store(name)
                                                                            : stores::persistent_key_value_store(name);
    store_builder b = stores::timestamped_key_value_store_builder(std::move(supplier));
    if (m.logging_enabled) b.with_logging_enabled(m.log_config);
    else b.with_logging_disabled();
    // Cached unless the user opted out, as Kafka's Materialized: updates are
    // forwarded when the cache flushes or evicts (tuple_forwarder.h).
    if (m.caching_enabled) b.with_caching_enabled();
    else b.with_caching_disabled();
    return b;
}

}  // namespace samsa::streams::internal
