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

// Kafka's Named: the name of the processor an operation adds (filter,
// map_values ...), instead of the generated KSTREAM-FILTER-0000000001.
struct named {
    std::optional<std::string> name;  // nullopt: generated
    // Named.as(name).
    static named as(std::string n) { return {std::move(n)}; }
};

// Kafka's Consumed: how a source (stream(), table(), global_table()) reads
// its topic: serdes, the source processor's name, the timestamp extractor.
template<class K, class V>
struct consumed {
    std::optional<serde<K>> key_serde;    // nullopt: default_serde<K>()
    std::optional<serde<V>> value_serde;  // nullopt: default_serde<V>()
    std::optional<std::string> name;  // the source processor's name
    // nullptr: the config's default.timestamp.extractor (timestamp_extractor.h).
    timestamp_extractor_ptr extractor;

    // Consumed.with(keySerde, valueSerde).
    static consumed with(serde<K> k, serde<V> v) { return {std::move(k), std::move(v), {}, {}}; }
    // Consumed.as(processorName).
    static consumed as(std::string n) { return {{}, {}, std::move(n), {}}; }
    // Consumed.with(timestampExtractor).
    static consumed with(timestamp_extractor_ptr e) { return {{}, {}, {}, std::move(e)}; }
    // Consumed.withName: names the source processor.
    consumed& with_name(std::string n) { name = std::move(n); return *this; }
    // Consumed.withTimestampExtractor.
    consumed& with_timestamp_extractor(timestamp_extractor_ptr e) { extractor = std::move(e); return *this; }
    // Consumed.withKeySerde.
    consumed& with_key_serde(serde<K> s) { key_serde = std::move(s); return *this; }
    // Consumed.withValueSerde.
    consumed& with_value_serde(serde<V> s) { value_serde = std::move(s); return *this; }
};

// Kafka's Produced: how to() writes a topic: serdes, the sink processor's
// name, the partitioner.
template<class K, class V>
struct produced {
    std::optional<serde<K>> key_serde;    // nullopt: default_serde<K>()
    std::optional<serde<V>> value_serde;  // nullopt: default_serde<V>()
    std::optional<std::string> name;  // the sink processor's name
    // Empty: the producer's partitioner (murmur2 of the serialized key).
    stream_partitioner<K, V> partitioner;

    // Produced.with(keySerde, valueSerde).
    static produced with(serde<K> k, serde<V> v) { return {std::move(k), std::move(v), {}, {}}; }
    // Produced.as(processorName).
    static produced as(std::string n) { return {{}, {}, std::move(n), {}}; }
    // Produced.withName: names the sink processor.
    produced& with_name(std::string n) { name = std::move(n); return *this; }
    // Produced.withStreamPartitioner.
    produced& with_stream_partitioner(stream_partitioner<K, V> p) { partitioner = std::move(p); return *this; }
};

// Kafka's default store is persistent (RocksDB).
enum class store_type { rocksdb, in_memory };

// Kafka's Materialized: the state store behind a table or an aggregation:
// its name (which makes it queryable and names its changelog topic
// <application.id>-<name>-changelog), serdes, kind, change-logging and
// caching.
template<class K, class V>
struct materialized {
    std::optional<std::string> store_name;  // nullopt: generated, not queryable
    std::optional<serde<K>> key_serde;      // nullopt: the upstream's or default_serde<K>()
    std::optional<serde<V>> value_serde;    // nullopt: the upstream's or default_serde<V>()
    store_type type = store_type::rocksdb;  // in-memory or RocksDB
    // A changelog topic the store is restored from (Kafka's default).
    bool logging_enabled = true;
    // Topic configs for the changelog topic (withLoggingEnabled(config)).
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
    std::optional<session_bytes_store_supplier> session_supplier;  // as window_supplier, for sessions

