#pragma once
// caching_key_value_store: the record cache of a store stack (Kafka Streams'
// CachingKeyValueStore with its NamedCache), as the DSL's stores have it by
// default. Writes stay in memory, newest value per key, until the task
// commits (flush_cache(), flush()) or until the thread's caches together
// hold more than their budget (thread_cache) and this cache evicts its least
// recently used entry; then dirty entries are written to the layer below
// (and so to the changelog) and each is handed to the flush listener, which
// the DSL uses to forward one update per key per commit instead of one per
// record:
//
//   put(k, v1), put(k, v2), flush_cache()  ->  below: put(k, v2); listener(k, v2, old)
//
// The rules are Kafka 3.8's, so that outputs equal Kafka's for the same
// cache size and commits:
//  - dirty entries are written down in the order of their last write; an
//    eviction writes the evicted entry first, then every other dirty entry;
//  - while an entry is written down and forwarded, the task's record context
//    is the one of the record that last wrote it (timestamp, headers, topic,
//    partition, offset), so the changelog and everything downstream see it;
//  - the old value handed to the listener is read from the layer below, so
//    it is the value as of the last flush, not of the last write; it is
//    passed only when asked for (send_old_values);
//  - a key written and deleted again while cached, and absent below, is
//    neither written nor forwarded; a deleted entry leaves the cache once
//    written down;
//  - reads go to the cache first (a cached deletion hides the key below); a
//    key read from below is cached, clean; range, prefix_scan and all() merge
//    the cache over the layer below. Only the entries put by a write take
//    part in the merge, put in key order when a merge needs them: an entry
//    cached by a read holds what the layer below holds until its key is
//    written (every write goes through this layer; restore drops the cached
//    key), so merging it would change nothing. A read miss thus costs a
//    hash insert and an eviction a hash erase, and a write no ordered insert
//    until the store is scanned (at the issue scale every join lookup misses
//    and evicts; the test driver's table updates were a std::map insert each);
//  - a reader holding a read_token (key_value_store's decoded cache) makes
//    its key the most recently used through the token, with no lookup by
//    key: the token names the entry and its generation. Entries live in a
//    pool the layer keeps until it is destroyed, and an entry takes a new
//    generation when its key is written and when it leaves the cache
//    (eviction, deletion written down, restore, close), so a token is good
//    exactly while its key has stayed cached and unwritten, and vouches for
//    the key's bytes (reads come here first); then the reader reads by key
//    again, which behaves as get() does. Tokens carry the layer's id (unique
//    in the process), so one is never taken for another layer's;
//  - a reader who knows the key's value because nothing was written since
//    it read it (note_read_known) is answered as get() would be, except that
//    on a miss nothing is read below and the new clean entry does not copy
//    the reader's bytes (held_below): it is counted at their size, so the
//    entry, LRU order, budget, hit ratio and evictions are get()'s, and a
//    later get() that hits it reads the value below once (a clean entry
//    holds what the layer below holds);
//  - an entry costs what Kafka's LRUCacheEntry and NamedCache node count:
//    key + value + 24 (node) + 1 (dirty flag) + 8 + 8 + 4 (timestamp,
//    offset, partition) + topic + headers.
//
// Window and session stores (Kafka's CachingWindowStore and
// CachingSessionStore) use this same cache with segmented_cache_keys: an
// entry's cache key is the segment id of its time (8 bytes, big-endian;
// Kafka's SegmentedCacheFunction) followed by the binary window or session
// key, so the cache iterates in the order of the segmented store below
// (segment by segment, bytes within) and range(), all() and
// all_in_live_segments() merge the two in that order, the cache winning
// (Kafka's MergedSortedCacheWindowStoreIterator); a range keeps, on both
// sides, the keys inside [from, to] whose segment lies between from's and
// to's. Unlike key-value stores, reads from below are not cached, and the
// listener gets the binary window or session key (without the prefix).
//
// Threads: owned by one stream thread, never locked. The listener runs on
// that thread, inside flush or put, and may read and write this store.

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "samsa/streams/export.h"
#include "samsa/streams/state/hashed_bytes_map.h"
#include "samsa/streams/state/segmented_bytes_store.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

// How a window or session store's cache orders its keys: by the segment of
// the key's time (window start, session end), as the store below does.
struct segmented_cache_keys {
    // The segments' span, in ms.
    int64_t segment_interval_ms = 60'000;
    // Window or session keys.
    segmented_key_kind key_kind = segmented_key_kind::window;
};

