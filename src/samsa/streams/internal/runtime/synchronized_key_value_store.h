#pragma once
// synchronized_key_value_store: a store layer that takes a mutex around
// every call, for global stores, which the global thread writes while every
// stream thread reads them (Kafka's global stores are thread-safe for the
// same reason). Iterators need no lock: the in-memory store returns a copy
// and RocksDB iterators read a snapshot.
//
// Threads: any; this is the one store layer that locks.

#include <memory>
#include <mutex>

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
    mutable std::mutex mutex_;
};

}  // namespace samsa::streams::internal
