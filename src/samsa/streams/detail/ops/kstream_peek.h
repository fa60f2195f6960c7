#pragma once
// KSTREAM-PEEK (forwards) and KSTREAM-FOREACH (terminal): call an action per
// record. Plain actions skip null keys and values (peek still forwards them).
#include "samsa/streams/detail/ops/fn.h"
#include <spdlog/spdlog.h>

#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class F>
class kstream_peek final : public processor_base<K, V, K, V> {
public:
    kstream_peek(F action, bool forward) : action_(std::move(action)), forward_(forward) {}
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        if (!call_kv(action_, r.key, r.value, [](auto&&...) {})) {
            spdlog::debug("[streams] {}: its action takes plain (non-optional) parameters and is not called for a "
                          "record with a null key or value",
                          ctx_->processor_name());
        }
        if (forward_) ctx_->forward(std::move(r));
    }

private:
    F action_;
    bool forward_;
    processor_context<K, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