// The caching layer of a store stack (Kafka's CachingKeyValueStore); see the top of this file.
class SAMSA_STREAMS_API caching_key_value_store final : public wrapping_key_value_store {
public:
    // segments: set for window and session stores (see above).
    explicit caching_key_value_store(std::unique_ptr<key_value_bytes_store> inner,
                                     std::optional<segmented_cache_keys> segments = std::nullopt)
        : wrapping_key_value_store(std::move(inner)), segments_(segments) {}
    ~caching_key_value_store() override;

    [[nodiscard]] status init(const store_context& context) override;
    // Writes the dirty entries down (calling the listener), then flushes below.
    void flush() override;
    void flush_cache() override;
    void close() override;

    std::optional<bytes> get(bytes_view key) override;
    void note_read(bytes_view key) override;
    void note_read_issuing(bytes_view key, read_token& token) override;
    std::optional<bytes> get_issuing(bytes_view key, read_token& token) override;
    bool note_read_again(const read_token& token, uint64_t writes_seen) override;
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override;
    // The cached value (the latest write) or the one below; nothing cached,
    // touched or evicted.
    std::optional<bytes> query_get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> all_in_live_segments() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    // Restoration bypasses the cache (and drops any cached copy of the key).
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override;
    bool set_flush_listener(cache_flush_listener listener, bool send_old_values) override;

    // Kafka's NamedCache hit ratio: after each read that hits, hits / reads
    // so far (a miss is counted, not recorded, as Kafka does). Only kept
    // when it records.
    bool set_cache_hit_ratio_sensor(store_sensor* sensor) override {
        hit_ratio_ = sensor && sensor->should_record() ? sensor : nullptr;
        return true;
    }

    // Kafka's NamedCache records its size in bytes into the task's
    // cache-size-bytes-total after each change (put, eviction, delete); the
    // task's caches share the sensor, so it shows the last cache that
    // changed, as in Kafka. Only kept when it records.
    bool set_cache_size_sensor(store_sensor* sensor) override {
        cache_size_ = sensor && sensor->should_record() ? sensor : nullptr;
        return true;
    }

    // Bytes this cache holds now, as counted against the budget.
    int64_t cached_bytes() const { return cached_bytes_; }

private:
    struct entry;
    // An entry's place in the dirty order: the entries link to each other
    // (no list node of their own).
    struct chain_link {
        entry* prev = nullptr;
        entry* next = nullptr;
    };
    // The written entries in cache-key order (range, all, prefix_scan and
    // the merges; see the top of this file); keys view the entries' keys.
    using ordered_entries = std::map<bytes_view, entry*, bytes_less>;
    // On cache lines of its own (three), which an eviction reads and writes
    // whole and prefetch_eldest() asks for ahead.
    struct alignas(64) entry {
        uint32_t index = 0;    // in pool_ and uses_
        bool cached = false;   // in the cache (else in free_)
        bool dirty = false;
        bool written = false;  // put by a write since it entered the cache: in written_ once ordered
        bool ordered = false;  // in written_ (else listed in unordered_written_, if written)
        // A clean entry kept by note_read_known(), whose reader holds the
        // bytes: value is not kept (it equals the layer below's, as every
        // clean entry's does), only counted in size; a get() that hits it
        // reads it below once. At the issue scale every join lookup missed
        // and copied the row into the cache, to be evicted unread.
        bool held_below = false;
        bytes key;             // the cache key
        uint32_t tag = 0;      // the key's tag in cache_ (bytes_hash_index::tag_of), while cached
        ordered_entries::iterator written_at{};  // its place in written_, when ordered
        chain_link dirty_order;                  // linked while dirty
        int64_t size = 0;
        std::optional<bytes> value;  // nullopt: deleted
        record_context context;      // of the record that wrote it (dirty entries)
    };
    // Every entry ever used, never moved, in chunks of a fixed size: a
    // std::deque of these held two per block, so reaching a random entry
    // (the eldest, a token's) first read a random line of its block map.
    class entry_pool {
    public:
        entry& operator[](size_t i) { return chunks_[i / chunk_entries][i % chunk_entries]; }
        const entry& operator[](size_t i) const { return chunks_[i / chunk_entries][i % chunk_entries]; }
        size_t size() const { return size_; }
        entry& emplace_back() {
            if (size_ % chunk_entries == 0) chunks_.push_back(std::make_unique<entry[]>(chunk_entries));
            return (*this)[size_++];
        }

