#pragma once
// key_value_store<K, V>: the typed view processors use (Kafka Streams'
// KeyValueStore<K, V> as the metered layer presents it): serializes with
// serde<K> / serde<V> and calls a key_value_bytes_store stack it does not own.
// The task owns the stack; a facade is cheap to make and to copy.
//
// Range and all() follow the order of the serialized keys, not of K (as in
// Kafka: int32 keys sort as big-endian two's complement bytes, so -1 comes
// after 1).
//
// Deserialization errors of stored data throw serde_error; store failures
// throw state_store_error (see state_store.h).
//
// find(key): the decoded value by pointer, for readers that only look (join
// value getters): valid until the next call on this facade, or on another
// facade sharing its decoded cache.
//
// enable_decoded_cache(n) / share_decoded_cache(slot, n): a cache of decoded
// values for get() and find(), for readers that look the same keys up again
// and again (join value getters): re-parsing a JSON row on every lookup costs
// far more than the lookup. Facades given the same slot share one cache, so a
// row is decoded once for all the task's readers of a store (every facade on
// a slot must have the same K, V and serdes). put() does not fill it with the
// value it was given: a serde need not round-trip (a to_json may leave a
// field out), and readers must see what the store holds. Kafka Streams
// caches bytes, not objects; this cache never changes what get() returns.
// While the stack's write_count() has not moved since an entry was checked,
// the entry is returned without reading the stored bytes (the read's effects
// on the stack, such as the record cache's LRU order, still happen: through
// the entry's read_token, which names the key's record cache entry, when the
// stack has issued one and it is still good, so that a hit serializes no key
// and looks nothing up by key; else through note_read_known() with the bytes
// the entry was checked against, which a record cache that has evicted the
// key keeps again, as get() would, without reading them below); once it has
// moved, the entry is checked again against the stored bytes it was decoded from (one
// store read), so a write through any facade or layer (or a restore) is seen
// without a notification protocol between layers. A token naming a record
// cache entry is finer: the entry changes generation when its own key is
// written, so the entry stays a hit while other keys are written. It assumes the value deserializer is a pure function of its
// bytes (the built-in serdes are). Absent keys are cached too. Bounded:
// cleared when it reaches n entries (not while a read it started is in the
// store, whose evictions may forward to readers of this cache).
//
// Threads: the stream thread owning the store, never locked.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/huge_page_arena.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// Kafka Streams' KeyValueStore<K, V>: the typed facade over a bytes store stack; see the top of this file.
template<class K, class V>
class key_value_store {
public:
    // topic: the name serdes are called with; Kafka uses the changelog topic
    // name (changelog_topic_name()) whether or not logging is on.
    key_value_store(key_value_bytes_store& store, serde<K> key_serde, serde<V> value_serde, std::string topic)
        : store_(&store), key_serde_(std::move(key_serde)), value_serde_(std::move(value_serde)),
          topic_(std::move(topic)) {}

    // The store's name.
    const std::string& name() const { return store_->name(); }
    // Whether the store keeps its data on disk (RocksDB).
    bool persistent() const { return store_->persistent(); }
    // Between the store's init() and close().
    bool is_open() const { return store_->is_open(); }
    // Flushes the stack (state_store::flush()).
    void flush() { store_->flush(); }
    // The bytes stack behind this facade.
    key_value_bytes_store& bytes_store() { return *store_; }
    // The topic the serdes are called with.
    const std::string& topic() const { return topic_; }

