#pragma once
// KTABLE-FILTER / filter_not on a table. A row the predicate rejects becomes
// a tombstone downstream (Kafka: computeValue -> null). With old values on,
// an update where both the new and the old value are filtered out is not
// forwarded at all. A materialized filter keeps its result in its own store.
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V>
using table_predicate = std::function<bool(const K&, const V&)>;

template<class K, class V>
class ktable_filter final : public processor_base<K, change<V>, K, change<V>> {
public:
    ktable_filter(table_predicate<K, V> pred, bool filter_not, bool send_old_values,
                  std::optional<table_store_spec<K, V>> store)
        : pred_(std::move(pred)), filter_not_(filter_not), send_old_values_(send_old_values), spec_(std::move(store)) {}
    void init(processor_context<K, change<V>>& ctx) override {
        ctx_ = &ctx;
        if (spec_) {
            store_.emplace(spec_->open(ctx.task()));
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }
    void process(record<K, change<V>>&& r) override {
        const K& key = *r.key;
        std::optional<V> new_value = compute(key, std::move(r.value->new_value));
        std::optional<V> old_value = send_old_values_ ? compute(key, std::move(r.value->old_value)) : std::nullopt;
        if (send_old_values_ && !old_value && !new_value) return;
        if (!store_) {
            ctx_->forward(record<K, change<V>>{std::move(r.key), change<V>{std::move(new_value), std::move(old_value)},
                                               r.timestamp, std::move(r.headers)});
            return;
        }
        if (!new_value) {
            store_->put(key, std::nullopt);
        } else if (forwarder_->caching()) {
            // The cache forwards on flush: the row takes the value.
            store_->put(key, value_and_timestamp<V>{std::move(*new_value), r.timestamp});
            return;
        } else {
            store_->put(key, value_and_timestamp<V>{*new_value, r.timestamp});
        }
        forwarder_->maybe_forward(record<K, change<V>>{std::move(r.key),
                                                       change<V>{std::move(new_value), std::move(old_value)},
                                                       r.timestamp, std::move(r.headers)});
    }

private:
    std::optional<V> compute(const K& key, std::optional<V>&& v) const {
        if (v && (pred_(key, *v) != filter_not_)) return std::move(v);
        return std::nullopt;
    }

    table_predicate<K, V> pred_;
    bool filter_not_;
    bool send_old_values_;
    std::optional<table_store_spec<K, V>> spec_;
    std::optional<timestamped_key_value_store<K, V>> store_;
    std::optional<timestamped_tuple_forwarder<K, V>> forwarder_;
    processor_context<K, change<V>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
