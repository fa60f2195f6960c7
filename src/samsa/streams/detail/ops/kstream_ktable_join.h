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
#include <optional>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/ops/value_getter.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

// The lookup key of a KTable join: the record's own key (K is KT), read in
// place.
struct record_key_lookup {};

// Mapper: record_key_lookup for a KTable, or a GlobalKTable's key selector,
// (const std::optional<K>&, const std::optional<V>&) -> std::optional<KT>,
// or -> const KT* (a key inside the record; nullptr: none), called for
// records with a value.
// Joiner: (const K* key, V&& value, const VT* other, VT* owned,
// std::optional<VR>& out) -> void, writing the join result into out. The
// stream value is handed over (the record is this processor's): a user's
// joiner that takes it by value gets it moved, one taking const V& sees it.
// The table side by pointer (nullptr: no row), read without a copy; `owned`
// is the same row when the getter built it for this lookup
// (value_getter::take), to be moved into a joiner that takes it by value.
// out is the forwarded record's own value, so the result is built in place
// (emplace_result) instead of being moved from the joiner's return through
// an optional into the record. Both are the DSL's lambdas, called directly,
// not through std::function.
template<class K, class V, class KT, class VT, class VR, class Mapper, class Joiner>
class kstream_ktable_join final : public processor_base<K, V, K, VR> {
public:
    kstream_ktable_join(value_getter_supplier<KT, VT> table, Mapper mapper, Joiner fn, bool left)
        : table_supplier_(std::move(table)), mapper_(std::move(mapper)), fn_(std::move(fn)), left_(left) {}

    void init(processor_context<K, VR>& ctx) override {
        ctx_ = &ctx;
        table_ = table_supplier_();
        table_->init(ctx.task());
    }

    void process(record<K, V>&& r) override {
        std::optional<KT> selected;
        const KT* lookup = nullptr;
        if (r.value) {
            if constexpr (std::is_same_v<Mapper, record_key_lookup>) {
                static_assert(std::is_same_v<K, KT>, "a KTable join looks the table up by the record's key");
                if (r.key) lookup = &*r.key;
            } else if constexpr (std::is_pointer_v<std::invoke_result_t<Mapper&, const std::optional<K>&,
                                                                          const std::optional<V>&>>) {
                // The key the record holds (global_key_selector), not a copy.
                lookup = mapper_(r.key, r.value);
            } else {
                selected = mapper_(r.key, r.value);
                if (selected) lookup = &*selected;
            }
        }
        bool null_key_left_join = left_ && !r.key && r.value;
        if (!null_key_left_join && (!r.value || !lookup)) {
            const auto& m = ctx_->record_metadata();
            spdlog::warn("Skipping record due to null join key or value. topic=[{}] partition=[{}] offset=[{}]",
                         m ? m->topic : "", m ? m->partition : -1, m ? m->offset : -1);
            ctx_->record_dropped();
            return;
        }
        const VT* other = nullptr;
        VT* owned = nullptr;
        if (lookup) {
            if (const auto* row = table_->get(*lookup)) {
                other = &row->value;
                if (auto* mine = table_->take(row)) owned = &mine->value;
            }
        }
        if (!left_ && !other) return;
        // The lookup is done (lookup may point into r.key or r.value): the key and
        // headers move into the output, whose value the joiner fills.
        record<K, VR> out{std::move(r.key), std::nullopt, r.timestamp, std::move(r.headers)};
        fn_(out.key ? &*out.key : nullptr, std::move(*r.value), other, owned, out.value);
        ctx_->forward(std::move(out));
    }

private:
    value_getter_supplier<KT, VT> table_supplier_;
    std::unique_ptr<value_getter<KT, VT>> table_;
    [[no_unique_address]] Mapper mapper_;
    Joiner fn_;
    bool left_;
    processor_context<K, VR>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
