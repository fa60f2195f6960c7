#pragma once
// cogroup (Kafka's CogroupedKStreamImpl and CogroupedStreamAggregateBuilder).
// Names are consumed in Kafka's order: the store (when not named), then per
// input needing it a repartition (sink, filter, source), then one
// COGROUPKSTREAM-AGGREGATE per input, then the COGROUPKSTREAM-MERGE.

#include "samsa/streams/internal/graph/names.h"
#include "samsa/streams/internal/graph/naming.h"
#include "samsa/streams/internal/ops/kstream_aggregate.h"
#include "samsa/streams/internal/ops/kstream_branch.h"

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
    return in;
}

}  // namespace internal

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