    private:
        static constexpr size_t chunk_entries = 256;  // 48 KiB
        std::vector<std::unique_ptr<entry[]>> chunks_;
        size_t size_ = 0;
    };
    // Entries in order through one of their links, eldest first.
    template<chain_link entry::*Link>
    struct chain {
        entry* first = nullptr;
        entry* last = nullptr;
        size_t size = 0;

        bool empty() const { return first == nullptr; }
        void push_back(entry& e) {
            (e.*Link).prev = last;
            (e.*Link).next = nullptr;
            if (last) (last->*Link).next = &e;
            else first = &e;
            last = &e;
            ++size;
        }
        void unlink(entry& e) {
            chain_link& l = e.*Link;
            if (l.prev) (l.prev->*Link).next = l.next;
            else first = l.next;
            if (l.next) (l.next->*Link).prev = l.prev;
            else last = l.prev;
            l = chain_link{};
            --size;
        }
        // Forgets every entry (their links are stale until pushed again).
        void clear() { first = last = nullptr, size = 0; }
    };
    // An entry's key, by entry number, for the hash index.
    struct entry_key {
        const entry_pool* pool = nullptr;
        bytes_view operator()(uint32_t i) const { return (*pool)[i].key; }
    };
    // Every cached entry's number by cache key: point reads (every get,
    // twice per order in the order-mail join) and writes.
    using entry_index = bytes_hash_index<uint32_t, entry_key>;
    using tag_type = entry_index::tag_type;
    // A dirty entry as it is written down: copies, since the listener may
    // write to this store meanwhile.
    struct dirty_entry {
        bytes key;
        std::optional<bytes> value;
        record_context context;
    };

    void check_open() const;
    // The cache's key for a store key, and back (identity for key-value
    // stores).
    bytes cache_key(bytes_view key) const;
    bytes_view store_key(bytes_view cache_key) const;
    // The cached entry of a store key; nullptr when not cached.
    entry* find(bytes_view key) {
        tag_type tag;
        return find(key, tag);
    }
    // find(key), also giving the cache key's tag, for a put that follows
    // (the key is hashed once).
    entry* find(bytes_view key, tag_type& tag);
    // get(), also giving the key's entry after the read (nullptr: not
    // cached), so that a reader asking for a token looks nothing up again.
    std::optional<bytes> read(bytes_view key, entry*& cached);
    entry& cache_put(bytes_view key, std::optional<bytes_view> value, bool dirty);
    // cache_put() of a key already looked up: found is find(key, tag).
    // hold false (a clean entry of a value its reader keeps): held_below.
    entry& cache_put(entry* found, tag_type tag, bytes_view key, std::optional<bytes_view> value, bool dirty,
                     bool hold);
    // A read's miss: keeps value as a clean entry (held_below unless hold),
    // maybe evicts, and gives the key's entry after that (nullptr: evicted
    // again, or rewritten by what the eviction forwarded). tag: the key's,
    // from find().
    entry* keep_read(tag_type tag, bytes_view key, bytes_view value, bool hold);
    // read()'s hit of a held_below entry: its value, from below.
    std::optional<bytes> fetch_held_below(entry& e, bytes_view key);
    // The LRU order (see uses_): an access makes the entry the most
    // recently used.
    void touch(uint32_t i);
    void touch(entry& e) { touch(e.index); }
    // Links entry i into the order as the most recently used, and out of it.
    void link_newest(uint32_t i);
    void unlink_use(uint32_t i);
    // Brings the next evictions' lines toward the CPU (see uses_).
    void prefetch_eldest() const;
    // note_read(key): the key's entry after the read, nullptr when not cached.
    entry* noted_read(bytes_view key);
    // A token for e (nullptr: none).
    read_token token_for(entry* e) const;
    // An entry from the pool, and back (with a new generation). An entry
    // released by an eviction keeps its key and value buffers (up to
    // kept_buffer_bytes each) for the entry that replaces it: at the issue
    // scale every join lookup misses, inserts and evicts, and that was two
    // allocations and two frees per lookup. keep_buffers false (close,
    // restore) frees them.
    entry* allocate();
    void release(entry& e, bool keep_buffers);
    static constexpr size_t kept_buffer_bytes = 1024;
    // A layer id, unique in the process.
    static uint64_t fresh_id();
    // Takes e out of the cache.
    void erase(entry& e);
    void maybe_evict();
    void evict_eldest();
    // Kafka's NamedCache.flush(evicted): the evicted entry (if any), then
    // every dirty one, in order.
    void flush_dirty(std::optional<dirty_entry> evicted);
    // Kafka's putAndMaybeForward.
    void write_down(const dirty_entry& e);
    void clear_cache();
    // Merges below's entries and the cache's written ones from first while
    // in_range (both sides by cache key), keeping the cache's whose store key
    // passes keep.
    std::unique_ptr<bytes_iterator> merge(std::unique_ptr<bytes_iterator> below, ordered_entries::iterator first,
                                          const std::function<bool(bytes_view)>& in_range,
                                          const std::function<bool(bytes_view)>& keep);

