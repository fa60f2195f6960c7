#pragma once
// KSTREAM-JOIN / KSTREAM-LEFTJOIN against a KTable, and the GlobalKTable join
// (Kafka's KStreamKTableJoin, KStreamGlobalKTableJoin): only stream records
// trigger output; the table is read through its value getter. The output
// keeps the stream record's key and timestamp.
//  - inner: a record with no table row produces nothing;
//  - left: it is joined with an absent table value;
//  - a record with an absent value, or whose lookup key is absent, is dropped
//    (logged, counted), except that a left join still joins a record with a
//    value and no record key (KIP-962), with the table value the lookup key
//    finds, if any (Kafka 3.8's KStreamKTableJoinProcessor.maybeDropRecord;
//    so a global-table left join whose key selector returns no key for a
//    keyed record drops it, where later Kafka versions join it with null).
// For a KTable the lookup key is the record key; for a GlobalKTable it is the
// user's key selector's result.
#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V, class KT, class VT, class VR>
class kstream_ktable_join final : public processor<K, V, K, VR> {
public:
    using key_mapper = std::function<std::optional<KT>(const std::optional<K>&, const V&)>;
    // The table side by pointer (nullptr: no row), read without a copy.
    using joiner = std::function<std::optional<VR>(const K*, const V&, const VT*)>;
    kstream_ktable_join(value_getter_supplier<KT, VT> table, key_mapper mapper, joiner fn, bool left)
        : table_supplier_(std::move(table)), mapper_(std::move(mapper)), fn_(std::move(fn)), left_(left) {}

    void init(processor_context<K, VR>& ctx) override {
        ctx_ = &ctx;
        table_ = table_supplier_();
        table_->init(ctx.task());
    }

    void process(const record<K, V>& r) override {
        std::optional<KT> lookup = r.value ? mapper_(r.key, *r.value) : std::nullopt;
        bool null_key_left_join = left_ && !r.key && r.value;
        if (!null_key_left_join && (!r.value || !lookup)) {
            const auto& m = ctx_->record_metadata();
            spdlog::warn("Skipping record due to null join key or value. topic=[{}] partition=[{}] offset=[{}]",
                         m ? m->topic : "", m ? m->partition : -1, m ? m->offset : -1);
            ctx_->record_dropped();
            return;
        }
        const VT* other = nullptr;
        if (lookup) {
            if (const auto* row = table_->get(*lookup)) other = &row->value;
        }
        if (!left_ && !other) return;
        const K* key = r.key ? &*r.key : nullptr;
        ctx_->forward(record<K, VR>{r.key, fn_(key, *r.value, other), r.timestamp, r.headers});
    }

private:
    value_getter_supplier<KT, VT> table_supplier_;
    std::unique_ptr<value_getter<KT, VT>> table_;
    key_mapper mapper_;
    joiner fn_;
    bool left_;
    processor_context<K, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
