#pragma once
// KSTREAM-FLATMAPVALUES: zero or more values per record, same key and
// timestamp. The mapper takes (value) or (key, value); plain ones skip what
// they cannot take, counted as dropped (plain_function_skip.h).
#include "samsa/streams/detail/ops/kstream_map_values.h"

namespace samsa::streams::internal {

template<class K, class V, class VR, class F>
class kstream_flat_map_values final : public processor_base<K, V, K, VR> {
public:
    explicit kstream_flat_map_values(F mapper) : mapper_(std::move(mapper)) {}
    void init(processor_context<K, VR>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        // values is the mapper's result: each value is moved out.
        bool called = call_value_mapper(mapper_, r.key, r.value, [&](auto&& values) {
            for (auto& v : values) {
                ctx_->forward(record<K, VR>{r.key, to_optional(std::move(v)), r.timestamp, r.headers});
            }
        });
        if (!called) drop_for_plain_function(*ctx_, r.key, r.value);
    }

private:
    F mapper_;
    processor_context<K, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
