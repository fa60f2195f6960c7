#pragma once
// Aggregations of kgrouped_stream and kgrouped_table (Kafka's
// KGroupedStreamImpl / GroupedStreamAggregateBuilder and KGroupedTableImpl):
// store name first, then the processor name, then the repartition, in that
// order, because that is the order Kafka consumes indexes in.

#include "samsa/streams/detail/ops/change_serde.h"
#include "samsa/streams/detail/ops/kstream_aggregate.h"
#include "samsa/streams/detail/ops/ktable_aggregate.h"

namespace samsa::streams {

namespace internal {

template<class K, class VA>
typename ktable<K, VA>::state aggregate_table_state(internal_streams_builder& b, graph_node* node,
                                                    table_store_spec<K, VA> spec, std::set<std::string> sources,
                                                    std::optional<std::string> queryable,
                                                    std::shared_ptr<table_info<K, VA>> info) {
    typename ktable<K, VA>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = spec.key_serde;
    st.value_serde = spec.value_serde;
    st.source_nodes = std::move(sources);
    st.info = std::move(info);
    st.queryable_store = std::move(queryable);
    return st;
}

template<class K, class VA>
std::shared_ptr<table_info<K, VA>> materialized_table_info(const table_store_spec<K, VA>& spec) {
    auto info = std::make_shared<table_info<K, VA>>();
    info->enable_upstream = [](bool) { return true; };
    info->getter_store_names = [name = spec.name] { return std::vector<std::string>{name}; };
    info->getter = [spec] { return std::make_unique<store_value_getter<K, VA>>(spec); };
    return info;
}

}  // namespace internal

template<class K, class V>
template<class VA>
ktable<K, VA> kgrouped_stream<K, V>::do_aggregate(const char* prefix, std::function<VA()> init,
                                                  std::function<VA(const K&, const V&, const VA&)> agg,
                                                  const named& n, const materialized<K, VA>& m) const {
    auto& b = *s_.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(prefix);
    std::string name = internal::or_else_generate(b, n.name, prefix);
    typename kstream<K, V>::state input;
    input.builder = &b;
    input.node = s_.node;
    input.key_serde = s_.key_serde;
    input.value_serde = s_.value_serde;
    input.source_nodes = s_.source_nodes;
    kstream<K, V> in(input);
    if (s_.repartition_required) {
        in = in.repartition_through(s_.repartition_name ? *s_.repartition_name : store, s_.key_serde, s_.value_serde,
                                    std::nullopt);
    }
    internal::table_store_spec<K, VA> spec{store,
                                           internal::resolve_serde<K>(m.key_serde ? m.key_serde : s_.key_serde),
                                           internal::resolve_serde<VA>(m.value_serde)};
    auto info = internal::materialized_table_info(spec);
    store_builder sb = internal::make_table_store_builder(store, m);
    auto* node = b.add_node(internal::graph_node_kind::stateful_processor, name, {in.internal_state().node},
                            [info, spec, init, agg, sb](internal::internal_topology_builder& t,
                                                        const internal::graph_node& g) {
                                bool send_old = info->send_old_values;
                                t.add_processor(g.name, internal::node_maker<K, V, K, change<VA>>(g.name, [=] {
                                                    return std::make_unique<internal::kstream_aggregate<K, V, VA>>(
                                                        spec, init, agg, send_old);
                                                }),
                                                g.parent_names());
                                t.add_state_store(sb, {g.name});
                            });
    return ktable<K, VA>(internal::aggregate_table_state<K, VA>(b, node, spec, in.internal_state().source_nodes,
                                                                m.store_name, info));
}

template<class K, class V>
ktable<K, int64_t> kgrouped_stream<K, V>::count(const named& n, const materialized<K, int64_t>& m) const {
    return do_aggregate<int64_t>(
        internal::names::aggregate, [] { return int64_t{0}; },
        [](const K&, const V&, const int64_t& agg) { return agg + 1; }, n, m);
}

template<class K, class V>
template<class F>
ktable<K, V> kgrouped_stream<K, V>::reduce(F reducer, const named& n, const materialized<K, V>& m) const {
    return do_aggregate<V>(
        internal::names::reduce, {}, [reducer](const K&, const V& v, const V& agg) mutable { return V(reducer(agg, v)); },
        n, m);
}

template<class K, class V>
template<class I, class F, class VA>
ktable<K, VA> kgrouped_stream<K, V>::aggregate(I initializer, F aggregator, const materialized<K, std::type_identity_t<VA>>& m,
                                               const named& n) const {
    return do_aggregate<VA>(
        internal::names::aggregate, [initializer]() mutable { return VA(initializer()); },
        [aggregator](const K& k, const V& v, const VA& agg) mutable { return VA(aggregator(k, v, agg)); }, n, m);
}

template<class K, class V>
template<class VA>
ktable<K, VA> kgrouped_table<K, V>::do_aggregate(const char* prefix, std::function<VA()> init,
                                                 std::function<VA(const K&, const V&, const VA&)> add,
                                                 std::function<VA(const K&, const V&, const VA&)> subtract,
                                                 const named& n, const materialized<K, VA>& m) const {
    auto& b = *s_.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(prefix);
    std::string sink = internal::suffix_with_or_else_get(b, n.name, "-sink", internal::names::sink);
    std::string source = internal::suffix_with_or_else_get(b, n.name, "-source", internal::names::source);
    std::string name = internal::or_else_generate(b, n.name, prefix);
    std::string topic = (s_.repartition_name ? *s_.repartition_name : store) + internal::names::repartition_suffix;
    serde<K> ks = internal::resolve_serde<K>(s_.key_serde);
    serde<change<V>> cs = internal::change_serde<V>(internal::resolve_serde<V>(s_.value_serde));
    auto sink_make = internal::sink_maker<K, change<V>>(sink, ks, cs);
    auto source_make = internal::source_maker<K, change<V>>(source, ks, cs);
    auto* repartition = b.add_node(internal::graph_node_kind::repartition, source, {s_.node},
                                   [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                       t.add_internal_topic(topic);
                                       t.add_sink(sink, topic, sink_make, g.parent_names());
                                       t.add_source(source, {topic}, source_make);
                                   });
    internal::table_store_spec<K, VA> spec{store, internal::resolve_serde<K>(m.key_serde ? m.key_serde : s_.key_serde),
                                           internal::resolve_serde<VA>(m.value_serde)};
    auto info = internal::materialized_table_info(spec);
    store_builder sb = internal::make_table_store_builder(store, m);
    auto* node = b.add_node(internal::graph_node_kind::stateful_processor, name, {repartition},
                            [info, spec, init, add, subtract, sb](internal::internal_topology_builder& t,
                                                                  const internal::graph_node& g) {
                                bool send_old = info->send_old_values;
                                t.add_processor(g.name, internal::node_maker<K, change<V>, K, change<VA>>(g.name, [=] {
                                                    return std::make_unique<internal::ktable_aggregate<K, V, VA>>(
                                                        spec, init, add, subtract, send_old);
                                                }),
                                                g.parent_names());
                                t.add_state_store(sb, {g.name});
                            });
    return ktable<K, VA>(internal::aggregate_table_state<K, VA>(b, node, spec, {source}, m.store_name, info));
}

template<class K, class V>
ktable<K, int64_t> kgrouped_table<K, V>::count(const named& n, const materialized<K, int64_t>& m) const {
    return do_aggregate<int64_t>(
        internal::names::ktable_aggregate, [] { return int64_t{0}; },
        [](const K&, const V&, const int64_t& agg) { return agg + 1; },
        [](const K&, const V&, const int64_t& agg) { return agg - 1; }, n, m);
}

template<class K, class V>
template<class A, class S>
ktable<K, V> kgrouped_table<K, V>::reduce(A adder, S subtractor, const named& n, const materialized<K, V>& m) const {
    return do_aggregate<V>(
        internal::names::ktable_reduce, {},
        [adder](const K&, const V& v, const V& agg) mutable { return V(adder(agg, v)); },
        [subtractor](const K&, const V& v, const V& agg) mutable { return V(subtractor(agg, v)); }, n, m);
}

template<class K, class V>
template<class I, class A, class S, class VA>
ktable<K, VA> kgrouped_table<K, V>::aggregate(I initializer, A adder, S subtractor, const materialized<K, std::type_identity_t<VA>>& m,
                                              const named& n) const {
    return do_aggregate<VA>(
        internal::names::ktable_aggregate, [initializer]() mutable { return VA(initializer()); },
        [adder](const K& k, const V& v, const VA& agg) mutable { return VA(adder(k, v, agg)); },
        [subtractor](const K& k, const V& v, const VA& agg) mutable { return VA(subtractor(k, v, agg)); }, n, m);
}

}  // namespace samsa::streams
