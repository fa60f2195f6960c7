#pragma once
// kstream<K, V>'s stream-stream joins (Kafka Streams 3.8's KStreamImpl.doJoin
// and KStreamImplJoin.join): re-keyed sides are repartitioned first (topics
// <name>-left / <name>-right with a stream_joined name, else named after the
// side's node), then the names are drawn in Kafka's order - the two WINDOWED
// processors, JOINTHIS/OUTERTHIS, JOINOTHER/OUTEROTHER, MERGE - and the
// stores named after them (or after stream_joined's store name):
//
//   <this join>-store, <other join>-store        RocksDB window stores, retention before + after + grace
//   KSTREAM-OUTERSHARED-<n>-store                left/outer joins: the unmatched records (key-value store)
//   (<store name>-outer-shared-join-store, -left-shared-join-store)

#include <cstring>

#include "samsa/streams/errors.h"
#include "samsa/streams/detail/ops/kstream_branch.h"
#include "samsa/streams/detail/ops/kstream_kstream_join.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {
namespace internal {

// Kafka's KStreamImplJoin.assertWindowSettings: a supplied join store keeps
// every record (retainDuplicates) and is shaped like the join windows.
inline void check_join_store_supplier(const window_bytes_store_supplier& s, const join_windows& w) {
    if (!s.retain_duplicates()) {
        throw streams_exception("The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false");
    }
    if (s.retention_period() != w.size() + w.grace_period_ms() || s.window_size() != w.size()) {
        throw streams_exception("Window settings mismatch. WindowBytesStoreSupplier settings (name=" + s.name() +
                                ", windowSize=" + std::to_string(s.window_size()) +
                                ", retentionPeriod=" + std::to_string(s.retention_period()) +
                                ") must match JoinWindows settings (size=" + std::to_string(w.size()) +
                                ", gracePeriod=" + std::to_string(w.grace_period_ms()) +
                                ") for the window size and retention period");
    }
}

// Kafka's assertUniqueStoreNames, then assertWindowSettings for each side.
template<class K, class V, class VO>
void check_join_store_suppliers(const stream_joined<K, V, VO>& sj, const join_windows& w) {
    if (sj.this_store_supplier && sj.other_store_supplier &&
        sj.this_store_supplier->name() == sj.other_store_supplier->name()) {
        throw streams_exception("Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names");
    }
    if (sj.this_store_supplier) check_join_store_supplier(*sj.this_store_supplier, w);
    if (sj.other_store_supplier) check_join_store_supplier(*sj.other_store_supplier, w);
}

// A join side's store: the supplied one, else RocksDB kept for size + grace.
// (A supplier's duplicates are numbered by the WINDOWED processor, so the
// store builder is made directly: stores::window_store_builder refuses
// duplicate-retaining suppliers outside joins.)
inline store_builder join_store_builder(const std::optional<window_bytes_store_supplier>& supplied,
                                        const std::string& name, const join_windows& w) {
    if (supplied) return store_builder(*supplied, false);
    return stores::window_store_builder(
        stores::persistent_window_store(name, w.size() + w.grace_period_ms(), w.size()));
}

}  // namespace internal