    // Materialized.as(storeName).
    static materialized as(std::string name) { materialized m; m.store_name = std::move(name); return m; }
    // Materialized.as(WindowBytesStoreSupplier): a windowed aggregation's store.
    static materialized as(window_bytes_store_supplier supplier) {
        materialized m;
        m.store_name = supplier.name();
        m.window_supplier = std::move(supplier);
        return m;
    }
    // Materialized.as(SessionBytesStoreSupplier): a session aggregation's store.
    static materialized as(session_bytes_store_supplier supplier) {
        materialized m;
        m.store_name = supplier.name();
        m.session_supplier = std::move(supplier);
        return m;
    }
    // Materialized.as(StoreType).
    static materialized as(store_type t) { materialized m; m.type = t; return m; }
    // Materialized.with(keySerde, valueSerde).
    static materialized with(serde<K> k, serde<V> v) {
        materialized m;
        m.key_serde = std::move(k);
        m.value_serde = std::move(v);
        return m;
    }
    // Materialized.withKeySerde.
    materialized& with_key_serde(serde<K> s) { key_serde = std::move(s); return *this; }
    // Materialized.withValueSerde.
    materialized& with_value_serde(serde<V> s) { value_serde = std::move(s); return *this; }
    // Materialized.withStoreType.
    materialized& with_store_type(store_type t) { type = t; return *this; }
    // Materialized.withLoggingEnabled(topicConfig).
    materialized& with_logging_enabled(std::map<std::string, std::string> config = {}) {
        logging_enabled = true;
        log_config = std::move(config);
        return *this;
    }
    // Materialized.withLoggingDisabled: no changelog; the store starts empty
    // on another instance.
    materialized& with_logging_disabled() { logging_enabled = false; return *this; }
    // Materialized.withCachingEnabled.
    materialized& with_caching_enabled() { caching_enabled = true; return *this; }
    // Materialized.withCachingDisabled: every update goes downstream.
    materialized& with_caching_disabled() { caching_enabled = false; return *this; }
    // Throws std::invalid_argument for a negative retention, as Kafka.
    materialized& with_retention(int64_t ms) {
        if (ms < 0) throw std::invalid_argument("Retention must not be negative.");
        retention_ms = ms;
        return *this;
    }
};

// Kafka's Grouped: group_by / group_by_key's serdes (for the repartition
// topic, when the key changed) and name.
template<class K, class V>
struct grouped {
    std::optional<std::string> name;  // names the repartition topic and processors
    std::optional<serde<K>> key_serde;    // nullopt: default_serde<K>()
    std::optional<serde<V>> value_serde;  // nullopt: default_serde<V>()

    // Grouped.as(name).
    static grouped as(std::string n) { grouped g; g.name = std::move(n); return g; }
    // Grouped.with(keySerde, valueSerde).
    static grouped with(serde<K> k, serde<V> v) { grouped g; g.key_serde = std::move(k); g.value_serde = std::move(v); return g; }
    // Grouped.withName.
    grouped& with_name(std::string n) { name = std::move(n); return *this; }
};

// Kafka's Joined: a stream-table join's serdes (for the stream's
// repartition topic, when its key changed) and name.
template<class K, class V, class VO>
struct joined {
    std::optional<serde<K>> key_serde;          // nullopt: default_serde<K>()
    std::optional<serde<V>> value_serde;        // the stream's; nullopt: default_serde<V>()
    std::optional<serde<VO>> other_value_serde;  // the table's; nullopt: default_serde<VO>()
    std::optional<std::string> name;  // names the join processor and its repartition topic

    // Joined.as(name).
    static joined as(std::string n) { joined j; j.name = std::move(n); return j; }
    // Joined.with(keySerde, valueSerde, otherValueSerde).
    static joined with(serde<K> k, serde<V> v, serde<VO> o) {
        joined j;
        j.key_serde = std::move(k);
        j.value_serde = std::move(v);
        j.other_value_serde = std::move(o);
        return j;
    }
    // Joined.withName.
    joined& with_name(std::string n) { name = std::move(n); return *this; }
};

// Kafka's Repartitioned: kstream::repartition()'s topic: its name, serdes,
// partition count and partitioner.
template<class K, class V>
struct repartitioned {
    // Names the topic <application.id>-<name>-repartition; nullopt: generated.
    std::optional<std::string> name;
    std::optional<serde<K>> key_serde;    // nullopt: default_serde<K>()
    std::optional<serde<V>> value_serde;  // nullopt: default_serde<V>()
    // nullopt: as many as the upstream's source topics.
    std::optional<int> number_of_partitions;
    // Empty: the producer's partitioner (murmur2 of the serialized key).
    stream_partitioner<K, V> partitioner;

    // Repartitioned.as(name).
    static repartitioned as(std::string n) { repartitioned r; r.name = std::move(n); return r; }
    // Repartitioned.with(keySerde, valueSerde).
    static repartitioned with(serde<K> k, serde<V> v) { repartitioned r; r.key_serde = std::move(k); r.value_serde = std::move(v); return r; }
    // Repartitioned.numberOfPartitions(n).
    static repartitioned with_partitions(int n) { repartitioned r; r.number_of_partitions = n; return r; }
    // Repartitioned.withNumberOfPartitions.
    repartitioned& with_number_of_partitions(int n) { number_of_partitions = n; return *this; }
    // Repartitioned.withName.
    repartitioned& with_name(std::string n) { name = std::move(n); return *this; }
    // Repartitioned.withStreamPartitioner.
    repartitioned& with_stream_partitioner(stream_partitioner<K, V> p) { partitioner = std::move(p); return *this; }
};

// Kafka's Branched: one branch of kstream::split(): its name.
struct branched {
    std::optional<std::string> name;  // appended to the split's name
    // Branched.as(name).
    static branched as(std::string n) { return {std::move(n)}; }
};

}  // namespace samsa::streams
