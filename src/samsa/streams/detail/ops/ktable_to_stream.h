#pragma once
// KTABLE-TOSTREAM: each table change becomes a stream record carrying the new
// value; deletes become records with an absent value (tombstones).
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V>
class ktable_to_stream final : public processor_base<K, change<V>, K, V> {
public:
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, change<V>>&& r) override {
        ctx_->forward(record<K, V>{std::move(r.key), std::move(r.value->new_value), r.timestamp, std::move(r.headers)});
    }

private:
    processor_context<K, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
