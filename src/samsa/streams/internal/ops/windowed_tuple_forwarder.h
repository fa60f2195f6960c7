#pragma once
// How a windowed aggregation that emits on window update forwards its
// results (Kafka Streams' TimestampedTupleForwarder with a
// TimestampedCacheFlushListener over a CachingWindowStore). When the window
// store has a record cache (the DSL's default), the operator forwards
// nothing itself: the cache does, once per window key, when the task
// commits or the cache evicts, with the record context of the record that
// last wrote the window, the stored aggregate's timestamp and, when
// downstream asked for old values, the aggregate as of the last flush
// (absent for a window new since then, where the uncached operator sends the
// initializer's value, as Kafka's). Without a cache every update is
// forwarded at once. Session aggregations the same (Kafka's
// CachingSessionStore with SessionCacheFlushListener), stamped with the
// session's end and the last writer's headers.
//
//   forwarder_.emplace(*store_, *ctx_, send_old_values_);
//   store_->put(k, {agg, ts}, start);
//   forwarder_->maybe_forward(record<windowed<K>, change<VA>>{...});
//
// Threads: the task's. The listener runs inside the store's flush, on that
// thread.

#include <optional>
#include <type_traits>

#include "samsa/streams/processor/processor.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams::internal {

// Store: timestamped_window_store<K, VA> or session_store<K, VA>.
template<class K, class VA, class Store = timestamped_window_store<K, VA>>
class windowed_tuple_forwarder {
public:
    // ctx outlives the forwarder; the store facade is copied (cheap).
    windowed_tuple_forwarder(const Store& store,
                             processor_context<windowed<K>, change<VA>>& ctx, bool send_old_values)
        : ctx_(&ctx), send_old_values_(send_old_values), store_(store) {
        caching_ = store_.bytes_store().set_flush_listener(
            [this](bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                   const record_context& context) { forward_flushed(key, new_value, old_value, context); },
            send_old_values);
    }
    windowed_tuple_forwarder(const windowed_tuple_forwarder&) = delete;
    windowed_tuple_forwarder& operator=(const windowed_tuple_forwarder&) = delete;

    bool caching() const { return caching_; }

    void maybe_forward(record<windowed<K>, change<VA>>&& r) {
        if (caching_) return;
        if (!send_old_values_) r.value->old_value.reset();
        ctx_->forward(r);
    }

private:
    void forward_flushed(bytes_view key, std::optional<bytes_view> new_value, std::optional<bytes_view> old_value,
                         const record_context& context) {
        record<windowed<K>, change<VA>> r;
        r.key = store_.windowed_key_of(key);
        change<VA> c;
        r.timestamp = context.timestamp;
        if constexpr (std::is_same_v<Store, session_store<K, VA>>) {
            r.timestamp = r.key->window().end();
            if (new_value) c.new_value = store_.value_of(*new_value);
            if (old_value) c.old_value = store_.value_of(*old_value);
        } else {
            if (new_value) {
                value_and_timestamp<VA> row = store_.value_of(*new_value);
                r.timestamp = row.timestamp;
                c.new_value = std::move(row.value);
            }
            if (old_value) c.old_value = std::move(store_.value_of(*old_value).value);
        }
        r.value = std::move(c);
        r.headers = context.headers;
        ctx_->forward(r);
    }

    processor_context<windowed<K>, change<VA>>* ctx_;
    bool send_old_values_;
    Store store_;
    bool caching_ = false;
};

}  // namespace samsa::streams::internal
