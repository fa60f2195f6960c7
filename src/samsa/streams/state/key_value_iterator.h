#pragma once
// key_value_iterator<K, V>: a forward cursor over key-value pairs in key order
// (Kafka Streams' KeyValueIterator). Byte stores order keys byte-lexicographic,
// unsigned, shorter prefix first (RocksDB's bytewise comparator, Kafka's
// Bytes.BYTES_LEXICO_COMPARATOR); typed stores keep the order of the
// serialized keys, not of K.
//
//   for (auto it = store.all(); it->has_next();) {
//       auto [key, value] = it->next();
//   }
//
// An iterator is closed by destroying it and must not outlive its store. It
// sees the store as it was when it was created (in-memory copies, RocksDB uses
// an implicit snapshot), so a processor may put and delete while iterating.
//
// Threads: the owning stream thread only, like the store.

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "samsa/bytes/bytes.h"

namespace samsa::streams {

// Kafka's KeyValue<K, V>.
template<class K, class V>
struct key_value {
    // The key.
    K key;
    // The value.
    V value;
    // Same key and value.
    bool operator==(const key_value&) const = default;
};

// Kafka's KeyValueIterator<K, V>: entries in key order (see the top of this file).
template<class K, class V>
class key_value_iterator {
public:
    virtual ~key_value_iterator() = default;
    // Whether next() has an entry to return.
    virtual bool has_next() = 0;
    // Precondition: has_next().
    virtual key_value<K, V> next() = 0;
    // The key next() would return, without moving. Precondition: has_next().
    virtual K peek_next_key() = 0;
};

// An iterator over a bytes store.
using bytes_iterator = key_value_iterator<bytes, bytes>;

// An iterator over pairs already in a vector, in order; what the in-memory
// store returns (a copy, so writes during iteration are safe).
template<class K, class V>
class vector_key_value_iterator final : public key_value_iterator<K, V> {
public:
    // Iterates over items, in their order.
    explicit vector_key_value_iterator(std::vector<key_value<K, V>> items) : items_(std::move(items)) {}
    // Whether next() has an entry to return.
    bool has_next() override { return next_ < items_.size(); }
    key_value<K, V> next() override { return std::move(items_[next_++]); }
    K peek_next_key() override { return items_[next_].key; }

private:
    std::vector<key_value<K, V>> items_;
    size_t next_ = 0;
};

// Drains an iterator into a vector (tests, small stores, interactive queries).
template<class K, class V>
std::vector<key_value<K, V>> to_vector(key_value_iterator<K, V>& it) {
    std::vector<key_value<K, V>> out;
    while (it.has_next()) out.push_back(it.next());
    return out;
}

}  // namespace samsa::streams
