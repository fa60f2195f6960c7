#pragma once
// cogroup (Kafka's CogroupedKStreamImpl and CogroupedStreamAggregateBuilder).
// Names are consumed in Kafka's order: the store (when not named), then per
// input needing it a repartition (sink, filter, source), then one
// COGROUPKSTREAM-AGGREGATE per input, then the COGROUPKSTREAM-MERGE.
// Windowed cogroups (Kafka's TimeWindowedCogroupedKStreamImpl,
// SlidingWindowedCogroupedKStreamImpl, SessionWindowedCogroupedKStreamImpl)
// name and wire the same way, with windowed aggregate processors over one
// window or session store. Needs windowed_impl.h's helpers (included first
// by dsl_impl.h).

#include "samsa/streams/detail/graph/names.h"
#include "samsa/streams/detail/graph/naming.h"
#include "samsa/streams/detail/ops/kstream_aggregate.h"
#include "samsa/streams/detail/ops/kstream_branch.h"
#include "samsa/streams/detail/ops/kstream_session_window_aggregate.h"
#include "samsa/streams/detail/ops/kstream_sliding_window_aggregate.h"
#include "samsa/streams/detail/ops/kstream_window_aggregate.h"

namespace samsa::streams {

namespace internal {

template<class K, class V, class VOut, class F>
cogroup_input<K, VOut> make_cogroup_input(const typename kgrouped_stream<K, V>::state& g, F aggregator) {
    cogroup_input<K, VOut> in;
    in.node = g.node;
    in.repartition_required = g.repartition_required;
    in.source_nodes = g.source_nodes;
    in.repartition = [g](const std::string& store) {
        typename kstream<K, V>::state st;
        st.builder = g.builder;
        st.node = g.node;
        st.key_serde = g.key_serde;
        st.value_serde = g.value_serde;
        st.source_nodes = g.source_nodes;
        auto out = kstream<K, V>(std::move(st))
                       .repartition_through(g.repartition_name ? *g.repartition_name : store, g.key_serde,
                                            g.value_serde, std::nullopt);
        return std::pair{out.internal_state().node, out.internal_state().source_nodes};
    };
    std::function<VOut(const K&, const V&, const VOut&)> agg = [aggregator](const K& k, const V& v,
                                                                            const VOut& a) mutable {
        return VOut(aggregator(k, v, a));
    };
    in.aggregate_maker = [agg](const std::string& name, const table_store_spec<K, VOut>& spec,
                               std::function<VOut()> init, std::shared_ptr<table_info<K, VOut>> info) {
        // Read when the graph is written: downstream has asked by then.
        bool send_old = info->send_old_values;
        return node_maker<K, V, K, change<VOut>>(name, [=] {
            return std::make_unique<kstream_aggregate<K, V, VOut>>(spec, init, agg, send_old);
        });
    };
    // Windowed: Kafka calls the aggregator for null values too; one taking
    // plain V cannot see them, so the operator drops them (fn.h).
    constexpr bool takes_optional = std::is_invocable_v<F&, const K&, const std::optional<V>&, const VOut&>;
    auto wagg = windowed_aggregator<K, V, VOut>(aggregator);
    in.windowed_aggregate_maker =
        [wagg](const std::string& name, const cogroup_windows& windows, const window_store_spec<K, VOut>& spec,
               std::function<std::optional<VOut>()> init,
               std::function<std::optional<VOut>(const K&, const std::optional<VOut>&, const VOut&)> merge,
               std::shared_ptr<table_info<windowed<K>, VOut>> info) {
            bool send_old = info->send_old_values;
            window_aggregate_functions<K, V, VOut> fns{std::move(init), wagg, takes_optional};
            return node_maker<K, V, windowed<K>, change<VOut>>(
                name, [=]() -> std::unique_ptr<internal::processor_base<K, V, windowed<K>, change<VOut>>> {
                    // Kafka 3.8's CogroupedStreamAggregateBuilder: always
                    // emit on window update.
                    const auto emit = streams::emit_strategy::on_window_update();
                    if (const auto* s = std::get_if<session_windows>(&windows)) {
                        return std::make_unique<kstream_session_window_aggregate<K, V, VOut>>(*s, spec, fns, merge,
                                                                                             emit, send_old);
                    }
                    if (const auto* s = std::get_if<sliding_windows>(&windows)) {
                        return std::make_unique<kstream_sliding_window_aggregate<K, V, VOut>>(*s, spec, fns, emit,
                                                                                             send_old);
                    }
                    return std::make_unique<kstream_window_aggregate<K, V, VOut>>(std::get<time_windows>(windows),
                                                                                 spec, fns, emit, send_old);
                });
        };
    return in;
}

// The store name, then per input its repartition, then the aggregate
// processors and the merge: Kafka's CogroupedStreamAggregateBuilder.build for
// windows. The store's retention is checked by the caller.
template<class K, class VOut>
ktable<windowed<K>, VOut> build_windowed_cogroup(
    const typename cogrouped_kstream<K, VOut>::state& s, const cogroup_windows& windows, const std::string& store,
    int64_t retention, std::function<std::optional<VOut>()> init,
    std::function<std::optional<VOut>(const K&, const std::optional<VOut>&, const VOut&)> merge, const named& n,
    const materialized<K, VOut>& m) {
    auto& b = *s.builder;
    std::vector<graph_node*> parents;
    std::set<std::string> copartitioned;
    for (const auto& in : s.inputs) {
        parents.push_back(in.repartition_required ? in.repartition(store).first : in.node);
        copartitioned.insert(in.source_nodes.begin(), in.source_nodes.end());
    }

    const session_windows* session = std::get_if<session_windows>(&windows);
    const int64_t size = session ? 0
                         : std::holds_alternative<sliding_windows>(windows)
                             ? std::get<sliding_windows>(windows).time_difference_ms()
                             : std::get<time_windows>(windows).size();
    // What suppress(until_window_closes) waits for (GracePeriodGraphNode).
    const int64_t grace = session ? session->grace_period_ms() + session->inactivity_gap()
                          : std::holds_alternative<sliding_windows>(windows)
                              ? std::get<sliding_windows>(windows).grace_period_ms()
                              : std::get<time_windows>(windows).grace_period_ms();
    serde<K> key_serde = resolve_serde<K>(m.key_serde ? m.key_serde : s.key_serde);
    serde<VOut> value_serde = resolve_serde<VOut>(m.value_serde);
    window_store_spec<K, VOut> spec{store, key_serde, value_serde, size};
    auto info = std::make_shared<table_info<windowed<K>, VOut>>();
    info->enable_upstream = [](bool) { return true; };
    info->getter_store_names = [store] { return std::vector<std::string>{store}; };
    if (session) info->getter = [spec] { return std::make_unique<session_store_value_getter<K, VOut>>(spec); };
    else info->getter = [spec] { return std::make_unique<window_store_value_getter<K, VOut>>(spec); };
    store_builder sb = make_window_store_builder(store, m, retention, size, session != nullptr);

    std::vector<graph_node*> aggregates;
    for (size_t i = 0; i < s.inputs.size(); ++i) {
        std::string suffix = "-cogroup-agg-" + std::to_string(i);
        std::string name = suffix_with_or_else_get(b, n.name, suffix.c_str(), names::cogroup_aggregate);
        bool first = i == 0;
        auto maker = s.inputs[i].windowed_aggregate_maker;
        auto* node = b.add_node(graph_node_kind::stateful_processor, name, {parents[i]},
                                [=](internal_topology_builder& t, const graph_node& g) {
                                    t.add_processor(g.name, maker(g.name, windows, spec, init, merge, info),
                                                    g.parent_names());
                                    if (first) {
                                        t.add_state_store(sb, {g.name});
                                        t.copartition_sources(copartitioned);
                                    } else {
                                        t.connect_processor_and_state_store(g.name, store);
                                    }
                                });
        node->window_grace_ms = grace;
        aggregates.push_back(node);
    }

    std::string merge_name = suffix_with_or_else_get(b, n.name, "-cogroup-merge", names::cogroup_merge);
    auto* node = b.add_node(graph_node_kind::processor, merge_name, aggregates,
                            [](internal_topology_builder& t, const graph_node& g) {
                                t.add_processor(g.name,
                                                node_maker<windowed<K>, change<VOut>, windowed<K>, change<VOut>>(
                                                    g.name,
                                                    [] {
                                                        return std::make_unique<
                                                            kstream_passthrough<windowed<K>, change<VOut>>>();
                                                    }),
                                                g.parent_names());
                            });
    serde<windowed<K>> windowed_serde =
        session ? serdes::session_windowed<K>(key_serde) : serdes::time_windowed<K>(key_serde, size);
    return ktable<windowed<K>, VOut>(windowed_table_state<K, VOut>(b, node, std::move(windowed_serde), value_serde,
                                                                   {merge_name}, m.store_name, info));
}

}  // namespace internal

template<class K, class VOut>
time_windowed_cogrouped_kstream<K, VOut> cogrouped_kstream<K, VOut>::windowed_by(const time_windows& w) const {
    return time_windowed_cogrouped_kstream<K, VOut>(s_, w);
}

template<class K, class VOut>
time_windowed_cogrouped_kstream<K, VOut> cogrouped_kstream<K, VOut>::windowed_by(const sliding_windows& w) const {
    return time_windowed_cogrouped_kstream<K, VOut>(s_, w);
}

template<class K, class VOut>
session_windowed_cogrouped_kstream<K, VOut> cogrouped_kstream<K, VOut>::windowed_by(const session_windows& w) const {
    return session_windowed_cogrouped_kstream<K, VOut>(s_, w);
}

template<class K, class VOut>
template<class I>
ktable<windowed<K>, VOut> time_windowed_cogrouped_kstream<K, VOut>::aggregate(I initializer, const named& n,
                                                                            const materialized<K, VOut>& m) const {
    auto& b = *s_.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(internal::names::cogroup_aggregate);
    const int64_t retention = internal::checked_window_retention(store, windows_, internal::requested_retention(m));
    internal::cogroup_windows w = std::holds_alternative<sliding_windows>(windows_)
                                      ? internal::cogroup_windows(std::get<sliding_windows>(windows_))
                                      : internal::cogroup_windows(std::get<time_windows>(windows_));
    return internal::build_windowed_cogroup<K, VOut>(
        s_, w, store, retention, [initializer]() mutable { return std::optional<VOut>(VOut(initializer())); }, {}, n,
        m);
}

template<class K, class VOut>
template<class I, class M>
ktable<windowed<K>, VOut> session_windowed_cogrouped_kstream<K, VOut>::aggregate(I initializer, M merger,
                                                                               const named& n,
                                                                               const materialized<K, VOut>& m) const {
    auto& b = *s_.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(internal::names::cogroup_aggregate);
    const int64_t retention = internal::checked_session_retention(store, windows_, internal::requested_retention(m));
    return internal::build_windowed_cogroup<K, VOut>(
        s_, windows_, store, retention, [initializer]() mutable { return std::optional<VOut>(VOut(initializer())); },
        [merger](const K& k, const std::optional<VOut>& agg, const VOut& other) mutable {
            return std::optional<VOut>(VOut(merger(k, *agg, other)));
        },
        n, m);
}

template<class K, class V>
template<class VOut, class F, class VA>
cogrouped_kstream<K, VA> kgrouped_stream<K, V>::cogroup(F aggregator) const {
    typename cogrouped_kstream<K, VA>::state st;
    st.builder = s_.builder;
    st.key_serde = s_.key_serde;
    st.inputs.push_back(internal::make_cogroup_input<K, V, VA>(s_, std::move(aggregator)));
    return cogrouped_kstream<K, VA>(std::move(st));
}

template<class K, class VOut>
template<class V, class F>
cogrouped_kstream<K, VOut> cogrouped_kstream<K, VOut>::cogroup(const kgrouped_stream<K, V>& grouped,
                                                               F aggregator) const {
    state st = s_;
    st.inputs.push_back(internal::make_cogroup_input<K, V, VOut>(grouped.internal_state(), std::move(aggregator)));
    return cogrouped_kstream(std::move(st));
}

template<class K, class VOut>
template<class I>
ktable<K, VOut> cogrouped_kstream<K, VOut>::aggregate(I initializer, const named& n,
                                                      const materialized<K, VOut>& m) const {
    auto& b = *s_.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(internal::names::cogroup_aggregate);

    // Kafka's processRepartitions. It co-partitions the inputs' sources as
    // the grouped streams had them, before any repartition (3.8 does so).
    std::vector<internal::graph_node*> parents;
    std::set<std::string> copartitioned;
    for (const auto& in : s_.inputs) {
        parents.push_back(in.repartition_required ? in.repartition(store).first : in.node);
        copartitioned.insert(in.source_nodes.begin(), in.source_nodes.end());
    }

    internal::table_store_spec<K, VOut> spec{store, internal::resolve_serde<K>(m.key_serde ? m.key_serde : s_.key_serde),
                                             internal::resolve_serde<VOut>(m.value_serde)};
    auto info = internal::materialized_table_info(spec);
    store_builder sb = internal::make_table_store_builder(store, m);
    std::function<VOut()> init = [initializer]() mutable { return VOut(initializer()); };

    // One aggregate processor per input; the first one owns the store.
    std::vector<internal::graph_node*> aggregates;
    for (size_t i = 0; i < s_.inputs.size(); ++i) {
        std::string suffix = "-cogroup-agg-" + std::to_string(i);
        std::string name = internal::suffix_with_or_else_get(b, n.name, suffix.c_str(), internal::names::cogroup_aggregate);
        bool first = i == 0;
        auto maker = s_.inputs[i].aggregate_maker;
        aggregates.push_back(b.add_node(
            internal::graph_node_kind::stateful_processor, name, {parents[i]},
            [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
                t.add_processor(g.name, maker(g.name, spec, init, info), g.parent_names());
                if (first) {
                    t.add_state_store(sb, {g.name});
                    t.copartition_sources(copartitioned);
                } else {
                    t.connect_processor_and_state_store(g.name, store);
                }
            }));
    }

    // KTablePassThrough: forwards every aggregate's update, old values
    // included when the aggregates send them.
    std::string merge = internal::suffix_with_or_else_get(b, n.name, "-cogroup-merge", internal::names::cogroup_merge);
    auto* node = b.add_node(internal::graph_node_kind::processor, merge, aggregates,
                            [](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                t.add_processor(g.name, internal::node_maker<K, change<VOut>, K, change<VOut>>(g.name, [] {
                                                    return std::make_unique<internal::kstream_passthrough<K, change<VOut>>>();
                                                }),
                                                g.parent_names());
                            });
    // Kafka gives the table the merge processor as its only "source node".
    return ktable<K, VOut>(internal::aggregate_table_state<K, VOut>(b, node, spec, {merge}, m.store_name, info));
}

}  // namespace samsa::streams
