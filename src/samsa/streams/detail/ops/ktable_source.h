#pragma once
// KTABLE-SOURCE (builder.table, global_table) and KSTREAM-TOTABLE: turns a
// stream of updates into table changes. Records with a null key are dropped
// (logged, counted). When materialized it keeps the latest value and its
// timestamp per key (a null value deletes) and, if downstream asked for old
// values, sends the previous one along; with a record cache the cache
// forwards (tuple_forwarder.h). An update older than the stored one
// is still applied (Kafka logs it; versioned stores are a later issue).
#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V>
class ktable_source final : public processor_base<K, V, K, change<V>> {
public:
    // store: set when materialized.
    ktable_source(std::optional<table_store_spec<K, V>> store, bool send_old_values)
        : spec_(std::move(store)), send_old_values_(send_old_values) {}
    void init(processor_context<K, change<V>>& ctx) override {
        ctx_ = &ctx;
        if (spec_) {
            store_.emplace(spec_->open(ctx.task()));
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }
    void process(record<K, V>&& r) override {
        if (!r.key) {
            const auto& m = ctx_->record_metadata();
            spdlog::warn("Skipping record due to null key. topic=[{}] partition=[{}] offset=[{}]", m ? m->topic : "",
                         m ? m->partition : -1, m ? m->offset : -1);
            ctx_->record_dropped();
            return;
        }
        if (!store_) {
            ctx_->forward(record<K, change<V>>{std::move(r.key), change<V>{std::move(r.value), std::nullopt},
                                               r.timestamp, std::move(r.headers)});
            return;
        }
        std::optional<V> old;
        // The previous row by pointer (from the decoded cache), copied only
        // when old values are forwarded now (a cache forwards its own).
        if (const auto* prev = store_->find(*r.key)) {
            if (r.timestamp < prev->timestamp) {
                spdlog::debug("Detected out-of-order KTable update, old timestamp=[{}] new timestamp=[{}]",
                              prev->timestamp, r.timestamp);
            }
            if (send_old_values_ && !forwarder_->caching()) old = prev->value;
        }
        if (!r.value) {
            store_->put(*r.key, std::nullopt);
        } else if (forwarder_->caching()) {
            // The cache forwards the row when it flushes: nothing goes on now,
            // so the row takes the value.
            store_->put(*r.key, value_and_timestamp<V>{std::move(*r.value), r.timestamp});
            return;
        } else {
            store_->put(*r.key, value_and_timestamp<V>{*r.value, r.timestamp});
        }
        forwarder_->maybe_forward(record<K, change<V>>{std::move(r.key), change<V>{std::move(r.value), std::move(old)},
                                                       r.timestamp, std::move(r.headers)});
    }

private:
    std::optional<table_store_spec<K, V>> spec_;
    bool send_old_values_;
    std::optional<timestamped_key_value_store<K, V>> store_;
    std::optional<timestamped_tuple_forwarder<K, V>> forwarder_;
    processor_context<K, change<V>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
