#pragma once
// hashed_bytes_map<V>: a std::map ordered by bytes_less (the key order of
// every store) with a hash index over its nodes, for stores and caches that
// are read by key far more often than they are iterated. A std::map lookup
// compares the key byte by byte log2(n) times (memcmp was a tenth of the
// order-mail benchmark, twice per order, in the join's value getter); find()
// here hashes the key once and compares it once. The map stays the source of
// order for lower_bound/upper_bound/begin/end (Kafka's range, prefix and
// all() iteration order), so nothing an iterator sees changes.
//
// Iterators are std::map's: stable until their element is erased. Insert
// with try_emplace, remove with erase; do not reach into the map another way,
// or the index goes stale (the map is exposed const only).
//
// Threads: none of its own; owned by one thread like the store holding it.

#include <functional>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// Hash and equality of byte views, for unordered containers keyed by bytes.
struct bytes_view_hash {
    // The hash of b's bytes.
    size_t operator()(bytes_view b) const {
        return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    }
};
// Equality of byte views.
struct bytes_view_equal {
    // Same bytes.
    bool operator()(bytes_view a, bytes_view b) const {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    }
};

// A map from bytes to T ordered by key (see the top of this file).
template<class V>
class hashed_bytes_map {
public:
    // The ordered map underneath.
    using map_type = std::map<bytes, V, bytes_less>;
    // Iterates in key order.
    using iterator = typename map_type::iterator;
    // Iterates in key order.
    using const_iterator = typename map_type::const_iterator;

    // Not copyable: a copy's index would point into the original's nodes.
    // Moving keeps every node (and so every indexed iterator) in place.
    hashed_bytes_map() = default;
    hashed_bytes_map(const hashed_bytes_map&) = delete;
    hashed_bytes_map& operator=(const hashed_bytes_map&) = delete;
    // Movable: the nodes stay where they are.
    hashed_bytes_map(hashed_bytes_map&&) noexcept = default;
    // Movable: the nodes stay where they are.
    hashed_bytes_map& operator=(hashed_bytes_map&&) noexcept = default;

    // The entry of key; end() when absent.
    iterator find(bytes_view key) {
        auto it = index_.find(key);
        return it == index_.end() ? map_.end() : it->second;
    }
    // Inserts (key, V(args...)) unless key is present; the element and
    // whether it was inserted, as std::map::try_emplace.
    template<class... Args>
    std::pair<iterator, bool> try_emplace(bytes_view key, Args&&... args) {
        if (auto it = find(key); it != map_.end()) return {it, false};
        auto it = map_.try_emplace(bytes(key.begin(), key.end()), std::forward<Args>(args)...).first;
        index_.emplace(bytes_view(it->first), it);
        return {it, true};
    }
    // Inserts key with a T made of args unless key is there; the entry and whether it was inserted.
    template<class... Args>
    std::pair<iterator, bool> try_emplace(bytes&& key, Args&&... args) {
        if (auto it = find(key); it != map_.end()) return {it, false};
        auto it = map_.try_emplace(std::move(key), std::forward<Args>(args)...).first;
        index_.emplace(bytes_view(it->first), it);
        return {it, true};
    }
    // Removes the entry at it; the next one.
    iterator erase(iterator it) {
        index_.erase(bytes_view(it->first));
        return map_.erase(it);
    }
    // Removes key if present; how many were removed (0 or 1).
    size_t erase(bytes_view key) {
        auto it = find(key);
        if (it == map_.end()) return 0;
        erase(it);
        return 1;
    }
    // Removes every entry.
    void clear() {
        index_.clear();
        map_.clear();
    }

    // How many entries.
    size_t size() const { return map_.size(); }
    // Whether there is none.
    bool empty() const { return map_.empty(); }
    // The first entry in key order.
    iterator begin() { return map_.begin(); }
    // Past the last entry.
    iterator end() { return map_.end(); }
    // The first entry in key order.
    const_iterator begin() const { return map_.begin(); }
    // Past the last entry.
    const_iterator end() const { return map_.end(); }
    // The first entry whose key is not less than key.
    iterator lower_bound(bytes_view key) { return map_.lower_bound(key); }
    // The first entry whose key is greater than key.
    iterator upper_bound(bytes_view key) { return map_.upper_bound(key); }
    // The ordered map, read-only.
    const map_type& ordered() const { return map_; }

private:
    map_type map_;
    // Views point into map_'s nodes, which std::map never moves.
    std::unordered_map<bytes_view, iterator, bytes_view_hash, bytes_view_equal> index_;
};

}  // namespace samsa::streams