    // The value of key; nullopt when absent.
    std::optional<V> get(const K& key) {
        if constexpr (std::is_copy_constructible_v<V>) {
            if (cache_) {
                const V* v = cache_->find(key, *this);
                return v ? std::optional<V>(*v) : std::nullopt;
            }
        }
        return from_stored(store_->get(key_bytes(key)));
    }
    // The value of key by pointer; nullptr when absent (see the top of this file for how long it stays valid).
    const V* find(const K& key) {
        if (cache_) return cache_->find(key, *this);
        last_found_ = from_stored(store_->get(key_bytes(key)));
        return last_found_ ? &*last_found_ : nullptr;
    }
    // key's value decoded from stored, the bytes a record cache's flush hands
    // its listener (what the store holds for key then), kept in the decoded
    // cache so that the next find() of key, once it has read the store and
    // found these bytes, decodes nothing; nullptr, and nothing decoded, when
    // this facade has no decoded cache. The entry is trusted only after that
    // read, so what readers see is still decoded from what the store holds.
    const V* decode_flushed(const K& key, bytes_view stored) {
        return cache_ ? cache_->decode_flushed(key, stored, *this) : nullptr;
    }
    // A decoded-value cache of its own, of at most max_entries.
    void enable_decoded_cache(size_t max_entries) { cache_ = std::make_shared<decoded_cache>(max_entries); }
    // A decoded-value cache shared through slot (task_context::shared_slot) with the other facades on it.
    void share_decoded_cache(std::shared_ptr<void>& slot, size_t max_entries) {
        if (!slot) slot = std::make_shared<decoded_cache>(max_entries);
        cache_ = std::static_pointer_cast<decoded_cache>(slot);
    }
    // Writes key's value; nullopt deletes key (Kafka's put(key, null)).
    void put(const K& key, const std::optional<V>& value) {
        store_->put(key_bytes(key), value_view(to_stored(value)));
    }
    // Writes value only when key is absent; returns the value already there (nullopt when this call wrote).
    std::optional<V> put_if_absent(const K& key, const std::optional<V>& value) {
        return from_stored(store_->put_if_absent(key_bytes(key), value_view(to_stored(value))));
    }
    // put() for each entry, in order.
    void put_all(const std::vector<key_value<K, std::optional<V>>>& entries) {
        std::vector<bytes_entry> raw;
        raw.reserve(entries.size());
        for (const auto& e : entries) raw.push_back(bytes_entry{key_bytes(e.key), to_stored(e.value)});
        store_->put_all(raw);
    }
    // Deletes key and returns its old value (Kafka's delete()).
    std::optional<V> remove(const K& key) { return from_stored(store_->remove(key_bytes(key))); }

    // The entries with from <= key <= to in serialized-key order (nothing when from > to).
    std::unique_ptr<key_value_iterator<K, V>> range(const K& from, const K& to) {
        return wrap(store_->range(key_bytes(from), key_bytes(to)));
    }
    // Every entry, in serialized-key order.
    std::unique_ptr<key_value_iterator<K, V>> all() { return wrap(store_->all()); }
    // prefix: serialized by the caller, since a prefix of a key is seldom a K.
    std::unique_ptr<key_value_iterator<K, V>> prefix_scan(bytes_view prefix) {
        return wrap(store_->prefix_scan(prefix));
    }
    // Exact for in-memory stores, RocksDB's estimate for persistent ones.
    int64_t approximate_num_entries() { return store_->approximate_num_entries(); }

    // The key serde.
    const serde<K>& key_serde() const { return key_serde_; }
    // The value serde.
    const serde<V>& value_serde() const { return value_serde_; }

private:
    // Holds copies of the deserializers, so it may outlive the facade (not the
    // store).
    class typed_iterator final : public key_value_iterator<K, V> {
    public:
        typed_iterator(std::unique_ptr<bytes_iterator> inner, const key_value_store& owner)
            : inner_(std::move(inner)), key_deserialize_(owner.key_serde_.deserialize),
              value_deserialize_(owner.value_serde_.deserialize), topic_(owner.topic_) {}
        bool has_next() override { return inner_->has_next(); }
        key_value<K, V> next() override {
            auto kv = inner_->next();
            return {key_deserialize_(topic_, kv.key), value_deserialize_(topic_, kv.value)};
        }
        K peek_next_key() override { return key_deserialize_(topic_, inner_->peek_next_key()); }

    private:
        std::unique_ptr<bytes_iterator> inner_;
        decltype(serde<K>::deserialize) key_deserialize_;
        decltype(serde<V>::deserialize) value_deserialize_;
        std::string topic_;
    };

