#pragma once
// KTABLE-AGGREGATE (aggregate, count) and KTABLE-REDUCE on a grouped table:
// per change, the subtractor removes the old value from the stored aggregate,
// then the adder adds the new one (initializing when there is no aggregate;
// a reducer starts from the first value). The result timestamp is the
// record's, or the larger of it and the stored aggregate's once that one was
// used. An aggregate that ends up absent deletes the row. A null key is an
// error, as in Kafka (the grouping never produces one).
#include <stdexcept>

#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
class ktable_aggregate final : public processor_base<K, change<V>, K, change<VA>> {
public:
    using initializer = std::function<VA()>;
    using aggregator = std::function<VA(const K&, const V&, const VA&)>;
    // init empty: a reducer (the first value starts the aggregate).
    ktable_aggregate(table_store_spec<K, VA> store, initializer init, aggregator add, aggregator subtract,
                     bool send_old_values)
        : spec_(std::move(store)), init_(std::move(init)), add_(std::move(add)), subtract_(std::move(subtract)),
          send_old_values_(send_old_values) {}

    void init(processor_context<K, change<VA>>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(spec_.open(ctx.task()));
        forwarder_.emplace(*store_, ctx, send_old_values_);
    }

    void process(record<K, change<V>>&& r) override {
        if (!r.key) throw std::runtime_error("Record key for KTable aggregate operator with state " + spec_.name +
                                             " should not be null.");
        const change<V>& c = *r.value;
        auto stored = store_->get(*r.key);
        std::optional<VA> old_agg = stored ? std::optional<VA>(stored->value) : std::nullopt;
        std::optional<VA> agg = old_agg;
        int64_t ts = r.timestamp;
        if (c.old_value && old_agg) {
            agg = subtract_(*r.key, *c.old_value, *old_agg);
            ts = std::max(r.timestamp, stored->timestamp);
        }
        if (c.new_value) {
            if (agg) {
                // agg is only set when a stored aggregate exists.
                agg = add_(*r.key, *c.new_value, *agg);
                ts = std::max(r.timestamp, stored->timestamp);
            } else if (init_) {
                agg = add_(*r.key, *c.new_value, init_());
            } else {
                agg = first_value(*c.new_value);
            }
        }
        if (!agg) {
            store_->put(*r.key, std::nullopt);
        } else if (forwarder_->caching()) {
            // The cache forwards on flush: the row takes the aggregate.
            store_->put(*r.key, value_and_timestamp<VA>{std::move(*agg), ts});
            return;
        } else {
            store_->put(*r.key, value_and_timestamp<VA>{*agg, ts});
        }
        forwarder_->maybe_forward(record<K, change<VA>>{std::move(r.key),
                                                        change<VA>{std::move(agg), std::move(old_agg)}, ts,
                                                        std::move(r.headers)});
    }

private:
    static VA first_value(const V& v) {
        if constexpr (std::is_convertible_v<const V&, VA>) return v;
        else throw std::logic_error("reduce needs the value type as aggregate type");
    }

    table_store_spec<K, VA> spec_;
    initializer init_;
    aggregator add_;
    aggregator subtract_;
    bool send_old_values_;
    std::optional<timestamped_key_value_store<K, VA>> store_;
    std::optional<timestamped_tuple_forwarder<K, VA>> forwarder_;
    processor_context<K, change<VA>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
