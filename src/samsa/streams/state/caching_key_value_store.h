#pragma once
// caching_key_value_store: a write-back cache on top of a store stack (Kafka
// Streams' CachingKeyValueStore with its NamedCache). Writes stay in memory,
// newest value per key, until flush() (at commit) or until the cache holds more
// than cache_max_bytes and evicts its least recently used entry; then the
// dirty entries are written to the layer below in the order they were last
// written, and each is handed to the flush listener, which the DSL uses to
// forward one update per key per commit instead of one per record.
//
//   put(k, v1), put(k, v2), flush()  ->  below: put(k, v2); listener(k, v2, old)
//
// Reads see the cache first (a cached deletion hides the key below); range,
// prefix_scan and all() merge the cache over the layer below. While it writes
// entries down, the record timestamp seen by the layers below is the entry's
// own, so the changelog carries the timestamp of the record that wrote it, as
// Kafka's does.
//
// Threads: owned by one stream thread, never locked. The listener runs on that
// thread, inside flush(), and may read and write this store.

#include <list>
#include <map>

#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

class caching_key_value_store final : public wrapping_key_value_store {
public:
    using wrapping_key_value_store::wrapping_key_value_store;

    [[nodiscard]] status init(const store_context& context) override;
    // Writes the dirty entries down (calling the listener), then flushes below.
    void flush() override;
    void flush_cache() override;
    void close() override;

    std::optional<bytes> get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    // Restoration bypasses the cache (and drops any cached copy of the key).
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override;
    bool set_flush_listener(cache_flush_listener listener, bool send_old_values) override;

    // Bytes held now, as counted against cache_max_bytes.
    int64_t cached_bytes() const { return cached_bytes_; }

private:
    struct entry {
        std::optional<bytes> value;  // nullopt: deleted
        bool dirty = false;
        int64_t timestamp = 0;
        std::list<const bytes*>::iterator lru_pos;    // into lru_, most recent at the back
        std::list<const bytes*>::iterator dirty_pos;  // into dirty_, valid when dirty
    };
    using cache_map = std::map<bytes, entry, bytes_less>;

    void check_open() const;
    int64_t current_timestamp() const;
    void cache_put(bytes_view key, std::optional<bytes_view> value, bool dirty, int64_t timestamp);
    void touch(entry& e);
    void erase(cache_map::iterator it);
    void evict_if_full();
    void write_dirty_down();
    std::unique_ptr<bytes_iterator> merge(std::unique_ptr<bytes_iterator> below, cache_map::iterator first,
                                          const std::function<bool(bytes_view)>& in_range);
    static int64_t size_of(bytes_view key, const std::optional<bytes>& value);

    cache_map cache_;
    std::list<const bytes*> lru_;
    std::list<const bytes*> dirty_;
    int64_t cached_bytes_ = 0;
    int64_t max_bytes_ = 0;
    bool open_ = false;
    cache_flush_listener listener_;
    bool send_old_values_ = false;
    std::function<int64_t()> record_timestamp_;
    // Set while entries are written down: the timestamp the layers below see
    // as the current record's, and a guard against evicting from inside the
    // listener.
    std::optional<int64_t> flushing_timestamp_;
    bool flushing_ = false;
};

}  // namespace samsa::streams
