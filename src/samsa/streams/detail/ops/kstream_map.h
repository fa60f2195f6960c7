#pragma once
// KSTREAM-MAP and KSTREAM-KEY-SELECT: new key (and value) per record; the
// DSL marks the result as needing a repartition before stateful operators.
// Plain functions skip records with a null key or value (counted as
// dropped, plain_function_skip.h).
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/plain_function_skip.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class KR, class VR, class F>
class kstream_map final : public processor_base<K, V, KR, VR> {
public:
    explicit kstream_map(F mapper) : mapper_(std::move(mapper)) {}
    void init(processor_context<KR, VR>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        bool called = call_kv(mapper_, r.key, r.value, [&](auto&& kv) {
            using traits = pair_traits<std::decay_t<decltype(kv)>>;
            // kv is the mapper's result: each call moves out its own member.
            ctx_->forward(record<KR, VR>{traits::get_key(std::move(kv)), traits::get_value(std::move(kv)),
                                         r.timestamp, std::move(r.headers)});
        });
        if (!called) drop_for_plain_function(*ctx_, r.key, r.value);
    }

private:
    F mapper_;
    processor_context<KR, VR>* ctx_ = nullptr;
};

template<class K, class V, class KR, class F>
class kstream_select_key final : public processor_base<K, V, KR, V> {
public:
    explicit kstream_select_key(F selector) : selector_(std::move(selector)) {}
    void init(processor_context<KR, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        bool called = call_kv(selector_, r.key, r.value, [&](auto&& k) {
            if constexpr (std::is_same_v<K, KR>) {
                // The record itself goes on with its new key: the value
                // stays where it is. (The new key is made before the old
                // one is replaced: it may be, or be part of, either.) It is
                // moved straight into the record's key, not through an
                // optional made for it (s20-hM: that move and the
                // assignment's showed in the order-mail profile).
                r.key = std::forward<decltype(k)>(k);
                ctx_->forward(std::move(r));
            } else {
                ctx_->forward(record<KR, V>{to_optional(std::forward<decltype(k)>(k)), std::move(r.value),
                                            r.timestamp, std::move(r.headers)});
            }
        });
        if (!called) drop_for_plain_function(*ctx_, r.key, r.value);
    }

private:
    F selector_;
    processor_context<KR, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
