#pragma once
// KSTREAM-FLATMAP: zero or more (key, value) pairs per record, all with the
// input's timestamp. Plain mappers skip null keys and values (counted as
// dropped, plain_function_skip.h).
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/plain_function_skip.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class KR, class VR, class F>
class kstream_flat_map final : public processor_base<K, V, KR, VR> {
public:
    explicit kstream_flat_map(F mapper) : mapper_(std::move(mapper)) {}
    void init(processor_context<KR, VR>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        // pairs is the mapper's result: its keys and values are moved out.
        bool called = call_kv(mapper_, r.key, r.value, [&](auto&& pairs) {
            for (auto& kv : pairs) {
                using traits = pair_traits<std::decay_t<decltype(kv)>>;
                ctx_->forward(record<KR, VR>{traits::get_key(std::move(kv)), traits::get_value(std::move(kv)),
                                             r.timestamp, r.headers});
            }
        });
        if (!called) drop_for_plain_function(*ctx_, r.key, r.value);
    }

private:
    F mapper_;
    processor_context<KR, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