    // Shared by copies of a facade (a shared_ptr so the facade stays cheap to
    // copy; copies read the same store, and entries validate themselves).
    // Keyed by K itself when std::hash<K> exists, so a hit serializes nothing
    // and probes no separate key buffer; that stays exact even for a serde
    // that maps two keys to the same bytes, since an entry is only trusted
    // while nothing was written and is otherwise checked against the store.
    //
    // Laid out for lookups of random keys in a table bigger than the CPU's
    // caches (a join's row per order), where each line read is a miss: an
    // open-addressing index of 8-byte (tag, entry number) slots, a quarter
    // of the size of (hash, pointer) slots at the load it allows, so the
    // index of a 20 000-row table (256 KiB) stays in the CPU's second-level
    // cache; and the entries in chunks that never move, each starting on a
    // cache line with its key, check and token, then the value, then the
    // stored bytes (read only once the store was written). A hit reads one
    // slot and the entry's first lines. Index and entries are in 2 MiB huge
    // pages once the cache is large (huge_page_arena.h), so those reads do
    // not also miss the TLB (a 100k-row table's entries span 6,000+ 4 KiB
    // pages).
    //
    // Three ways to answer: the entry's token, when the stack still takes it
    // (nothing the entry depends on was written); the entry's stored bytes,
    // handed to the stack when its token is spent but nothing was written
    // since (note_read_known: a record cache keeps them again, nothing is
    // read below); or the stored bytes, read and compared with those the
    // entry was decoded from.
    class decoded_cache {
    public:
        // Entries are numbered by 32 bits.
        explicit decoded_cache(size_t max_entries) : max_entries_(std::min<size_t>(max_entries, UINT32_MAX)) {}
        ~decoded_cache() { destroy_nodes(); }
        decoded_cache(const decoded_cache&) = delete;
        decoded_cache& operator=(const decoded_cache&) = delete;
        const V* find(const K& key, const key_value_store& owner) {
            const uint64_t hash = hash_of(key, owner);
            node* n = lookup(hash, key, owner);
            // The common hit: the stack checks that the key cannot have
            // changed since the entry was checked (its record-cache entry
            // unwritten, or nothing written at all) and does the read's
            // effects (the record cache's LRU order above all) through the
            // entry's token, with no key serialized and no lookup by key. It
            // wrote and evicted nothing when it says yes, so n is still good.
            if (n && n->checked_at != unchecked) {
                if (n->token.valid && owner.store_->note_read_again(n->token, n->checked_at)) return value_of(*n);
                // The token is spent (its record-cache entry was evicted, a
                // large table's usual case) but the stack may still be
                // unwritten since the entry was checked: then the entry's
                // bytes are the stored ones, and the stack does what get()
                // does with them instead of reading them again (RocksDB).
                if (read_known(*n, key, owner)) return value_of(*n);
            }
            // Else read as get() does, which also issues a token for the next
            // hit. The count is read before the store: a write after this
            // point moves it, and the next find() checks again.
            const uint64_t writes = owner.store_->write_count().value_or(unchecked);
            read_token token;
            std::optional<bytes> stored = owner.store_->get_issuing(owner.key_bytes(key), token);
            // The get may have evicted, and what that forwarded may have
            // looked keys up here (a nested find), adding this one.
            n = lookup(hash, key, owner);
            if (!n || n->stored != stored) {
                std::optional<V> value;
                if (stored) value.emplace(owner.value_serde_.deserialize(owner.topic_, *stored));
                if (!n) n = &insert(hash, key, owner);
                n->value = std::move(value);
                n->stored = std::move(stored);
            }
            n->checked_at = writes;
            n->token = unless_written(writes, token, owner);
            return value_of(*n);
        }

        // key_value_store::decode_flushed(): the entry holds value decoded
        // from stored, unchecked (the next find() reads the store and
        // compares before it trusts it), unless it already holds them.
        const V* decode_flushed(const K& key, bytes_view stored, const key_value_store& owner) {
            const uint64_t hash = hash_of(key, owner);
            node* n = lookup(hash, key, owner);
            if (n && n->stored && std::ranges::equal(*n->stored, stored)) return value_of(*n);
            std::optional<V> value(std::in_place, owner.value_serde_.deserialize(owner.topic_, stored));
            if (!n) n = &insert(hash, key, owner);
            n->value = std::move(value);
            n->stored.emplace(stored.begin(), stored.end());
            n->checked_at = unchecked;
            n->token = read_token{};
            return value_of(*n);
        }

