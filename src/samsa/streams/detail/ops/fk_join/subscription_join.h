#pragma once
// The second KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (Kafka Streams'
// SubscriptionJoinProcessorSupplier): answers a subscription with the right
// table's current value for its foreign key, as the instruction says, keyed
// by the primary key for the response topic. The response carries the
// subscription's hash and the left row's partition; its timestamp is the
// larger of the subscription's and the right row's.
//
//   DELETE_KEY_AND_PROPAGATE              -> response with no value
//   PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE -> response with the value or none
//   PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE    -> response only if there is a value
//   DELETE_KEY_NO_PROPAGATE               -> nothing
//
// Threads: the task's.
#include <stdexcept>

#include "samsa/streams/detail/ops/fk_join/subscription_response_wrapper.h"
#include "samsa/streams/detail/ops/fk_join/subscription_store.h"
#include "samsa/streams/detail/ops/value_getter.h"

namespace samsa::streams::internal::fk_join {

template<class K, class KO, class VO>
class subscription_join final
    : public processor_base<combined_key<KO, K>, change<stored_subscription<K>>, K, subscription_response_wrapper<VO>> {
public:
    explicit subscription_join(value_getter_supplier<KO, VO> foreign) : foreign_supplier_(std::move(foreign)) {}

    void init(processor_context<K, subscription_response_wrapper<VO>>& ctx) override {
        ctx_ = &ctx;
        foreign_ = foreign_supplier_();
        foreign_->init(ctx.task());
    }

    void process(record<combined_key<KO, K>, change<stored_subscription<K>>>&& r) override {
        const stored_subscription<K>& sub = *r.value->new_value;
        if (sub.value.version > subscription_wrapper<K>::current_version) {
            throw std::runtime_error("SubscriptionWrapper is of an incompatible version.");
        }
        const auto& fk = r.key->foreign_key;
        const value_and_timestamp<VO>* foreign = fk ? foreign_->get(*fk) : nullptr;
        int64_t ts = foreign ? std::max(sub.timestamp, foreign->timestamp) : sub.timestamp;
        switch (sub.value.instr) {
            case instruction::delete_key_and_propagate:
                respond(r, sub.value, std::nullopt, ts);
                break;
            case instruction::propagate_null_if_no_fk_val_available:
                respond(r, sub.value, foreign ? std::optional<VO>(foreign->value) : std::nullopt, ts);
                break;
            case instruction::propagate_only_if_fk_val_available:
                if (foreign) respond(r, sub.value, foreign->value, ts);
                break;
            case instruction::delete_key_no_propagate:
                break;
        }
    }

private:
    void respond(const record<combined_key<KO, K>, change<stored_subscription<K>>>& r,
                 const subscription_wrapper<K>& sub, std::optional<VO> value, int64_t ts) {
        subscription_response_wrapper<VO> w;
        w.original_value_hash = sub.hash;
        w.foreign_value = std::move(value);
        w.primary_partition = sub.primary_partition;
        ctx_->forward(record<K, subscription_response_wrapper<VO>>{r.key->primary_key, std::move(w), ts, r.headers});
    }

    value_getter_supplier<KO, VO> foreign_supplier_;
    std::unique_ptr<value_getter<KO, VO>> foreign_;
    processor_context<K, subscription_response_wrapper<VO>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal::fk_join
