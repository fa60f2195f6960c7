#pragma once
// The DSL's option objects (Kafka Streams' Consumed, Produced, Materialized,
// Grouped, Joined, Named, Repartitioned, Branched), as plain structs with
// Kafka's static factories. An unset serde falls back to default_serde<T>()
// for the type; an unset name is generated as Kafka Streams generates it.
//
//   builder.table("CUSTOMER", consumed<std::string, customer>::with(serdes::string(), serdes::json<customer>()),
//                 materialized<std::string, customer>::as("customers").with_store_type(store_type::in_memory));
//
// Threads: values, used on the thread building the topology.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/processor/timestamp_extractor.h"
#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {

using internal::stream_partitioner;
using internal::topic_name_extractor;

struct named {
    std::optional<std::string> name;
    static named as(std::string n) { return {std::move(n)}; }
};

template<class K, class V>
struct consumed {
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;
    std::optional<std::string> name;  // the source processor's name
    // nullptr: the config's default.timestamp.extractor (timestamp_extractor.h).
    timestamp_extractor_ptr extractor;

    static consumed with(serde<K> k, serde<V> v) { return {std::move(k), std::move(v), {}, {}}; }
    static consumed as(std::string n) { return {{}, {}, std::move(n), {}}; }
    static consumed with(timestamp_extractor_ptr e) { return {{}, {}, {}, std::move(e)}; }
    consumed& with_name(std::string n) { name = std::move(n); return *this; }
    consumed& with_timestamp_extractor(timestamp_extractor_ptr e) { extractor = std::move(e); return *this; }
    consumed& with_key_serde(serde<K> s) { key_serde = std::move(s); return *this; }
    consumed& with_value_serde(serde<V> s) { value_serde = std::move(s); return *this; }
};

template<class K, class V>
struct produced {
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;
    std::optional<std::string> name;  // the sink processor's name
    stream_partitioner<K, V> partitioner;

    static produced with(serde<K> k, serde<V> v) { return {std::move(k), std::move(v), {}, {}}; }
    static produced as(std::string n) { return {{}, {}, std::move(n), {}}; }
    produced& with_name(std::string n) { name = std::move(n); return *this; }
    produced& with_stream_partitioner(stream_partitioner<K, V> p) { partitioner = std::move(p); return *this; }
};

// Kafka's default store is persistent (RocksDB).
enum class store_type { rocksdb, in_memory };

template<class K, class V>
struct materialized {
    std::optional<std::string> store_name;
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;
    store_type type = store_type::rocksdb;
    bool logging_enabled = true;
    std::map<std::string, std::string> log_config;
    // Kafka's default: a record cache in front of the store, which merges
    // updates to a key until the task commits or the cache evicts.
    bool caching_enabled = true;
    // Window and session stores only: how long they keep windows; default
    // window size + grace (Kafka's Materialized.withRetention).
    std::optional<int64_t> retention_ms;
    // A store the user supplies for a windowed or session aggregation
    // (Kafka's Materialized.as(WindowBytesStoreSupplier / SessionBytesStoreSupplier)):
    // it names the store and decides in-memory or RocksDB; the aggregation
    // checks its window size and retention against its windows.
    std::optional<window_bytes_store_supplier> window_supplier;
    std::optional<session_bytes_store_supplier> session_supplier;

    static materialized as(std::string name) { materialized m; m.store_name = std::move(name); return m; }
    static materialized as(window_bytes_store_supplier supplier) {
        materialized m;
        m.store_name = supplier.name();
        m.window_supplier = std::move(supplier);
        return m;
    }
    static materialized as(session_bytes_store_supplier supplier) {
        materialized m;
        m.store_name = supplier.name();
        m.session_supplier = std::move(supplier);
        return m;
    }
    static materialized as(store_type t) { materialized m; m.type = t; return m; }
    static materialized with(serde<K> k, serde<V> v) {
        materialized m;
        m.key_serde = std::move(k);
        m.value_serde = std::move(v);
        return m;
    }
    materialized& with_key_serde(serde<K> s) { key_serde = std::move(s); return *this; }
    materialized& with_value_serde(serde<V> s) { value_serde = std::move(s); return *this; }
    materialized& with_store_type(store_type t) { type = t; return *this; }
    materialized& with_logging_enabled(std::map<std::string, std::string> config = {}) {
        logging_enabled = true;
        log_config = std::move(config);
        return *this;
    }
    materialized& with_logging_disabled() { logging_enabled = false; return *this; }
    materialized& with_caching_enabled() { caching_enabled = true; return *this; }
    materialized& with_caching_disabled() { caching_enabled = false; return *this; }
    // Throws std::invalid_argument for a negative retention, as Kafka.
    materialized& with_retention(int64_t ms) {
        if (ms < 0) throw std::invalid_argument("Retention must not be negative.");
        retention_ms = ms;
        return *this;
    }
};

template<class K, class V>
struct grouped {
    std::optional<std::string> name;  // names the repartition topic and processors
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;

    static grouped as(std::string n) { grouped g; g.name = std::move(n); return g; }
    static grouped with(serde<K> k, serde<V> v) { grouped g; g.key_serde = std::move(k); g.value_serde = std::move(v); return g; }
    grouped& with_name(std::string n) { name = std::move(n); return *this; }
};

template<class K, class V, class VO>
struct joined {
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;
    std::optional<serde<VO>> other_value_serde;
    std::optional<std::string> name;  // names the join processor and its repartition topic

    static joined as(std::string n) { joined j; j.name = std::move(n); return j; }
    static joined with(serde<K> k, serde<V> v, serde<VO> o) {
        joined j;
        j.key_serde = std::move(k);
        j.value_serde = std::move(v);
        j.other_value_serde = std::move(o);
        return j;
    }
    joined& with_name(std::string n) { name = std::move(n); return *this; }
};

template<class K, class V>
struct repartitioned {
    std::optional<std::string> name;
    std::optional<serde<K>> key_serde;
    std::optional<serde<V>> value_serde;
    std::optional<int> number_of_partitions;
    stream_partitioner<K, V> partitioner;

    static repartitioned as(std::string n) { repartitioned r; r.name = std::move(n); return r; }
    static repartitioned with(serde<K> k, serde<V> v) { repartitioned r; r.key_serde = std::move(k); r.value_serde = std::move(v); return r; }
    static repartitioned with_partitions(int n) { repartitioned r; r.number_of_partitions = n; return r; }
    repartitioned& with_number_of_partitions(int n) { number_of_partitions = n; return *this; }
    repartitioned& with_name(std::string n) { name = std::move(n); return *this; }
    repartitioned& with_stream_partitioner(stream_partitioner<K, V> p) { partitioner = std::move(p); return *this; }
};

struct branched {
    std::optional<std::string> name;  // appended to the split's name
    static branched as(std::string n) { return {std::move(n)}; }
};

}  // namespace samsa::streams
