#pragma once
// KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR (Kafka Streams'
// ResponseJoinProcessorSupplier): back on the left row's partition, a
// response is joined with the row's CURRENT value, but only if the hash it
// carries is the murmur3 hash of that value's serialized bytes (both absent
// counts as equal). Otherwise the row changed since the subscription was
// sent and a newer response is on its way: the stale one is dropped
// (counted, as Kafka's dropped-records sensor).
//
//   no foreign value, inner join      -> tombstone
//   no foreign value, no left row     -> tombstone
//   otherwise                         -> joiner(left, foreign value or none)
//
// Threads: the task's.
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/fk_join/subscription_response_wrapper.h"
#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal::fk_join {

template<class K, class V, class VO, class VR>
class response_join final : public processor_base<K, subscription_response_wrapper<VO>, K, VR> {
public:
    // Both sides by pointer (nullptr: none); nullopt result: a tombstone.
    using joiner = std::function<std::optional<VR>(const V*, const VO*)>;
    response_join(value_getter_supplier<K, V> left, serde<V> value_serde, std::string subscription_topic, joiner fn,
                  bool left_join)
        : left_supplier_(std::move(left)), value_serde_(std::move(value_serde)),
          subscription_topic_(std::move(subscription_topic)), fn_(std::move(fn)), left_join_(left_join) {}

    void init(processor_context<K, VR>& ctx) override {
        ctx_ = &ctx;
        left_ = left_supplier_();
        left_->init(ctx.task());
        hash_topic_ = ctx.application_id() + "-" + subscription_topic_ + "-vh";
    }

    void process(record<K, subscription_response_wrapper<VO>>&& r) override {
        if (!r.key || !r.value) {
            spdlog::warn("Skipping response with a null key or value. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        const auto& response = *r.value;
        if (response.version > subscription_response_wrapper<VO>::current_version) {
            throw std::runtime_error("SubscriptionResponseWrapper is of an incompatible version.");
        }
        const value_and_timestamp<V>* current = left_->get(*r.key);
        std::optional<hash128> current_hash;
        if (current) current_hash = murmur3_hash128(value_serde_.serialize(hash_topic_, current->value));
        if (response.original_value_hash != current_hash) {
            spdlog::trace("Dropping FK-join response due to hash mismatch. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        std::optional<VR> result;
        const VO* foreign = response.foreign_value ? &*response.foreign_value : nullptr;
        // Kafka would call the joiner with a null left value if a foreign
        // value came for a deleted row; a matching hash rules that out (the
        // responses to a deleted row's subscriptions carry no value), so here
        // it is a tombstone as well.
        bool tombstone = !current || (!foreign && !left_join_);
        if (!tombstone) result = fn_(&current->value, foreign);
        ctx_->forward(record<K, VR>{std::move(r.key), std::move(result), r.timestamp, std::move(r.headers)});
    }

private:
    value_getter_supplier<K, V> left_supplier_;
    std::unique_ptr<value_getter<K, V>> left_;
    serde<V> value_serde_;
    std::string subscription_topic_;
    joiner fn_;
    bool left_join_;
    std::string hash_topic_;
    processor_context<K, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal::fk_join
