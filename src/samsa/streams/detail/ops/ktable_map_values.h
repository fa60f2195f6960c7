#pragma once
// KTABLE-MAPVALUES: maps new (and, when asked, old) values; a tombstone stays
// a tombstone without calling the mapper. A materialized one keeps its
// result in its own store.
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class VR>
using table_value_mapper = std::function<std::optional<VR>(const K&, const V&)>;

template<class K, class V, class VR>
class ktable_map_values final : public processor_base<K, change<V>, K, change<VR>> {
public:
    ktable_map_values(table_value_mapper<K, V, VR> mapper, bool send_old_values,
                      std::optional<table_store_spec<K, VR>> store)
        : mapper_(std::move(mapper)), send_old_values_(send_old_values), spec_(std::move(store)) {}
    void init(processor_context<K, change<VR>>& ctx) override {
        ctx_ = &ctx;
        if (spec_) {
            store_.emplace(spec_->open(ctx.task()));
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }
    void process(record<K, change<V>>&& r) override {
        const K& key = *r.key;
        std::optional<VR> new_value = compute(key, r.value->new_value);
        std::optional<VR> old_value = send_old_values_ ? compute(key, r.value->old_value) : std::nullopt;
        if (!store_) {
            ctx_->forward(record<K, change<VR>>{std::move(r.key),
                                                change<VR>{std::move(new_value), std::move(old_value)}, r.timestamp,
                                                std::move(r.headers)});
            return;
        }
        if (!new_value) {
            store_->put(key, std::nullopt);
        } else if (forwarder_->caching()) {
            // The cache forwards on flush: the row takes the value.
            store_->put(key, value_and_timestamp<VR>{std::move(*new_value), r.timestamp});
            return;
        } else {
            store_->put(key, value_and_timestamp<VR>{*new_value, r.timestamp});
        }
        forwarder_->maybe_forward(record<K, change<VR>>{std::move(r.key),
                                                        change<VR>{std::move(new_value), std::move(old_value)},
                                                        r.timestamp, std::move(r.headers)});
    }

private:
    std::optional<VR> compute(const K& key, const std::optional<V>& v) const {
        if (!v) return std::nullopt;
        return mapper_(key, *v);
    }

    table_value_mapper<K, V, VR> mapper_;
    bool send_old_values_;
    std::optional<table_store_spec<K, VR>> spec_;
    std::optional<timestamped_key_value_store<K, VR>> store_;
    std::optional<timestamped_tuple_forwarder<K, VR>> forwarder_;
    processor_context<K, change<VR>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
