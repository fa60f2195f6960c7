#pragma once
// How a KTable operator that keeps its result in a store forwards it (Kafka
// Streams' TimestampedTupleForwarder and TimestampedCacheFlushListener).
// When the store has a record cache (the DSL's default), the operator does
// not forward at all: the cache does, once per key, when the task commits or
// the cache evicts, with the record context of the record that last wrote
// the entry, the new row's timestamp and, when downstream asked for old
// values, the row as of the last flush. Without a cache every update is
// forwarded at once, its old value dropped unless asked for.
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

namespace samsa::streams::internal {

template<class K, class V>
class timestamped_tuple_forwarder {
public:
    // store and ctx outlive the forwarder (both belong to the processor).
    timestamped_tuple_forwarder(timestamped_key_value_store<K, V>& store, processor_context<K, change<V>>& ctx,
                                bool send_old_values)
        : ctx_(&ctx), send_old_values_(send_old_values), key_serde_(store.key_serde()),
          value_serde_(store.value_serde()), topic_(store.topic()) {
        caching_ = store.bytes_store().set_flush_listener(
            [this](bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                   const record_context& context) { forward_flushed(key, new_value, old_value, context); },
            send_old_values);
    }
    timestamped_tuple_forwarder(const timestamped_tuple_forwarder&) = delete;
    timestamped_tuple_forwarder& operator=(const timestamped_tuple_forwarder&) = delete;

    bool caching() const { return caching_; }

    void maybe_forward(record<K, change<V>>&& r) {
        if (caching_) return;
        if (!send_old_values_) r.value->old_value.reset();
        ctx_->forward(r);
    }

private:
    void forward_flushed(bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                         const record_context& context) {
        record<K, change<V>> r;
        r.key = key_serde_.deserialize(topic_, key);
        change<V> c;
        r.timestamp = context.timestamp;
        if (new_value) {
            value_and_timestamp<V> row = value_serde_.deserialize(topic_, *new_value);
            r.timestamp = row.timestamp;
            c.new_value = std::move(row.value);
        }
        if (old_value) c.old_value = std::move(value_serde_.deserialize(topic_, *old_value).value);
        r.value = std::move(c);
        r.headers = context.headers;
        ctx_->forward(r);
    }

    processor_context<K, change<V>>* ctx_;
    bool send_old_values_;
    serde<K> key_serde_;
    serde<value_and_timestamp<V>> value_serde_;
    std::string topic_;
    bool caching_ = false;
};

}  // namespace samsa::streams::internal
