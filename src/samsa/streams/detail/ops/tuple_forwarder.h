#pragma once
// How an operator that keeps its result in a store forwards it (Kafka
// Streams' TimestampedTupleForwarder with a TimestampedCacheFlushListener,
// or a SessionCacheFlushListener for session stores). When the store has a
// record cache (the DSL's default), the operator does not forward at all:
// the cache does, once per key, when the task commits or the cache evicts,
// with the record context of the record that last wrote the entry and, when
// downstream asked for old values, the entry as of the last flush (absent
// for a key new since then, where the uncached operator may send the
// initializer's value, as Kafka's does). Without a cache every update is
// forwarded at once, its old value dropped unless asked for.
//
// The stores differ only in how a flushed entry reads back; a small policy
// says it (key_value_rows, window_rows, session_rows below):
//   - key-value and window stores hold value_and_timestamp rows: the
//     forwarded record carries the new row's timestamp (the last writer's
//     when the entry was deleted);
//   - session stores hold bare aggregates: the record is stamped with the
//     session's end.
//
//   forwarder_.emplace(*store_, *ctx_, send_old_values_);
//   store_->put(k, {v, ts});
//   forwarder_->maybe_forward(record<K, change<V>>{k, change<V>{v, old}, ts, headers});
//
// Threads: the task's. The listener runs inside the store's flush, on that
// thread.

#include <optional>

#include "samsa/streams/processor/processor.h"
#include "samsa/streams/state/timestamped_key_value_store.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams::internal {

// A value read back from a flushed entry, with the timestamp stored beside
// it when the store keeps one.
template<class V>
struct flushed_row {
    V value;
    std::optional<int64_t> timestamp;
};

// Rows stored with their timestamp: the forwarded record carries the new
// row's, or the last writer's when the entry was deleted.
inline int64_t new_row_or_last_writer(std::optional<int64_t> new_row, int64_t last_writer) {
    return new_row.value_or(last_writer);
}

// Key-value stores of a KTable (timestamped_key_value_store).
template<class K, class V>
class key_value_rows {
public:
    using key_type = K;
    using value_type = V;
    using store_type = timestamped_key_value_store<K, V>;

    explicit key_value_rows(store_type& store) : store_(store) {}

    K key_of(bytes_view key) const { return store_.key_serde().deserialize(store_.topic(), key); }
    flushed_row<V> row_of(bytes_view value) const {
        value_and_timestamp<V> row = store_.value_serde().deserialize(store_.topic(), value);
        return {std::move(row.value), row.timestamp};
    }
    // The flushed new row: decoded into the store's decoded cache when it has
    // one and copied from there, so that the first lookup after the flush (a
    // join's getter, the source's next update) finds it decoded: a copy costs
    // a fraction of a JSON row's parse (s20-hD).
    flushed_row<V> new_row_of(const K& key, bytes_view value) {
        if (const value_and_timestamp<V>* row = store_.decode_flushed(key, value)) return {row->value, row->timestamp};
        return row_of(value);
    }
    static int64_t timestamp_of(const K&, std::optional<int64_t> new_row, int64_t last_writer) {
        return new_row_or_last_writer(new_row, last_writer);
    }

private:
    store_type store_;  // a copy of the facade (its serdes, topic and shared decoded cache)
};

// What window and session stores share: windowed keys, read through a copy
// of the store facade (cheap).
template<class K, class Store>
class windowed_rows {
public:
    using key_type = windowed<K>;
    using store_type = Store;

    explicit windowed_rows(const Store& store) : store_(store) {}

    windowed<K> key_of(bytes_view key) const { return store_.windowed_key_of(key); }

protected:
    Store store_;
};

// Window stores of a time or sliding windowed aggregation.
template<class K, class V>
class window_rows : public windowed_rows<K, timestamped_window_store<K, V>> {
public:
    using value_type = V;
    using windowed_rows<K, timestamped_window_store<K, V>>::windowed_rows;

    flushed_row<V> row_of(bytes_view value) const {
        value_and_timestamp<V> row = this->store_.value_of(value);
        return {std::move(row.value), row.timestamp};
    }
    flushed_row<V> new_row_of(const windowed<K>&, bytes_view value) const { return row_of(value); }
    static int64_t timestamp_of(const windowed<K>&, std::optional<int64_t> new_row, int64_t last_writer) {
        return new_row_or_last_writer(new_row, last_writer);
    }
};

// Session stores of a session aggregation (Kafka's SessionCacheFlushListener):
// bare aggregates, the record stamped with the session's end.
template<class K, class V>
class session_rows : public windowed_rows<K, session_store<K, V>> {
public:
    using value_type = V;
    using windowed_rows<K, session_store<K, V>>::windowed_rows;

    flushed_row<V> row_of(bytes_view value) const { return {this->store_.value_of(value), std::nullopt}; }
    flushed_row<V> new_row_of(const windowed<K>&, bytes_view value) const { return row_of(value); }
    static int64_t timestamp_of(const windowed<K>& key, std::optional<int64_t>, int64_t) {
        return key.window().end();
    }
};

template<class Rows>
class tuple_forwarder {
public:
    using K = typename Rows::key_type;
    using V = typename Rows::value_type;

    // store and ctx outlive the forwarder (both belong to the processor).
    tuple_forwarder(typename Rows::store_type& store, processor_context<K, change<V>>& ctx, bool send_old_values)
        : ctx_(&ctx), send_old_values_(send_old_values), rows_(store) {
        caching_ = store.bytes_store().set_flush_listener(
            [this](bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                   const record_context& context) { forward_flushed(key, new_value, old_value, context); },
            send_old_values);
    }
    tuple_forwarder(const tuple_forwarder&) = delete;
    tuple_forwarder& operator=(const tuple_forwarder&) = delete;

    bool caching() const { return caching_; }

    void maybe_forward(record<K, change<V>>&& r) {
        if (caching_) return;
        if (!send_old_values_) r.value->old_value.reset();
        ctx_->forward(std::move(r));
    }

private:
    void forward_flushed(bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                         const record_context& context) {
        record<K, change<V>> r;
        r.key = rows_.key_of(key);
        change<V> c;
        std::optional<int64_t> new_row_timestamp;
        if (new_value) {
            flushed_row<V> row = rows_.new_row_of(*r.key, *new_value);
            new_row_timestamp = row.timestamp;
            c.new_value = std::move(row.value);
        }
        if (old_value) c.old_value = std::move(rows_.row_of(*old_value).value);
        r.timestamp = Rows::timestamp_of(*r.key, new_row_timestamp, context.timestamp);
        r.value = std::move(c);
        r.headers = context.headers;
        ctx_->forward(std::move(r));
    }

    processor_context<K, change<V>>* ctx_;
    bool send_old_values_;
    Rows rows_;
    bool caching_ = false;
};

template<class K, class V>
using timestamped_tuple_forwarder = tuple_forwarder<key_value_rows<K, V>>;
template<class K, class V>
using window_tuple_forwarder = tuple_forwarder<window_rows<K, V>>;
template<class K, class V>
using session_tuple_forwarder = tuple_forwarder<session_rows<K, V>>;

}  // namespace samsa::streams::internal
