#pragma once
// KSTREAM-AGGREGATE (aggregate, count) and KSTREAM-REDUCE on a grouped
// stream: one update per input record, or per key and commit with a record
// cache (tuple_forwarder.h), the result timestamp the larger of
// the record's and the stored aggregate's. Records with a null key
// or value are skipped (logged, counted).
#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
class kstream_aggregate final : public processor_base<K, V, K, change<VA>> {
public:
    using initializer = std::function<VA()>;
    using aggregator = std::function<VA(const K&, const V&, const VA&)>;
    // A reducer is an aggregator whose initializer is "the first value":
    // init empty -> the first value is taken as is.
    kstream_aggregate(table_store_spec<K, VA> store, initializer init, aggregator agg, bool send_old_values)
        : spec_(std::move(store)), init_(std::move(init)), agg_(std::move(agg)), send_old_values_(send_old_values) {}

    void init(processor_context<K, change<VA>>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(spec_.open(ctx.task()));
        forwarder_.emplace(*store_, ctx, send_old_values_);
    }

    void process(record<K, V>&& r) override {
        if (!r.key || !r.value) {
            spdlog::warn("Skipping record due to null key or value. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        auto stored = store_->get(*r.key);
        std::optional<VA> old_agg;
        VA new_agg;
        int64_t ts = r.timestamp;
        if (stored) {
            old_agg = std::move(stored->value);
            ts = std::max(r.timestamp, stored->timestamp);
            new_agg = agg_(*r.key, *r.value, *old_agg);
        } else if (init_) {
            old_agg = init_();  // Kafka forwards the initial value as the old one
            new_agg = agg_(*r.key, *r.value, *old_agg);
        } else {
            new_agg = first_value(*r.value);
        }
        if (forwarder_->caching()) {
            // The cache forwards on flush: the row takes the aggregate.
            store_->put(*r.key, value_and_timestamp<VA>{std::move(new_agg), ts});
            return;
        }
        store_->put(*r.key, value_and_timestamp<VA>{new_agg, ts});
        forwarder_->maybe_forward(record<K, change<VA>>{
            std::move(r.key), change<VA>{std::move(new_agg), std::move(old_agg)}, ts, std::move(r.headers)});
    }

private:
    static VA first_value(const V& v) {
        if constexpr (std::is_convertible_v<const V&, VA>) return v;
        else throw std::logic_error("reduce needs the value type as aggregate type");
    }

    table_store_spec<K, VA> spec_;
    initializer init_;
    aggregator agg_;
    bool send_old_values_;
    std::optional<timestamped_key_value_store<K, VA>> store_;
    std::optional<timestamped_tuple_forwarder<K, VA>> forwarder_;
    processor_context<K, change<VA>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