    private:
        struct bytes_hash {
            size_t operator()(const bytes& b) const {
                return std::hash<std::string_view>{}(
                    std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
            }
        };
        static constexpr bool keyed_by_k = requires(const K& k) {
            { std::hash<K>{}(k) } -> std::convertible_to<size_t>;
            { k == k } -> std::convertible_to<bool>;
        };
        using cache_key = std::conditional_t<keyed_by_k, K, bytes>;
        using cache_hash = std::conditional_t<keyed_by_k, std::hash<K>, bytes_hash>;
        // checked_at of an entry never compared at a known write count.
        static constexpr uint64_t unchecked = UINT64_MAX;

        struct alignas(64) node {
            explicit node(cache_key k) : key(std::move(k)) {}
            cache_key key;
            uint64_t checked_at = unchecked;  // write_count() when last compared with the stored bytes
            read_token token;                 // the stack's, for hits (invalid: read by key)
            std::optional<V> value;           // nullopt: the key was absent
            uint64_t hash = 0;                // for placing it again when the index grows
            std::optional<bytes> stored;      // what value was decoded from; nullopt: absent
        };
        // tag 0: empty; otherwise the hash's high half with the low bit set.
        struct slot {
            uint32_t tag = 0;
            uint32_t entry = 0;  // its node's number
        };
        static constexpr size_t chunk_size = 64;  // 16-24 KiB of entries of a few lines each

        static const V* value_of(const node& n) { return n.value ? &*n.value : nullptr; }
        // The key's read through note_read_known(), with the bytes n was
        // checked against; false: the stack was written since (or refuses).
        bool read_known(node& n, const K& key, const key_value_store& owner) {
            const uint64_t seen = n.checked_at;
            read_token token;
            {
                store_call call(*this);  // keeps n alive through nested finds
                if (!owner.store_->note_read_known(owner.key_bytes(key), value_view(n.stored), seen, token)) {
                    return false;
                }
            }
            n.token = unless_written(seen, token, owner);
            return true;
        }
        // token, unless the stack was written after writes_before: what an
        // eviction forwarded during the read may have written the key after
        // its value was read, and then the token, issued after, would vouch
        // for the new value while the entry holds the old one.
        static read_token unless_written(uint64_t writes_before, const read_token& token,
                                         const key_value_store& owner) {
            return owner.store_->write_count().value_or(unchecked) == writes_before ? token : read_token{};
        }
        // Marks a call into the store in progress: what an eviction forwards
        // may look keys up here meanwhile, and must not clear the cache
        // under the entry the outer find() holds.
        class store_call {
        public:
            explicit store_call(decoded_cache& cache) : cache_(cache) { ++cache_.store_calls_; }
            ~store_call() { --cache_.store_calls_; }
            store_call(const store_call&) = delete;
            store_call& operator=(const store_call&) = delete;

        private:
            decoded_cache& cache_;
        };