template<class K, class V>
template<class VO, class VR>
kstream<K, VR> kstream<K, V>::do_stream_join(const kstream<K, VO>& other_stream,
                                             std::function<std::optional<VR>(const K*, const V*, const VO*)> joiner,
                                             const join_windows& w, const stream_joined<K, V, VO>& sj,
                                             bool left_outer, bool right_outer) const {
    namespace names = internal::names;
    auto& b = *s_.builder;
    const auto& os = other_stream.internal_state();
    kstream input_this = s_.repartition_required
                             ? repartition_through(sj.name ? *sj.name + "-left" : name(), sj.key_serde, sj.value_serde,
                                                   std::nullopt)
                             : *this;
    kstream<K, VO> input_other =
        os.repartition_required ? other_stream.repartition_through(sj.name ? *sj.name + "-right" : other_stream.name(),
                                                                   sj.key_serde, sj.other_value_serde, std::nullopt)
                                : other_stream;

    const std::string this_suffix = right_outer ? "-outer-this-join" : "-this-join";
    const std::string other_suffix = left_outer ? "-outer-other-join" : "-other-join";
    const std::string this_windowed = internal::suffix_with_or_else_get(b, sj.name, "-this-windowed", names::windowed);
    const std::string other_windowed = internal::suffix_with_or_else_get(b, sj.name, "-other-windowed", names::windowed);
    const char* this_prefix = right_outer ? names::outer_this : names::join_this;
    const std::string join_this_generated = b.new_processor_name(this_prefix);
    const std::string join_other_generated = b.new_processor_name(left_outer ? names::outer_other : names::join_other);
    const std::string join_this = sj.name ? *sj.name + this_suffix : join_this_generated;
    const std::string join_other = sj.name ? *sj.name + other_suffix : join_other_generated;
    const std::string merge = internal::suffix_with_or_else_get(b, sj.name, "-merge", names::merge);

    internal::check_join_store_suppliers(sj, w);
    const std::string this_store = sj.this_store_supplier ? sj.this_store_supplier->name()
                                   : (sj.store_name ? *sj.store_name + this_suffix : join_this_generated) + "-store";
    const std::string other_store = sj.other_store_supplier ? sj.other_store_supplier->name()
                                    : (sj.store_name ? *sj.store_name + other_suffix : join_other_generated) + "-store";
    std::optional<std::string> outer_store;
    if (left_outer) {
        outer_store = (sj.store_name ? *sj.store_name + (right_outer ? "-outer-shared-join" : "-left-shared-join")
                                     : names::outer_shared + join_this_generated.substr(std::strlen(this_prefix))) +
                      "-store";
    }

    const auto& ts = input_this.internal_state();
    const auto& tos = input_other.internal_state();
    serde<K> ks = internal::resolve_serde<K>(sj.key_serde ? sj.key_serde : ts.key_serde);
    serde<V> vs = internal::resolve_serde<V>(sj.value_serde ? sj.value_serde : ts.value_serde);
    serde<VO> vos = internal::resolve_serde<VO>(sj.other_value_serde ? sj.other_value_serde : tos.value_serde);

    auto with_logging = [&sj](store_builder sb) {
        if (sj.logging_enabled) sb.with_logging_enabled(sj.log_config);
        else sb.with_logging_disabled();
        return sb;
    };
    // Kafka's join stores keep duplicates; here the WINDOWED processor gives
    // every put its own sequence number (kstream_kstream_join.h).
    store_builder this_sb = with_logging(internal::join_store_builder(sj.this_store_supplier, this_store, w));
    store_builder other_sb = with_logging(internal::join_store_builder(sj.other_store_supplier, other_store, w));
    std::optional<store_builder> outer_sb;
    if (outer_store) {
        // Kafka's OuterStreamJoinStoreFactory: in memory when this side's
        // supplied store is.
        const bool in_memory = sj.this_store_supplier && !sj.this_store_supplier->persistent();
        outer_sb = with_logging(stores::key_value_store_builder(
            in_memory ? stores::in_memory_key_value_store(*outer_store) : stores::persistent_key_value_store(*outer_store)));
    }

    auto add_windowed = [&b](const std::string& name, internal::graph_node* parent, auto make) {
        return b.add_node(internal::graph_node_kind::processor, name, {parent},
                          [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                              t.add_processor(g.name, make, g.parent_names());
                          });
    };
    auto* this_windowed_node = add_windowed(this_windowed, ts.node, internal::node_maker<K, V, K, V>(this_windowed, [=] {
        return std::make_unique<internal::kstream_join_window<K, V>>(this_store, ks, vs);
    }));
    auto* other_windowed_node =
        add_windowed(other_windowed, tos.node, internal::node_maker<K, VO, K, VO>(other_windowed, [=] {
            return std::make_unique<internal::kstream_join_window<K, VO>>(other_store, ks, vos);
        }));

    // KIP-962: a repartition in front of a left/outer join keeps null-key
    // records (an outer side joins them with null).
    this_windowed_node->null_key_relaxed_join = left_outer;
    other_windowed_node->null_key_relaxed_join = left_outer;

    auto trackers = std::make_shared<internal::join_time_trackers>();
    internal::kstream_kstream_join_spec<K, V, VO, VR> this_spec{
        true, left_outer, w.before_ms(), w.after_ms(), w.before_ms(), w.after_ms(), w.grace_period_ms(), w.size(),
        internal::join_store_names{this_store, other_store, outer_store}, ks, vs, vos,
        [joiner](const K* k, const V* mine, const VO* theirs) { return joiner(k, mine, theirs); }, trackers};
    internal::kstream_kstream_join_spec<K, VO, V, VR> other_spec{
        false, right_outer, w.after_ms(), w.before_ms(), w.before_ms(), w.after_ms(), w.grace_period_ms(), w.size(),
        internal::join_store_names{other_store, this_store, outer_store}, ks, vos, vs,
        [joiner](const K* k, const VO* mine, const V* theirs) { return joiner(k, theirs, mine); }, trackers};
    auto make_this = internal::node_maker<K, V, K, VR>(join_this, [this_spec] {
        return std::make_unique<internal::kstream_kstream_join<K, V, VO, VR>>(this_spec);
    });
    auto make_other = internal::node_maker<K, VO, K, VR>(join_other, [other_spec] {
        return std::make_unique<internal::kstream_kstream_join<K, VO, V, VR>>(other_spec);
    });
    auto make_merge = internal::node_maker<K, VR, K, VR>(
        merge, [] { return std::make_unique<internal::kstream_passthrough<K, VR>>(); });
    auto all_sources = internal::united(ts.source_nodes, tos.source_nodes);
    // Kafka's StreamStreamJoinNode: both join processors, the merge, then the
    // stores, each connected to the processor that fills it and the one that
    // reads it.
    auto* node = b.add_node(
        internal::graph_node_kind::stateful_processor, merge, {this_windowed_node, other_windowed_node},
        [=](internal::internal_topology_builder& t, const internal::graph_node&) {
            t.add_processor(join_this, make_this, {this_windowed});
            t.add_processor(join_other, make_other, {other_windowed});
            t.add_processor(merge, make_merge, {join_this, join_other});
            t.add_state_store(this_sb, {this_windowed, join_other});
            t.add_state_store(other_sb, {other_windowed, join_this});
            if (outer_sb) t.add_state_store(*outer_sb, {join_this, join_other});
            t.copartition_sources(all_sources);
        });
    auto out = child<K, VR>(node, false, sj.key_serde, std::nullopt);
    auto st = out.internal_state();
    st.source_nodes = all_sources;
    return kstream<K, VR>(std::move(st));
}

