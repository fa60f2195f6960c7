#pragma once
// timestamped_key_value_store<K, V>: the typed view of a KTable's store
// (Kafka Streams' TimestampedKeyValueStore<K, V>): a key_value_store whose
// values are value_and_timestamp<V>, stored as 8-byte big-endian timestamp +
// serde<V> bytes (see value_and_timestamp.h).
//
// Build its stack with stores::timestamped_key_value_store_builder() so the
// changelog carries the raw value with the value's timestamp, as Kafka's does.
//
// Threads: the stream thread owning the store, never locked.

#include <string>
#include <utility>

#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/value_and_timestamp.h"

namespace samsa::streams {

// Kafka's TimestampedKeyValueStore<K, V>: a key-value store whose values carry their timestamps (KTable stores).
template<class K, class V>
class timestamped_key_value_store : public key_value_store<K, value_and_timestamp<V>> {
public:
    // The key-value store it is.
    using base = key_value_store<K, value_and_timestamp<V>>;

    // As key_value_store's constructor, with the value serde of V alone.
    timestamped_key_value_store(key_value_bytes_store& store, serde<K> key_serde, serde<V> value_serde,
                                std::string topic)
        : base(store, std::move(key_serde), value_and_timestamp_serde(std::move(value_serde)), std::move(topic)) {}

    using base::put;
    // put(key, {value, timestamp}).
    void put(const K& key, V value, int64_t timestamp) {
        base::put(key, value_and_timestamp<V>{std::move(value), timestamp});
    }
};

}  // namespace samsa::streams
