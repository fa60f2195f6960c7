#pragma once
// KTABLE-JOINTHIS / KTABLE-JOINOTHER / KTABLE-MERGE: a table-table join is two
// processors, one per side, each reading the other side's current value
// through a value getter, and a merger both feed (Kafka's
// KTableKTable{Inner,Left,Right,Outer}Join and KTableKTableJoinMerger).
//
// Per update on one side, with `other` the other side's current row:
//   inner: no other row -> nothing; else join(new), join(old) if old values on
//   left (this side of a left join): no other row and neither new nor old
//          value -> nothing; else join(new, other-or-absent)
//   right (the other side of a left join): needs the left row, like inner,
//          but joins even a deleted right value (left row with absent right)
//   outer: nothing only when no other row and neither new nor old value
// A side whose join value is absent produces a tombstone. The output
// timestamp is the larger of the update's and the other row's.
//
// Joiners here are uniform: (this-side value or absent, other value or
// absent); the DSL adapts the user's joiner and swaps arguments for the
// JOINOTHER side. Null keys are dropped (logged, counted).
#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

enum class table_join_side { inner, left, right, outer };

// J: (const VA*, const VB*) -> VR, each side by pointer (nullptr: no value),
// as join_value_getter's.
template<class K, class VA, class VB, class VR, class J>
class ktable_ktable_join final : public processor_base<K, change<VA>, K, change<VR>> {
public:
    ktable_ktable_join(table_join_side side, value_getter_supplier<K, VB> other, J fn, bool send_old_values)
        : side_(side), other_supplier_(std::move(other)), fn_(std::move(fn)), send_old_values_(send_old_values) {}

    void init(processor_context<K, change<VR>>& ctx) override {
        ctx_ = &ctx;
        other_ = other_supplier_();
        other_->init(ctx.task());
    }

    void process(record<K, change<VA>>&& r) override {
        if (!r.key) {
            spdlog::warn("Skipping record due to null key. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        const change<VA>& c = *r.value;
        const auto* other = other_->get(*r.key);
        const VB* other_value = other ? &other->value : nullptr;
        const VA* new_side = c.new_value ? &*c.new_value : nullptr;
        const VA* old_side = c.old_value ? &*c.old_value : nullptr;
        int64_t ts = other ? std::max(r.timestamp, other->timestamp) : r.timestamp;
        std::optional<VR> new_value, old_value;
        // The results are built in the optionals they are forwarded in.
        auto join_new = [&] { return fn_(new_side, other_value); };
        auto join_old = [&] { return fn_(old_side, other_value); };
        switch (side_) {
            case table_join_side::inner:
                if (!other) return;
                if (c.new_value) emplace_result(new_value, join_new);
                if (send_old_values_ && c.old_value) emplace_result(old_value, join_old);
                break;
            case table_join_side::left:
                if (!other && !c.new_value && !c.old_value) return;
                if (c.new_value) emplace_result(new_value, join_new);
                if (send_old_values_ && c.old_value) emplace_result(old_value, join_old);
                break;
            case table_join_side::right:
                if (!other) return;
                emplace_result(new_value, join_new);
                if (send_old_values_) emplace_result(old_value, join_old);
                break;
            case table_join_side::outer:
                if (!other && !c.new_value && !c.old_value) return;
                if (other || c.new_value) emplace_result(new_value, join_new);
                if (send_old_values_ && (other || c.old_value)) emplace_result(old_value, join_old);
                break;
        }
        ctx_->forward(record<K, change<VR>>{std::move(r.key), change<VR>{std::move(new_value), std::move(old_value)},
                                            ts, std::move(r.headers)});
    }

private:
    table_join_side side_;
    value_getter_supplier<K, VB> other_supplier_;
    std::unique_ptr<value_getter<K, VB>> other_;
    J fn_;
    bool send_old_values_;
    processor_context<K, change<VR>>* ctx_ = nullptr;
};

// KTABLE-MERGE: forwards what either side produced; stores it when the join
// result is materialized.
template<class K, class V>
class ktable_join_merger final : public processor_base<K, change<V>, K, change<V>> {
public:
    ktable_join_merger(std::optional<table_store_spec<K, V>> store, bool send_old_values)
        : spec_(std::move(store)), send_old_values_(send_old_values) {}
    void init(processor_context<K, change<V>>& ctx) override {
        ctx_ = &ctx;
        if (spec_) {
            store_.emplace(spec_->open(ctx.task()));
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }
    void process(record<K, change<V>>&& r) override {
        if (store_) {
            if (!r.value->new_value) {
                store_->put(*r.key, std::nullopt);
            } else if (forwarder_->caching()) {
                // The cache forwards on flush: the row takes the value.
                store_->put(*r.key, value_and_timestamp<V>{std::move(*r.value->new_value), r.timestamp});
                return;
            } else {
                store_->put(*r.key, value_and_timestamp<V>{*r.value->new_value, r.timestamp});
            }
            forwarder_->maybe_forward(std::move(r));
            return;
        }
        if (!send_old_values_) r.value->old_value.reset();
        ctx_->forward(std::move(r));
    }

private:
    std::optional<table_store_spec<K, V>> spec_;
    bool send_old_values_;
    std::optional<timestamped_key_value_store<K, V>> store_;
    std::optional<timestamped_tuple_forwarder<K, V>> forwarder_;
    processor_context<K, change<V>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
