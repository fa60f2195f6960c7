#pragma once
// The first KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (Kafka Streams'
// SubscriptionReceiveProcessorSupplier): on the right table's partition,
// records or removes a subscription in the subscription store and passes it
// on, keyed by (foreign key, primary key), as a change of the stored
// subscription. A null-FK subscription (left join) is passed on unstored.
//
// Threads: the task's.
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/fk_join/subscription_store.h"

namespace samsa::streams::internal::fk_join {

template<class K, class KO>
class subscription_receive final
    : public processor_base<KO, subscription_wrapper<K>, combined_key<KO, K>, change<stored_subscription<K>>> {
public:
    explicit subscription_receive(subscription_store_spec<KO, K> spec) : spec_(std::move(spec)) {}

    void init(processor_context<combined_key<KO, K>, change<stored_subscription<K>>>& ctx) override {
        ctx_ = &ctx;
        schema_.emplace(spec_.schema(ctx.task()));
        store_.emplace(spec_.open(ctx.task()));
    }

    void process(record<KO, subscription_wrapper<K>>&& r) override {
        if (!r.value) {
            spdlog::warn("Skipping null subscription. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        const subscription_wrapper<K>& w = *r.value;
        if (!r.key && w.instr != instruction::propagate_null_if_no_fk_val_available) {
            // Only a left join's null-FK subscription may have no key.
            spdlog::warn("Skipping subscription with a null foreign key. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        if (w.version > subscription_wrapper<K>::current_version) {
            // Kafka's UnsupportedVersionException: a newer writer; fatal.
            throw std::runtime_error("SubscriptionWrapper is of an incompatible version.");
        }
        stored_subscription<K> now{w, r.timestamp};
        std::optional<stored_subscription<K>> before;
        if (r.key) {
            samsa::bytes key = schema_->to_bytes(*r.key, w.primary_key);
            before = store_->get(key);
            bool unsubscribe = w.instr == instruction::delete_key_and_propagate ||
                               w.instr == instruction::delete_key_no_propagate;
            if (unsubscribe) store_->put(key, std::nullopt);
            else store_->put(key, now);
        }
        ctx_->forward(record<combined_key<KO, K>, change<stored_subscription<K>>>{
            combined_key<KO, K>{r.key, w.primary_key}, change<stored_subscription<K>>{std::move(now), std::move(before)},
            r.timestamp, std::move(r.headers)});
    }

private:
    subscription_store_spec<KO, K> spec_;
    std::optional<combined_key_schema<KO, K>> schema_;
    std::optional<timestamped_key_value_store<samsa::bytes, subscription_wrapper<K>>> store_;
    processor_context<combined_key<KO, K>, change<stored_subscription<K>>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal::fk_join
