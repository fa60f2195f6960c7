#pragma once
// KSTREAM-FILTER / filter_not: forwards records the predicate keeps. A plain
// (const K&, const V&) predicate never sees null keys or values; such records
// are dropped by filter (counted, plain_function_skip.h) and kept by
// filter_not, as if the predicate said false.
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/plain_function_skip.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class F>
class kstream_filter final : public processor_base<K, V, K, V> {
public:
    kstream_filter(F predicate, bool filter_not) : predicate_(std::move(predicate)), filter_not_(filter_not) {}
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        bool keep = false;
        bool called = call_kv(predicate_, r.key, r.value, [&](bool b) { keep = b; });
        if (keep != filter_not_) ctx_->forward(std::move(r));
        else if (!called) drop_for_plain_function(*ctx_, r.key, r.value);
    }

private:
    F predicate_;
    bool filter_not_;
    processor_context<K, V>* ctx_ = nullptr;
};

// The filter in front of a repartition sink: drops null keys unless the
// operator behind the repartition is a null-key-tolerant left join.
template<class K, class V>
class repartition_filter final : public processor_base<K, V, K, V> {
public:
    explicit repartition_filter(bool drop_null_keys) : drop_null_keys_(drop_null_keys) {}
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        if (drop_null_keys_ && !r.key) return;
        ctx_->forward(std::move(r));
    }

private:
    bool drop_null_keys_;
    processor_context<K, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
