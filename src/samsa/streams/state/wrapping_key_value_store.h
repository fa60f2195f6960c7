#pragma once
// wrapping_key_value_store: a layer of a store stack that owns the layer below
// and forwards every call to it (Kafka Streams' WrappedStateStore). Layers
// (change logging, caching) override only what they change.
//
// Threads: owned by one stream thread, never locked.

#include <memory>

#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// A layer of a store stack that passes every call to the store below; layers override what they add (see the top of
// this file).
class SAMSA_STREAMS_API wrapping_key_value_store : public key_value_bytes_store {
public:
    // Wraps inner.
    explicit wrapping_key_value_store(std::unique_ptr<key_value_bytes_store> inner) : inner_(std::move(inner)) {}

    // The store below.
    key_value_bytes_store& inner() { return *inner_; }
    // The store below.
    const key_value_bytes_store& inner() const { return *inner_; }

    const std::string& name() const override { return inner_->name(); }
    bool persistent() const override { return inner_->persistent(); }
    [[nodiscard]] status init(const store_context& context) override { return inner_->init(context); }
    void flush() override { inner_->flush(); }
    void close() override { inner_->close(); }
    bool is_open() const override { return inner_->is_open(); }

    std::optional<bytes> get(bytes_view key) override { return inner_->get(key); }
    std::optional<bytes> query_get(bytes_view key) override { return inner_->query_get(key); }
    void note_read(bytes_view key) override { inner_->note_read(key); }
    // A layer must opt in to tokens (by forwarding these four): by default it
    // sees every read by key (note_read(), which it may override to lock or
    // count) and issues no token.
    void note_read_issuing(bytes_view key, read_token& /*token*/) override { note_read(key); }
    std::optional<bytes> get_issuing(bytes_view key, read_token& /*token*/) override { return get(key); }
    bool note_read_again(const read_token& /*token*/, uint64_t /*writes_seen*/) override { return false; }
    bool note_read_known(bytes_view /*key*/, std::optional<bytes_view> /*value*/, uint64_t /*writes_seen*/,
                         read_token& /*token*/) override {
        return false;
    }
    void put(bytes_view key, std::optional<bytes_view> value) override { inner_->put(key, value); }
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override {
        return inner_->put_if_absent(key, value);
    }
    void put_all(std::span<const bytes_entry> entries) override { inner_->put_all(entries); }
    std::optional<bytes> remove(bytes_view key) override { return inner_->remove(key); }
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override { return inner_->range(from, to); }
    std::unique_ptr<bytes_iterator> all() override { return inner_->all(); }
    std::unique_ptr<bytes_iterator> all_in_live_segments() override { return inner_->all_in_live_segments(); }
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override { return inner_->prefix_scan(prefix); }
    int64_t approximate_num_entries() override { return inner_->approximate_num_entries(); }
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override {
        inner_->restore(key, value, timestamp);
    }
    bool set_flush_listener(cache_flush_listener listener, bool send_old_values) override {
        return inner_->set_flush_listener(std::move(listener), send_old_values);
    }
    std::optional<uint64_t> write_count() const override { return inner_->write_count(); }
    void flush_cache() override { inner_->flush_cache(); }
    bool set_cache_hit_ratio_sensor(store_sensor* sensor) override {
        return inner_->set_cache_hit_ratio_sensor(sensor);
    }
    bool set_cache_size_sensor(store_sensor* sensor) override { return inner_->set_cache_size_sensor(sensor); }

private:
    std::unique_ptr<key_value_bytes_store> inner_;
};

}  // namespace samsa::streams