    void count_read(bool hit);
    // written_, with every written entry in it.
    ordered_entries& ordered_written();

    store_sensor* hit_ratio_ = nullptr;
    store_sensor* cache_size_ = nullptr;
    int64_t read_hits_ = 0;
    int64_t read_misses_ = 0;

    std::optional<segmented_cache_keys> segments_;
    entry_pool pool_;  // before cache_, whose keys it holds
    entry_index cache_{entry_key{&pool_}};
    // The written entries, ordered only when a merge needs them: a table
    // update was a std::map insert (log n key compares) that no read ever
    // used unless the store is scanned (the order-mail tables never are).
    // ordered_written() moves unordered_written_ (entry indexes, maybe stale
    // or listed twice) into written_.
    ordered_entries written_;
    std::vector<uint32_t> unordered_written_;
    bytes lookup_key_;  // find()'s cache key of a window or session key, reused
    // An entry's generation (renewed on each write of its key and when it
    // leaves the cache: read_token) and its place in the LRU order, by entry
    // index, apart from the entries: 16 bytes each, side by side, so a read
    // hit through a token reads one of these and writes its neighbours'.
    //
    // The LRU order is a doubly linked list over these, eldest first: exact
    // by construction, as Kafka's NamedCache's, whose eviction order decides
    // which dirty entry is forwarded when. An access moves the entry to the
    // newest end: stores into its two neighbours (random lines, but nothing
    // loaded from them waits). Eviction takes the eldest end. Before it was
    // a lazily mended min-heap of last-use stamps, which cost a heap push per
    // eldest entry used since it entered (a pop there reads a random line
    // per level) and a load of the eldest entry to see whether it was still
    // cached: at the issue scale nearly every join lookup misses and evicts,
    // and that was 4-7% of the thread (issue 12, s20-hC).
    //
    // The entries next in line for eviction are known ahead: after each
    // eviction, prefetch_eldest() asks for the lines the next ones will read
    // (the eldest's hash slot, the one after's entry and use), which are cold
    // at that scale and were most of the cost of find/erase on eviction.
    static constexpr uint32_t no_entry = UINT32_MAX;  // never an entry index (allocate() stops below)
    struct entry_use {
        uint64_t generation = 0;
        uint32_t older = no_entry;  // toward the eldest; no_entry: none
        uint32_t newer = no_entry;  // toward the newest; no_entry: none
    };
    std::vector<entry_use> uses_;  // by entry index
    uint32_t eldest_ = no_entry;   // the LRU order's ends (no_entry: the cache is empty)
    uint32_t newest_ = no_entry;
    chain<&entry::dirty_order> dirty_;  // in the order of their last write
    std::vector<entry*> free_;          // of pool_, not in the cache
    const uint64_t id_ = fresh_id();    // read_token's layer
    int64_t cached_bytes_ = 0;
    thread_cache* budget_ = nullptr;
    std::unique_ptr<thread_cache> own_budget_;  // when the context gives none
    record_context_holder* records_ = nullptr;
    bool open_ = false;
    cache_flush_listener listener_;
    bool send_old_values_ = false;
    bool flushing_ = false;               // in flush_dirty(), writing down
    std::vector<dirty_entry> spare_batch_;  // flush_dirty()'s copies, kept between flushes
    static constexpr size_t kept_batch_entries = 16;
};

}  // namespace samsa::streams
