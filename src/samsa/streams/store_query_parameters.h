#pragma once
// What kafka_streams::store() (and topology_test_driver::store()) is asked
// for: Kafka Streams' StoreQueryParameters and QueryableStoreTypes.
//
//   using counts_view = read_only_key_value_store<std::string, int64_t>;
//   counts_view counts = app.store(store_query_parameters<counts_view>::from_name_and_type(
//       "counts", queryable_store_types::key_value_store<std::string, int64_t>())
//       .with_partition(2)            // only the task of partition 2
//       .enable_stale_stores());      // also while it restores
//
// The types carry the serdes (in Kafka the metered store has them; here
// stores hold bytes and serdes live in the facades), default_serde<T>() when
// not given. Which stores a type accepts is Kafka's: key_value_store also
// reads KTable (timestamped) stores, without the timestamps; window_store
// also reads timestamped window stores (windowed aggregations); the
// timestamped types accept only timestamped stores.
//
// Threads: values.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/serde.h"
#include "samsa/streams/state/read_only_stores.h"

namespace samsa::streams {

// Kafka's QueryableStoreType: which stores a query accepts and how it wraps them into the view Store
// (queryable_store_types::key_value_store<K, V>() ...).
template<class Store>
struct queryable_store_type {
    // For messages (Kafka's type names: "KeyValueStoreType" ...).
    std::string name;
    // The store kinds it accepts.
    std::vector<store_kind> accepts;
    // Makes the view.
    std::function<Store(queryable_store_provider&, store_query_target, const queried_store_info&)> create;

    // Whether it accepts a store of kind k.
    bool accepts_kind(store_kind k) const { return std::ranges::find(accepts, k) != accepts.end(); }
};

namespace queryable_store_types {

template<class K, class V>
queryable_store_type<read_only_key_value_store<K, V>> key_value_store(serde<K> key_serde = default_serde<K>(),
                                                                      serde<V> value_serde = default_serde<V>()) {
    return {"KeyValueStoreType",
            {store_kind::key_value, store_kind::timestamped_key_value},
            [ks = std::move(key_serde), vs = std::move(value_serde)](
                queryable_store_provider& p, store_query_target t, const queried_store_info& info) {
                serde<V> values = info.kind == store_kind::timestamped_key_value ? without_timestamp(vs) : vs;
                return read_only_key_value_store<K, V>(p, std::move(t), ks, std::move(values), info.topic);
            }};
}

template<class K, class V>
queryable_store_type<read_only_key_value_store<K, value_and_timestamp<V>>> timestamped_key_value_store(
    serde<K> key_serde = default_serde<K>(), serde<V> value_serde = default_serde<V>()) {
    return {"TimestampedKeyValueStoreType",
            {store_kind::timestamped_key_value},
            [ks = std::move(key_serde), vs = value_and_timestamp_serde(std::move(value_serde))](
                queryable_store_provider& p, store_query_target t, const queried_store_info& info) {
                return read_only_key_value_store<K, value_and_timestamp<V>>(p, std::move(t), ks, vs, info.topic);
            }};
}

template<class K, class V>
queryable_store_type<read_only_window_store<K, V>> window_store(serde<K> key_serde = default_serde<K>(),
                                                                serde<V> value_serde = default_serde<V>()) {
    return {"WindowStoreType",
            {store_kind::window, store_kind::timestamped_window},
            [ks = std::move(key_serde), vs = std::move(value_serde)](
                queryable_store_provider& p, store_query_target t, const queried_store_info& info) {
                serde<V> values = info.kind == store_kind::timestamped_window ? without_timestamp(vs) : vs;
                return read_only_window_store<K, V>(p, std::move(t), ks, std::move(values), info.topic,
                                                    info.window_size_ms);
            }};
}

template<class K, class V>
queryable_store_type<read_only_window_store<K, value_and_timestamp<V>>> timestamped_window_store(
    serde<K> key_serde = default_serde<K>(), serde<V> value_serde = default_serde<V>()) {
    return {"TimestampedWindowStoreType",
            {store_kind::timestamped_window},
            [ks = std::move(key_serde), vs = value_and_timestamp_serde(std::move(value_serde))](
                queryable_store_provider& p, store_query_target t, const queried_store_info& info) {
                return read_only_window_store<K, value_and_timestamp<V>>(p, std::move(t), ks, vs, info.topic,
                                                                         info.window_size_ms);
            }};
}

template<class K, class V>
queryable_store_type<read_only_session_store<K, V>> session_store(serde<K> key_serde = default_serde<K>(),
                                                                  serde<V> value_serde = default_serde<V>()) {
    return {"SessionStoreType",
            {store_kind::session},
            [ks = std::move(key_serde), vs = std::move(value_serde)](
                queryable_store_provider& p, store_query_target t, const queried_store_info& info) {
                return read_only_session_store<K, V>(p, std::move(t), ks, vs, info.topic);
            }};
}

}  // namespace queryable_store_types

// Kafka's StoreQueryParameters: which store kafka_streams::store() opens, as what view, over which partitions.
template<class Store>
class store_query_parameters {
public:
    // StoreQueryParameters.fromNameAndType.
    static store_query_parameters from_name_and_type(std::string store_name, queryable_store_type<Store> type) {
        return store_query_parameters(std::move(store_name), std::move(type));
    }
    // Only the task of this partition (Kafka's withPartition).
    store_query_parameters with_partition(int32_t partition) const {
        store_query_parameters copy = *this;
        copy.target_.partition = partition;
        return copy;
    }
    // Stores of tasks still restoring may be read too (Kafka's enableStaleStores).
    store_query_parameters enable_stale_stores() const {
        store_query_parameters copy = *this;
        copy.target_.stale_stores = true;
        return copy;
    }

    // The store's name.
    const std::string& store_name() const { return target_.store_name; }
    // The one partition queried; nullopt: every local one.
    std::optional<int32_t> partition() const { return target_.partition; }
    // Whether stores still restoring may be read.
    bool stale_stores_enabled() const { return target_.stale_stores; }
    // The view type.
    const queryable_store_type<Store>& query_type() const { return type_; }
    // Name, partition and staleness together.
    const store_query_target& target() const { return target_; }

private:
    store_query_parameters(std::string name, queryable_store_type<Store> type) : type_(std::move(type)) {
        target_.store_name = std::move(name);
    }

    store_query_target target_;
    queryable_store_type<Store> type_;
};

}  // namespace samsa::streams