        // Mixed (murmur3's finalizer), since the index takes the low bits and
        // std::hash of an integer is the integer itself: keys 1024 apart
        // would otherwise all probe from one slot.
        static uint64_t hash_of(const K& key, const key_value_store& owner) {
            uint64_t h;
            if constexpr (keyed_by_k) h = cache_hash{}(key);
            else h = cache_hash{}(owner.key_bytes(key));
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdULL;
            h ^= h >> 33;
            return h;
        }
        static uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32) | 1; }
        static bool matches(const node& n, const K& key, const key_value_store& owner) {
            if constexpr (keyed_by_k) return n.key == key;
            else return n.key == owner.key_bytes(key);
        }
        node& at(uint32_t entry) { return chunks_[entry / chunk_size][entry % chunk_size]; }
        node* lookup(uint64_t hash, const K& key, const key_value_store& owner) {
            if (slots_.empty()) return nullptr;
            const uint32_t tag = tag_of(hash);
            const size_t mask = slots_.size() - 1;
            for (size_t i = hash & mask;; i = (i + 1) & mask) {
                const slot s = slots_[i];
                if (s.tag == 0) return nullptr;
                if (s.tag == tag && matches(at(s.entry), key, owner)) return &at(s.entry);
            }
        }
        node& insert(uint64_t hash, const K& key, const key_value_store& owner) {
            if (size_ >= max_entries_ && store_calls_ == 0) clear();  // else a little over, until then
            // At most three quarters full, so probes stay short and always end.
            if ((size_ + 1) * 4 > slots_.size() * 3) grow();
            // Nodes are made in place in their chunk and never move. A chunk
            // is taken when the last one is full (not when a node is next
            // made in it: a constructor that threw left it empty).
            if (size_ == chunks_.size() * chunk_size) {
                chunks_.push_back(static_cast<node*>(memory_.allocate(chunk_size * sizeof(node))));
            }
            node* place_of_node = &chunks_.back()[size_ % chunk_size];
            if constexpr (keyed_by_k) ::new (place_of_node) node(key);
            else ::new (place_of_node) node(owner.key_bytes(key));
            const auto entry = static_cast<uint32_t>(size_++);
            at(entry).hash = hash;
            place(slots_, slot{tag_of(hash), entry}, hash);
            return at(entry);
        }
        void clear() {
            destroy_nodes();
            chunks_.clear();
            slots_ = {};
            memory_.release_all();
            size_ = 0;
        }
        void destroy_nodes() {
            for (size_t i = 0; i < size_; ++i) at(static_cast<uint32_t>(i)).~node();
        }
        void grow() {
            // The smaller index stays in memory_ until the cache is cleared:
            // at most the size of the bigger one.
            const size_t count = slots_.empty() ? 64 : slots_.size() * 2;
            std::span<slot> bigger(static_cast<slot*>(memory_.allocate(count * sizeof(slot))), count);
            std::uninitialized_value_construct_n(bigger.data(), count);
            for (const slot& s : slots_) {
                if (s.tag != 0) place(bigger, s, at(s.entry).hash);
            }
            slots_ = bigger;
        }
        static void place(std::span<slot> slots, slot s, uint64_t hash) {
            const size_t mask = slots.size() - 1;
            size_t i = hash & mask;
            while (slots[i].tag != 0) i = (i + 1) & mask;
            slots[i] = s;
        }

        size_t max_entries_;
        size_t size_ = 0;
        int store_calls_ = 0;  // store_call: read_known()'s, in progress
        // The nodes' and the index's memory, in huge pages once the cache is
        // large: a join's lookups of a large table read a random slot and
        // node, and with 4 KiB pages each also missed the TLB
        // (huge_page_arena.h; issue 12, s21-hT).
        huge_page_arena memory_;
        std::vector<node*> chunks_;  // of chunk_size nodes each (in memory_), the last one filling
        std::span<slot> slots_;      // in memory_, a power of two in size
    };

    bytes key_bytes(const K& key) const { return key_serde_.serialize(topic_, key); }
    std::optional<bytes> to_stored(const std::optional<V>& value) const {
        if (!value) return std::nullopt;
        return value_serde_.serialize(topic_, *value);
    }
    static std::optional<bytes_view> value_view(const std::optional<bytes>& b) {
        if (!b) return std::nullopt;
        return bytes_view(*b);
    }
    std::optional<V> from_stored(const std::optional<bytes>& b) const {
        if (!b) return std::nullopt;
        return value_serde_.deserialize(topic_, *b);
    }
    std::unique_ptr<key_value_iterator<K, V>> wrap(std::unique_ptr<bytes_iterator> it) const {
        return std::make_unique<typed_iterator>(std::move(it), *this);
    }

    key_value_bytes_store* store_;
    serde<K> key_serde_;
    serde<V> value_serde_;
    std::string topic_;
    std::shared_ptr<decoded_cache> cache_;
    std::optional<V> last_found_;  // what find() points to without a cache
};

}  // namespace samsa::streams
