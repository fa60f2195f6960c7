#pragma once
// KSTREAM-MAPVALUES: a new value, same key and timestamp. The mapper takes
// (value) or (key, value); plain mappers skip null values (and a plain
// (key, value) one null keys too), counted as dropped (plain_function_skip.h).
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/plain_function_skip.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class F, class K, class V>
auto call_value_mapper(F& f, const std::optional<K>& k, const std::optional<V>& v, auto&& then) {
    if constexpr (std::is_invocable_v<F&, const V&> || std::is_invocable_v<F&, const std::optional<V>&>) {
        return call_v(f, v, then);
    } else {
        return call_kv(f, k, v, then);
    }
}

template<class F, class K, class V>
struct value_mapper_result {
    static auto pick() {
        if constexpr (std::is_invocable_v<F&, const V&> || std::is_invocable_v<F&, const std::optional<V>&>) {
            return std::type_identity<v_result_t<F, V>>{};
        } else {
            return std::type_identity<kv_result_t<F, K, V>>{};
        }
    }
    using type = typename decltype(pick())::type;
};
template<class F, class K, class V>
using value_mapper_result_t = typename value_mapper_result<F, K, V>::type;

template<class K, class V, class VR, class F>
class kstream_map_values final : public processor_base<K, V, K, VR> {
public:
    explicit kstream_map_values(F mapper) : mapper_(std::move(mapper)) {}
    void init(processor_context<K, VR>& ctx) override { ctx_ = &ctx; }
    // The mapper's result is built in the value of the record forwarded
    // (emplace_result), which took the key and headers first: the mapper
    // reads the key there. (Through to_optional and with_value it was moved
    // twice.) The old value is the record's, so a mapper taking it by value
    // gets it moved, not copied.
    void process(record<K, V>&& r) override {
        record<K, VR> out{std::move(r.key), std::nullopt, r.timestamp, std::move(r.headers)};
        if (!map_value_into(out.key, r.value, out.value)) {
            drop_for_plain_function(*ctx_, out.key, r.value);
            return;
        }
        ctx_->forward(std::move(out));
    }

private:
    // Returns false, calling nothing, when the mapper takes plain values and
    // one is absent (see fn.h); hands the value over otherwise.
    bool map_value_into(const std::optional<K>& k, std::optional<V>& v, std::optional<VR>& out) {
        if constexpr (std::is_invocable_v<F&, const V&> || std::is_invocable_v<F&, const std::optional<V>&>) {
            if constexpr (takes_plain_v<F, V>) {
                if (!v) return false;
                emplace_result(out, [&] { return mapper_(std::move(*v)); });
            } else {
                emplace_result(out, [&] { return mapper_(std::move(v)); });
            }
        } else if constexpr (takes_plain_kv<F, K, V>) {
            if (!k || !v) return false;
            emplace_result(out, [&] { return mapper_(*k, std::move(*v)); });
        } else {
            emplace_result(out, [&] { return mapper_(k, std::move(v)); });
        }
        return true;
    }

    F mapper_;
    processor_context<K, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
