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
// The index is a bytes_hash_index over the map's nodes (below); the record
// cache uses that index alone over its entries, with an ordered index of
// only the entries it must merge (caching_key_value_store.h).
//
// Iterators are std::map's: stable until their element is erased. Insert
// with try_emplace, remove with erase; do not reach into the map another way,
// or the index goes stale (the map is exposed const only).
//
// Threads: none of its own; owned by one thread like the store holding it.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/prefetch.h"

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

// An open-addressing hash index over handles of entries kept elsewhere
// (map iterators, entry numbers), each entry's key found through KeyOf:
// linear probing over (32-bit tag, handle) slots, at most half full, erasing by
// shifting the following slots back (no tombstones). A lookup of a random key
// in a table larger than the CPU's caches reads one slot line and the entry;
// std::unordered_map read a bucket, the node before it and the node (its find
// was an eighth of the order-mail benchmark once every join lookup also moved
// the key in the record cache's LRU order, as Kafka's NamedCache.get does).
//
// The record cache's slots are 8 bytes (tag, entry number; issue 12,
// s20-hC): with 16-byte (hash, pointer) slots its index at the issue scale
// was half a megabyte or more per store, and a miss's probe a cold line.
//
// Handle: copyable, comparable with ==; KeyOf: a callable giving a handle's
// key bytes, which must not change while the handle is indexed (given to the
// constructor when it holds state, such as the pool the entries live in).
template<class Handle, class KeyOf>
class bytes_hash_index {
public:
    // A key's tag: 32 bits of its hash, never 0 (see tag_of).
    using tag_type = uint32_t;
    // The tag a key is indexed under; its low bits are the key's home slot.
    // A caller that finds a key and then inserts or erases it computes it
    // once (the *_tagged calls).
    static tag_type tag_of(bytes_view key) {
        return static_cast<tag_type>(bytes_view_hash{}(key)) | (tag_type{1} << 31);
    }

    // An empty index whose handles' keys key_of gives.
    explicit bytes_hash_index(KeyOf key_of = KeyOf{}) : key_of_(std::move(key_of)) {}

    // The handle whose key is key; nullptr when absent.
    const Handle* find(bytes_view key) const { return find_tagged(key, tag_of(key)); }
    // find(key), tag being tag_of(key).
    const Handle* find_tagged(bytes_view key, tag_type tag) const {
        if (slots_.empty()) return nullptr;
        const size_t mask = slots_.size() - 1;
        for (size_t i = tag & mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.tag == 0) return nullptr;
            if (s.tag == tag && bytes_view_equal{}(key_of_(s.handle), key)) return &s.handle;
        }
    }
    // Asks the CPU for the slot line a lookup of tag reads first (the record
    // cache's next eviction erases a key known ahead).
    // Computed as an integer: a prefetch never faults, so an empty index
    // needs no test.
    void prefetch(tag_type tag) const {
        const auto first = reinterpret_cast<std::uintptr_t>(slots_.data());
        prefetch_line(reinterpret_cast<const void*>(first + (tag & (slots_.size() - 1)) * sizeof(slot)));
    }
    // Indexes h, whose key is not indexed yet.
    void insert(const Handle& h) { insert_tagged(h, tag_of(key_of_(h))); }
    // insert(h), tag being tag_of of h's key.
    void insert_tagged(const Handle& h, tag_type tag) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        place(slots_, slot{tag, h});
        ++size_;
    }
    // Forgets h, which is indexed. Empties its slot, then moves back each
    // following slot of the run that may live there (its home is not
    // cyclically within (hole, its place]), so that every probe still finds
    // its key before an empty slot.
    void erase(const Handle& h) { erase_tagged(h, tag_of(key_of_(h))); }
    // erase(h), tag being tag_of of h's key: the key itself is not read (an
    // evicted entry's key is a cold line at the issue scale).
    void erase_tagged(const Handle& h, tag_type tag) {
        const size_t mask = slots_.size() - 1;
        size_t hole = tag & mask;
        while (!(slots_[hole].handle == h)) hole = (hole + 1) & mask;
        for (size_t j = (hole + 1) & mask; slots_[j].tag != 0; j = (j + 1) & mask) {
            const size_t home = slots_[j].tag & mask;
            const bool stays = hole < j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (stays) continue;
            slots_[hole] = slots_[j];
            hole = j;
        }
        slots_[hole] = slot{};
        --size_;
    }
    // Forgets every handle.
    void clear() {
        slots_.clear();
        size_ = 0;
    }
    // How many handles are indexed.
    size_t size() const { return size_; }
    // Whether none is.
    bool empty() const { return size_ == 0; }
    // Calls f(handle) for every indexed handle, in no particular order; f
    // must not change the index.
    template<class F>
    void for_each(F&& f) const {
        for (const slot& s : slots_) {
            if (s.tag != 0) f(s.handle);
        }
    }

private:
    // tag 0: empty. Otherwise tag_of(the key).
    struct slot {
        tag_type tag = 0;
        Handle handle{};
    };

    void grow() {
        std::vector<slot> bigger(slots_.empty() ? 16 : slots_.size() * 2);
        for (const slot& s : slots_) {
            if (s.tag != 0) place(bigger, s);
        }
        slots_.swap(bigger);
    }
    static void place(std::vector<slot>& slots, const slot& s) {
        const size_t mask = slots.size() - 1;
        size_t i = s.tag & mask;
        while (slots[i].tag != 0) i = (i + 1) & mask;
        slots[i] = s;
    }

    std::vector<slot> slots_;  // a power of two in size, at most half full
    size_t size_ = 0;
    [[no_unique_address]] KeyOf key_of_;
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
        const iterator* it = index_.find(key);
        return it ? *it : map_.end();
    }
    // Inserts (key, V(args...)) unless key is present; the element and
    // whether it was inserted, as std::map::try_emplace.
    template<class... Args>
    std::pair<iterator, bool> try_emplace(bytes_view key, Args&&... args) {
        if (auto it = find(key); it != map_.end()) return {it, false};
        auto it = map_.try_emplace(bytes(key.begin(), key.end()), std::forward<Args>(args)...).first;
        index_.insert(it);
        return {it, true};
    }
    // Inserts key with a T made of args unless key is there; the entry and whether it was inserted.
    template<class... Args>
    std::pair<iterator, bool> try_emplace(bytes&& key, Args&&... args) {
        if (auto it = find(key); it != map_.end()) return {it, false};
        auto it = map_.try_emplace(std::move(key), std::forward<Args>(args)...).first;
        index_.insert(it);
        return {it, true};
    }
    // Removes the entry at it; the next one.
    iterator erase(iterator it) {
        index_.erase(it);
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
    // A node's key.
    struct node_key {
        bytes_view operator()(const iterator& it) const { return it->first; }
    };

    map_type map_;
    bytes_hash_index<iterator, node_key> index_;
};

}  // namespace samsa::streams
