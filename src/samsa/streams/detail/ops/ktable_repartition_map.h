#pragma once
// KTABLE-SELECT (ktable::group_by): re-keys table changes for a KTable
// aggregation. The old row is sent as a subtraction under its old group key
// and the new row as an addition under its new one; when both land on the
// same group key they travel as one change (KIP-904). Rows mapping to an
// absent key or value are skipped. Requires old values from upstream.
#include <stdexcept>

#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class KR, class VR>
class ktable_repartition_map final : public processor_base<K, change<V>, KR, change<VR>> {
public:
    using mapper = std::function<std::pair<std::optional<KR>, std::optional<VR>>(const K&, const V&)>;
    explicit ktable_repartition_map(mapper fn) : fn_(std::move(fn)) {}
    void init(processor_context<KR, change<VR>>& ctx) override { ctx_ = &ctx; }
    void process(record<K, change<V>>&& r) override {
        if (!r.key) throw std::runtime_error("Record key for the grouping KTable should not be null.");
        std::pair<std::optional<KR>, std::optional<VR>> new_pair, old_pair;
        if (r.value->new_value) new_pair = fn_(*r.key, *r.value->new_value);
        if (r.value->old_value) old_pair = fn_(*r.key, *r.value->old_value);
        bool old_ok = old_pair.first && old_pair.second;
        bool new_ok = new_pair.first && new_pair.second;
        if (old_ok && new_ok && *old_pair.first == *new_pair.first) {
            ctx_->forward(record<KR, change<VR>>{old_pair.first, change<VR>{new_pair.second, old_pair.second},
                                                 r.timestamp, r.headers});
            return;
        }
        if (old_ok) {
            ctx_->forward(record<KR, change<VR>>{old_pair.first, change<VR>{std::nullopt, old_pair.second}, r.timestamp,
                                                 r.headers});
        }
        if (new_ok) {
            ctx_->forward(record<KR, change<VR>>{new_pair.first, change<VR>{new_pair.second, std::nullopt}, r.timestamp,
                                                 r.headers});
        }
    }

private:
    mapper fn_;
    processor_context<KR, change<VR>>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
