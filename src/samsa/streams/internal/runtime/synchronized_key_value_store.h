#pragma once
// synchronized_key_value_store: a store layer that takes a mutex around
// every call, for stores other threads read: global stores, which the global
// thread writes while every stream thread reads them, and, in the runtime,
// every task store, which interactive queries read from the application's
// threads while the stream thread writes (Kafka's in-memory stores are
// `synchronized` and its caching layer takes a lock, for the same reason).
// A lock per store call was chosen over handing queries copies or routing
// them through the stream thread: queries see the latest write (record cache
// included) at once, and an uncontended lock costs little next to a store
// call. The mutex is recursive because the stream thread re-enters its
// store: a cache flush (under the lock) forwards records downstream, whose
// processors may read the same store. Query threads only ever hold one
// store's lock and never call processors (query_get()), so no lock order
// can invert. Iterators of the stores below are copies or RocksDB snapshots;
// a reader that drains one while the stream thread may drop a segment (window
// stores) does it inside with_lock().
//
// Threads: any; this is the one store layer that locks.

#include <memory>
#include <mutex>
#include <utility>

#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams::internal {

class synchronized_key_value_store final : public wrapping_key_value_store {
public:
    using wrapping_key_value_store::wrapping_key_value_store;

    [[nodiscard]] status init(const store_context& context) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::init(context);
    }
    void flush() override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::flush();
    }
    void flush_cache() override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::flush_cache();
    }
    void close() override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::close();
    }
    bool is_open() const override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::is_open();
    }
    std::optional<bytes> get(bytes_view key) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::get(key);
    }
    std::optional<bytes> query_get(bytes_view key) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::query_get(key);
    }
    void note_read(bytes_view key) override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::note_read(key);
    }
    // Read tokens (key_value_bytes_store.h) pass through under the lock: a
    // token's entry is only read or moved while the stack is held.
    void note_read_issuing(bytes_view key, read_token& token) override {
        std::lock_guard l(mutex_);
        inner().note_read_issuing(key, token);
    }
    std::optional<bytes> get_issuing(bytes_view key, read_token& token) override {
        std::lock_guard l(mutex_);
        return inner().get_issuing(key, token);
    }
    bool note_read_again(const read_token& token, uint64_t writes_seen) override {
        std::lock_guard l(mutex_);
        return inner().note_read_again(token, writes_seen);
    }
    // The write count is checked under the lock, so no write can come
    // between the check and what the record cache keeps.
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override {
        std::lock_guard l(mutex_);
        return inner().note_read_known(key, value, writes_seen, token);
    }
    // Runs f(store) holding the lock, so that several calls (and draining
    // their iterators) see one state of the store.
    template<class F>
    decltype(auto) with_lock(F&& f) {
        std::lock_guard l(mutex_);
        return std::forward<F>(f)(static_cast<key_value_bytes_store&>(*this));
    }
    void put(bytes_view key, std::optional<bytes_view> value) override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::put(key, value);
    }
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::put_if_absent(key, value);
    }
    void put_all(std::span<const bytes_entry> entries) override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::put_all(entries);
    }
    std::optional<bytes> remove(bytes_view key) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::remove(key);
    }
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::range(from, to);
    }
    std::unique_ptr<bytes_iterator> all() override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::all();
    }
    std::unique_ptr<bytes_iterator> all_in_live_segments() override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::all_in_live_segments();
    }
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::prefix_scan(prefix);
    }
    int64_t approximate_num_entries() override {
        std::lock_guard l(mutex_);
        return wrapping_key_value_store::approximate_num_entries();
    }
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override {
        std::lock_guard l(mutex_);
        wrapping_key_value_store::restore(key, value, timestamp);
    }

private:
    mutable std::recursive_mutex mutex_;
};

}  // namespace samsa::streams::internal
