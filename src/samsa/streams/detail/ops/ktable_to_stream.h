#pragma once
// KTABLE-TOSTREAM: each table change becomes a stream record carrying the new
// value; deletes become records with an absent value (tombstones).
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V>
class ktable_to_stream final : public processor<K, change<V>, K, V> {
public:
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(const record<K, change<V>>& r) override {
        ctx_->forward(record<K, V>{r.key, r.value->new_value, r.timestamp, r.headers});
    }

private:
    processor_context<K, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
