#pragma once
// key_value_bytes_store: a key-value store of raw bytes, the inner store that
// every layer of a store stack implements (Kafka Streams'
// KeyValueStore<Bytes, byte[]>). Serdes live only in the typed facade on top
// (key_value_store<K, V>, timestamped_key_value_store<K, V>).
//
// Semantics follow Kafka Streams:
//  - put(k, nullopt) deletes k, as put(k, null) does in Java.
//  - remove(k) deletes and returns the old value (Kafka's delete()).
//  - range(from, to) is inclusive at both ends; from > to yields nothing.
//  - keys are ordered byte-lexicographic (see key_value_iterator.h).
// Errors during an operation throw state_store_error (see state_store.h).
//
// Threads: owned by one stream thread, never locked.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_iterator.h"
#include "samsa/streams/state/state_store.h"
#include "samsa/streams/state/store_sensor.h"

namespace samsa::streams {

// The key order of every store: unsigned lexicographic, a prefix before its
// extensions (RocksDB's bytewise comparator). Transparent, so std::map lookups
// take a bytes_view without copying it.
struct bytes_less {
    using is_transparent = void;  // heterogeneous lookup
    // a < b in that order.
    bool operator()(bytes_view a, bytes_view b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    }
};

// Whether key begins with prefix (prefix scans).
inline bool starts_with(bytes_view key, bytes_view prefix) {
    return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

// One write of a put_all(): nullopt deletes.
using bytes_entry = key_value<bytes, std::optional<bytes>>;

// Called by a caching layer for each entry it writes down on flush or
// eviction (Kafka Streams' CacheFlushListener): the key, the new value
// (nullopt: deleted), the value it replaces in the store below (only when
// asked for old values, else nullopt) and the context of the record that
// last wrote the entry (its timestamp and headers; the task's current record
// context is that one too while the listener runs). The DSL forwards these
// downstream instead of forwarding every update, which is how caching
// deduplicates KTable updates.
using cache_flush_listener = std::function<void(bytes_view key, std::optional<bytes_view> new_value,
                                                std::optional<bytes_view> old_value, const record_context& context)>;

// A reader's hold on the place where a stack keeps a key it has read, so that
// reading the key again can skip the key's serialization and every lookup by
// key (key_value_store's decoded cache). Issued by note_read_issuing() and
// get_issuing(); only ever handed back to the stack that issued it. layer
// and entry name the caching layer and its entry of the key (0 and 0: the
// stack has none); generation is the entry's when issued: an entry gets
// a new one whenever its key is written and when it leaves the cache, so a
// token its layer still takes means the key still reads as it did when the
// token was issued (reads go to the cache first), whatever else was written.
struct read_token {
    // Issued, by a stack whose every layer below the reader knows tokens.
    bool valid = false;
    // The id of the caching layer that issued it (unique in the process), 0 if none.
    uint64_t layer = 0;
    // Its entry of the key, opaque to everyone else.
    uint64_t entry = 0;
    // The entry's generation at issue.
    uint64_t generation = 0;
};

// The bytes store interface every layer of a store stack implements (Kafka
// Streams' KeyValueStore<Bytes, byte[]>); see the top of this file for its
// semantics, errors and thread.
class SAMSA_STREAMS_API key_value_bytes_store : public state_store {
public:
    // The value of key; nullopt when absent.
    virtual std::optional<bytes> get(bytes_view key) = 0;
    // get() for a reader that is not the owning stream thread (interactive
    // queries): it must change nothing, so a caching layer answers from its
    // cache but does not keep what it read from below (keeping it could
    // evict, and an eviction forwards records downstream, on the caller's
    // thread). Kafka's CachingKeyValueStore fills its cache only on the
    // stream thread, for the same reason.
    virtual std::optional<bytes> query_get(bytes_view key) { return get(key); }
    // What get(key) does to the stack besides returning the value, for a
    // reader that already holds it (key_value_store's decoded cache, on the
    // owning thread): a caching layer counts the hit and makes the key its
    // most recently used (Kafka's NamedCache.get), or, when the key is not
    // cached, reads and keeps it as get() would; a metered layer times a get.
    // Without it a decoded hit would leave the record cache's eviction order,
    // and so what evictions forward and when, different from Kafka's.
    virtual void note_read(bytes_view /*key*/) {}
    // note_read(key), and token set for note_read_again() when every layer
    // from here down can take one (left invalid otherwise: a layer that does
    // not know tokens, such as a locking one, must see every read by key).
    // An inner store does nothing on reads: its token is valid and empty.
    virtual void note_read_issuing(bytes_view key, read_token& token) {
        note_read(key);
        token = read_token{true};
    }
    // get(key), and token set as note_read_issuing() sets it.
    virtual std::optional<bytes> get_issuing(bytes_view key, read_token& token) {
        token = read_token{true};
        return get(key);
    }
    // What note_read(key) would do, for a reader holding a valid token issued
    // for key, who read the key's bytes when the stack was at write count
    // writes_seen: when the key cannot have changed since (a token naming a
    // record-cache entry its layer still takes; else a write count still at
    // writes_seen, which a write-counting layer checks), does it and returns
    // true; otherwise does nothing and returns false, and the reader takes
    // the keyed path. True also means the call wrote nothing and evicted
    // nothing, so what the reader holds is still what the store holds.
    virtual bool note_read_again(const read_token& /*token*/, uint64_t /*writes_seen*/) { return true; }
    // What get_issuing(key, token) does to the stack besides reading, for a
    // reader who knows key's value: value is what get(key) returned when the
    // stack was at write count writes_seen (nullopt: absent). When the count
    // is still writes_seen (a write-counting layer checks), the stored value
    // is still that one, so nothing is read below the record cache: a
    // caching layer counts the read as get() does and, on a hit, makes the
    // entry the most recently used, on a miss keeps value as a clean entry
    // and maybe evicts, as get() does after reading below (an absent key is
    // not kept); a metered layer times a get; token is set as get_issuing()
    // sets it; returns true. Otherwise (the count moved, or a layer that
    // must see every read by key) does nothing and returns false, and the
    // reader reads by key. As with get(), an eviction may forward records
    // downstream, and they may write to this stack. value is read before
    // anything is evicted. An inner store has nothing to do: its token is
    // valid and empty.
    virtual bool note_read_known(bytes_view /*key*/, std::optional<bytes_view> /*value*/, uint64_t /*writes_seen*/,
                                 read_token& token) {
        token = read_token{true};
        return true;
    }
    // Writes key's value; nullopt deletes key.
    virtual void put(bytes_view key, std::optional<bytes_view> value) = 0;
    // Writes value only when key is absent; returns the value already there
    // (nullopt when this call wrote).
    virtual std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) = 0;
    // put() for each entry, in order.
    virtual void put_all(std::span<const bytes_entry> entries) = 0;
    // Deletes key and returns its old value.
    virtual std::optional<bytes> remove(bytes_view key) = 0;

    // The entries with from <= key <= to, in key order (nothing when from > to).
    virtual std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) = 0;
    // Every entry, in key order.
    virtual std::unique_ptr<bytes_iterator> all() = 0;
    // all(), plus the records a segmented store no longer returns because
    // they are past retention but whose segment is not dropped yet. Kafka's
    // session emit-on-window-close reads whole segments this way
    // (RocksDBTimeOrderedSessionSegmentedBytesStore.fetchSessions): with the
    // default retention (gap + grace) every closed session is already past
    // retention when it closes. Other stores have nothing more to give.
    virtual std::unique_ptr<bytes_iterator> all_in_live_segments() { return all(); }
    // Every key starting with prefix, in order (foreign-key joins use it).
    virtual std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) = 0;
    // Exact for the in-memory store, RocksDB's estimate for persistent ones.
    virtual int64_t approximate_num_entries() = 0;

    // Writes one changelog record back during restoration: like put(), but a
    // change-logging layer does not log it again, and a timestamped layer turns
    // the changelog's (raw value, record timestamp) back into its stored
    // format. Inner stores just put().
    virtual void restore(bytes_view key, std::optional<bytes_view> value, int64_t /*timestamp*/) {
        put(key, value);
    }

    // Hands the listener to the caching layer of the stack, if there is one
    // (Kafka's CachedStateStore.setFlushListener). Returns false when the
    // stack has no cache: the caller must then forward each update itself.
    virtual bool set_flush_listener(cache_flush_listener /*listener*/, bool /*send_old_values*/) { return false; }
    // Writes a caching layer's dirty entries down (forwarding them to its
    // flush listener) without flushing the layers below to disk: what a
    // task does at every commit (Kafka's flushCache()); flush() does both.
    virtual void flush_cache() {}
    // Hands the record cache's hit-ratio sensor (stream-record-cache-metrics)
    // to the caching layer of the stack, if there is one; false otherwise.
    virtual bool set_cache_hit_ratio_sensor(store_sensor* /*sensor*/) { return false; }
    // Hands the task's cache-size-bytes-total sensor (stream-task-metrics)
    // to the caching layer, if there is one; false otherwise.
    virtual bool set_cache_size_sensor(store_sensor* /*sensor*/) { return false; }

    // How many writes have gone through the stack, when its outermost layer
    // counts them (store_builder::build() adds write_counting_key_value_store),
    // else nullopt. Readers that keep decoded values (key_value_store's decoded
    // cache) use it to skip the store while nothing has changed since they last
    // looked. Any thread may ask.
    virtual std::optional<uint64_t> write_count() const { return std::nullopt; }
};

}  // namespace samsa::streams
