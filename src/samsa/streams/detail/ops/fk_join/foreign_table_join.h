#pragma once
// The third KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR (Kafka Streams'
// ForeignTableJoinProcessorSupplier): a change of a right-table row is sent
// to every left row subscribed to its key (one prefix scan of the
// subscription store), each response with that subscription's hash and
// partition and the right row's new value (none for a delete) and
// timestamp. Null keys are dropped (logged, counted).
//
// Threads: the task's.
#include <vector>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/fk_join/subscription_response_wrapper.h"
#include "samsa/streams/detail/ops/fk_join/subscription_store.h"

namespace samsa::streams::internal::fk_join {

template<class KO, class VO, class K>
class foreign_table_join final
    : public processor_base<KO, change<VO>, K, subscription_response_wrapper<VO>> {
public:
    explicit foreign_table_join(subscription_store_spec<KO, K> spec) : spec_(std::move(spec)) {}

    void init(processor_context<K, subscription_response_wrapper<VO>>& ctx) override {
        ctx_ = &ctx;
        schema_.emplace(spec_.schema(ctx.task()));
        store_.emplace(spec_.open(ctx.task()));
    }

    void process(record<KO, change<VO>>&& r) override {
        if (!r.key) {
            spdlog::warn("Skipping record due to null key. processor=[{}]", ctx_->processor_name());
            ctx_->record_dropped();
            return;
        }
        // Read the subscribers first, then forward: nothing downstream may
        // see the store mid-scan.
        std::vector<key_value<samsa::bytes, stored_subscription<K>>> subscribers;
        auto it = store_->prefix_scan(schema_->prefix_bytes(*r.key));
        while (it->has_next()) subscribers.push_back(it->next());
        for (auto& s : subscribers) {
            subscription_response_wrapper<VO> w;
            w.original_value_hash = s.value.value.hash;
            w.foreign_value = r.value->new_value;
            w.primary_partition = s.value.value.primary_partition;
            ctx_->forward(record<K, subscription_response_wrapper<VO>>{schema_->from_bytes(s.key).second, std::move(w),
                                                                       r.timestamp, r.headers});
        }
    }

private:
    subscription_store_spec<KO, K> spec_;
    std::optional<combined_key_schema<KO, K>> schema_;
    std::optional<timestamped_key_value_store<samsa::bytes, subscription_wrapper<K>>> store_;
    processor_context<K, subscription_response_wrapper<VO>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal::fk_join