template<class K, class V>
template<class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const kstream<K, VO>& other, F joiner, const join_windows& w,
                                   const stream_joined<K, V, VO>& sj) const {
    std::function<std::optional<VR>(const K*, const V*, const VO*)> fn = [joiner](const K* k, const V* l,
                                                                                const VO* r) mutable {
        return internal::to_optional(internal::invoke_stream_joiner<K>(joiner, k, *l, *r));
    };
    return do_stream_join<VO, VR>(other, std::move(fn), w, sj, false, false);
}

template<class K, class V>
template<class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const kstream<K, VO>& other, F joiner, const join_windows& w,
                                        const stream_joined<K, V, VO>& sj) const {
    static_assert(!internal::joiner_takes_plain_key<F, K, const V&, const std::optional<VO>&>,
                  "a key-aware left_join joiner takes the key as const std::optional<K>& (null keys reach it)");
    std::function<std::optional<VR>(const K*, const V*, const VO*)> fn = [joiner](const K* k, const V* l,
                                                                                const VO* r) mutable {
        return internal::to_optional(internal::invoke_stream_joiner<K>(joiner, k, *l, internal::optional_copy(r)));
    };
    return do_stream_join<VO, VR>(other, std::move(fn), w, sj, true, false);
}

template<class K, class V>
template<class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::outer_join(const kstream<K, VO>& other, F joiner, const join_windows& w,
                                         const stream_joined<K, V, VO>& sj) const {
    static_assert(!internal::joiner_takes_plain_key<F, K, const std::optional<V>&, const std::optional<VO>&>,
                  "a key-aware outer_join joiner takes the key as const std::optional<K>& (null keys reach it)");
    std::function<std::optional<VR>(const K*, const V*, const VO*)> fn = [joiner](const K* k, const V* l,
                                                                                const VO* r) mutable {
        return internal::to_optional(
            internal::invoke_stream_joiner<K>(joiner, k, internal::optional_copy(l), internal::optional_copy(r)));
    };
    return do_stream_join<VO, VR>(other, std::move(fn), w, sj, true, true);
}

}  // namespace samsa::streams
