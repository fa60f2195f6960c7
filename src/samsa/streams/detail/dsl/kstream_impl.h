#pragma once
// kstream<K, V>'s stateless operations, sinks, repartitioning and grouping.
// Names follow Kafka Streams 3.8's KStreamImpl call for call, including the
// indexes it consumes, so generated names match.

#include <algorithm>

#include "samsa/streams/detail/graph/names.h"
#include "samsa/streams/detail/graph/naming.h"
#include "samsa/streams/detail/graph/table_info.h"
#include "samsa/streams/detail/ops/kstream_branch.h"
#include "samsa/streams/detail/ops/kstream_filter.h"
#include "samsa/streams/detail/ops/kstream_flat_map.h"
#include "samsa/streams/detail/ops/kstream_flat_map_values.h"
#include "samsa/streams/detail/ops/kstream_map.h"
#include "samsa/streams/detail/ops/kstream_map_values.h"
#include "samsa/streams/detail/ops/kstream_peek.h"
#include "samsa/streams/detail/ops/ktable_source.h"
#include "samsa/streams/detail/dsl/makers.h"
#include "samsa/streams/detail/topology/internal_topology_builder.h"

namespace samsa::streams {



template<class K, class V>
template<class K2, class V2>
kstream<K2, V2> kstream<K, V>::child(internal::graph_node* node, bool repartition_required,
                                     std::optional<serde<K2>> ks, std::optional<serde<V2>> vs) const {
    typename kstream<K2, V2>::state st;
    st.builder = s_.builder;
    st.node = node;
    st.key_serde = std::move(ks);
    st.value_serde = std::move(vs);
    st.repartition_required = repartition_required;
    st.source_nodes = s_.source_nodes;
    return kstream<K2, V2>(std::move(st));
}

template<class K, class V>
template<class KOut, class VOut>
internal::graph_node* kstream<K, V>::add_processor(std::string name,
                                                   internal::processor_base_supplier<K, V, KOut, VOut> supplier,
                                                   bool key_changing) const {
    auto make = internal::node_maker<K, V, KOut, VOut>(name, std::move(supplier));
    auto* n = s_.builder->add_node(internal::graph_node_kind::processor, name, {s_.node},
                                   [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                       t.add_processor(g.name, make, g.parent_names());
                                   });
    n->key_changing = key_changing;
    return n;
}

template<class K, class V>
template<class F>
kstream<K, V> kstream<K, V>::filter(F predicate, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::filter);
    auto* node = add_processor<K, V>(name, [predicate] {
        return std::make_unique<internal::kstream_filter<K, V, F>>(predicate, false);
    });
    return child<K, V>(node, s_.repartition_required, s_.key_serde, s_.value_serde);
}

template<class K, class V>
template<class F>
kstream<K, V> kstream<K, V>::filter_not(F predicate, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::filter);
    auto* node = add_processor<K, V>(name, [predicate] {
        return std::make_unique<internal::kstream_filter<K, V, F>>(predicate, true);
    });
    return child<K, V>(node, s_.repartition_required, s_.key_serde, s_.value_serde);
}

template<class K, class V>
template<class F, class P, class KR, class VR>
kstream<KR, VR> kstream<K, V>::map(F mapper, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::map);
    auto* node = add_processor<KR, VR>(
        name, [mapper] { return std::make_unique<internal::kstream_map<K, V, KR, VR, F>>(mapper); }, true);
    return child<KR, VR>(node, true, std::nullopt, std::nullopt);
}

template<class K, class V>
template<class F, class VR>
kstream<K, VR> kstream<K, V>::map_values(F mapper, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::map_values);
    auto* node = add_processor<K, VR>(
        name, [mapper] { return std::make_unique<internal::kstream_map_values<K, V, VR, F>>(mapper); });
    return child<K, VR>(node, s_.repartition_required, s_.key_serde, std::nullopt);
}

template<class K, class V>
template<class F, class P, class KR, class VR>
kstream<KR, VR> kstream<K, V>::flat_map(F mapper, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::flat_map);
    auto* node = add_processor<KR, VR>(
        name, [mapper] { return std::make_unique<internal::kstream_flat_map<K, V, KR, VR, F>>(mapper); }, true);
    return child<KR, VR>(node, true, std::nullopt, std::nullopt);
}

template<class K, class V>
template<class F, class VR>
kstream<K, VR> kstream<K, V>::flat_map_values(F mapper, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::flat_map_values);
    auto* node = add_processor<K, VR>(
        name, [mapper] { return std::make_unique<internal::kstream_flat_map_values<K, V, VR, F>>(mapper); });
    return child<K, VR>(node, s_.repartition_required, s_.key_serde, std::nullopt);
}

template<class K, class V>
template<class F, class KR>
kstream<KR, V> kstream<K, V>::select_key(F selector, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::key_select);
    auto* node = add_processor<KR, V>(
        name, [selector] { return std::make_unique<internal::kstream_select_key<K, V, KR, F>>(selector); }, true);
    return child<KR, V>(node, true, std::nullopt, s_.value_serde);
}

template<class K, class V>
template<class F>
kstream<K, V> kstream<K, V>::peek(F action, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::peek);
    auto* node = add_processor<K, V>(name, [action] {
        return std::make_unique<internal::kstream_peek<K, V, F>>(action, true);
    });
    return child<K, V>(node, s_.repartition_required, s_.key_serde, s_.value_serde);
}

template<class K, class V>
template<class F>
void kstream<K, V>::foreach(F action, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::foreach);
    add_processor<K, V>(name, [action] { return std::make_unique<internal::kstream_peek<K, V, F>>(action, false); });
}

template<class K, class V>
branched_kstream<K, V> kstream<K, V>::split(const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::branch);
    auto branches = std::make_shared<std::vector<internal::branch_spec<K, V>>>();
    auto* node = add_processor<K, V>(name, [branches] {
        return std::make_unique<internal::kstream_branch<K, V>>(*branches);
    });
    typename branched_kstream<K, V>::state st;
    st.builder = s_.builder;
    st.splitter = node;
    st.branches = branches;
    st.parent = s_;
    return branched_kstream<K, V>(std::move(st));
}

template<class K, class V>
kstream<K, V> kstream<K, V>::merge(const kstream& other, const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::merge);
    auto make = internal::node_maker<K, V, K, V>(
        name, [] { return std::make_unique<internal::kstream_passthrough<K, V>>(); });
    auto* node = s_.builder->add_node(internal::graph_node_kind::processor, name, {s_.node, other.s_.node},
                                      [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                          t.add_processor(g.name, make, g.parent_names());
                                      });
    auto out = child<K, V>(node, s_.repartition_required || other.s_.repartition_required, std::nullopt, std::nullopt);
    auto st = out.internal_state();
    st.source_nodes = internal::united(s_.source_nodes, other.s_.source_nodes);
    return kstream(std::move(st));
}

template<class K, class V>
void kstream<K, V>::to(const std::string& topic, const produced<K, V>& p) const {
    std::string name = internal::or_else_generate(*s_.builder, p.name, internal::names::sink);
    auto make = internal::sink_maker<K, V>(name, internal::resolve_serde<K>(p.key_serde ? p.key_serde : s_.key_serde),
                                           internal::resolve_serde<V>(p.value_serde ? p.value_serde : s_.value_serde),
                                           {}, p.partitioner);
    s_.builder->add_node(internal::graph_node_kind::sink, name, {s_.node},
                         [make, topic](internal::internal_topology_builder& t, const internal::graph_node& g) {
                             t.add_sink(g.name, topic, make, g.parent_names());
                         });
}

template<class K, class V>
void kstream<K, V>::to(topic_name_extractor<K, V> extractor, const produced<K, V>& p) const {
    std::string name = internal::or_else_generate(*s_.builder, p.name, internal::names::sink);
    auto make = internal::sink_maker<K, V>(name, internal::resolve_serde<K>(p.key_serde ? p.key_serde : s_.key_serde),
                                           internal::resolve_serde<V>(p.value_serde ? p.value_serde : s_.value_serde),
                                           std::move(extractor), p.partitioner);
    s_.builder->add_node(internal::graph_node_kind::sink, name, {s_.node},
                         [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                             t.add_dynamic_sink(g.name, "topic_name_extractor", make, g.parent_names());
                         });
}

template<class K, class V>
kstream<K, V> kstream<K, V>::repartition_through(const std::string& prefix, std::optional<serde<K>> ks,
                                                 std::optional<serde<V>> vs, std::optional<int> partitions,
                                                 stream_partitioner<K, V> partitioner) const {
    auto& b = *s_.builder;
    const std::string suffix = internal::names::repartition_suffix;
    bool has_suffix = prefix.size() >= suffix.size() && prefix.compare(prefix.size() - suffix.size(), suffix.size(), suffix) == 0;
    std::string topic = has_suffix ? prefix : prefix + suffix;
    // Kafka always consumes these three indexes, named or not.
    std::string sink = b.new_processor_name(internal::names::sink);
    std::string filter = b.new_processor_name(internal::names::filter);
    std::string source = b.new_processor_name(internal::names::source);
    if (!internal::is_generated_name(prefix)) {
        sink = topic + "-sink";
        source = topic + "-source";
        filter = topic + "-filter";
    }
    serde<K> key_serde = internal::resolve_serde<K>(ks ? ks : s_.key_serde);
    serde<V> value_serde = internal::resolve_serde<V>(vs ? vs : s_.value_serde);
    auto sink_make = internal::sink_maker<K, V>(sink, key_serde, value_serde, {}, std::move(partitioner));
    auto source_make = internal::source_maker<K, V>(source, key_serde, value_serde);
    auto* node = b.add_node(
        internal::graph_node_kind::repartition, source, {s_.node},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            bool relaxed = !g.children.empty() &&
                           std::all_of(g.children.begin(), g.children.end(),
                                       [](const internal::graph_node* c) { return c->null_key_relaxed_join; });
            t.add_processor(filter,
                            internal::node_maker<K, V, K, V>(filter, [relaxed] {
                                return std::make_unique<internal::repartition_filter<K, V>>(!relaxed);
                            }),
                            g.parent_names());
            t.add_internal_topic(topic, partitions);
            t.add_sink(sink, topic, sink_make, {filter});
            t.add_source(source, {topic}, source_make);
        });
    state st;
    st.builder = s_.builder;
    st.node = node;
    st.key_serde = key_serde;
    st.value_serde = value_serde;
    st.repartition_required = false;
    st.source_nodes = {source};
    return kstream(std::move(st));
}

template<class K, class V>
kstream<K, V> kstream<K, V>::repartition(const repartitioned<K, V>& r) const {
    std::string name = r.name ? *r.name : s_.builder->new_processor_name("KSTREAM-REPARTITION-");
    return repartition_through(name, r.key_serde, r.value_serde, r.number_of_partitions, r.partitioner);
}

template<class K, class V>
ktable<K, V> kstream<K, V>::to_table(const named& n, const materialized<K, V>& m) const {
    auto& b = *s_.builder;
    std::string name = internal::or_else_generate(b, n.name, internal::names::to_ktable);
    std::string store = m.store_name ? *m.store_name : b.new_store_name(internal::names::to_ktable);
    kstream input = s_.repartition_required ? repartition_through(name, m.key_serde, m.value_serde, std::nullopt) : *this;
    auto ks = internal::resolve_serde<K>(m.key_serde ? m.key_serde : input.s_.key_serde);
    auto vs = internal::resolve_serde<V>(m.value_serde ? m.value_serde : input.s_.value_serde);
    internal::table_store_spec<K, V> spec{store, ks, vs};
    auto info = std::make_shared<internal::table_info<K, V>>();
    info->enable_upstream = [](bool) { return true; };
    info->getter_store_names = [store] { return std::vector<std::string>{store}; };
    info->getter = [spec] { return std::make_unique<internal::store_value_getter<K, V>>(spec); };
    store_builder sb = internal::make_table_store_builder(store, m);
    auto* node = b.add_node(internal::graph_node_kind::table_source, name, {input.s_.node},
                            [info, spec, sb](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                bool send_old = info->send_old_values;
                                t.add_processor(g.name, internal::node_maker<K, V, K, change<V>>(g.name, [spec, send_old] {
                                                    return std::make_unique<internal::ktable_source<K, V>>(spec, send_old);
                                                }),
                                                g.parent_names());
                                t.add_state_store(sb, {g.name});
                            });
    typename ktable<K, V>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = ks;
    st.value_serde = vs;
    st.source_nodes = input.s_.source_nodes;
    st.info = info;
    st.queryable_store = m.store_name;
    return ktable<K, V>(std::move(st));
}

template<class K, class V>
kgrouped_stream<K, V> kstream<K, V>::group_by_key(const grouped<K, V>& g) const {
    typename kgrouped_stream<K, V>::state st;
    st.builder = s_.builder;
    st.node = s_.node;
    st.key_serde = g.key_serde ? g.key_serde : s_.key_serde;
    st.value_serde = g.value_serde ? g.value_serde : s_.value_serde;
    st.repartition_required = s_.repartition_required;
    st.source_nodes = s_.source_nodes;
    st.repartition_name = g.name;
    return kgrouped_stream<K, V>(std::move(st));
}

template<class K, class V>
template<class F, class KR>
kgrouped_stream<KR, V> kstream<K, V>::group_by(F selector, const grouped<KR, V>& g) const {
    std::string name = internal::or_else_generate(*s_.builder, g.name, internal::names::key_select);
    auto* node = add_processor<KR, V>(
        name, [selector] { return std::make_unique<internal::kstream_select_key<K, V, KR, F>>(selector); }, true);
    typename kgrouped_stream<KR, V>::state st;
    st.builder = s_.builder;
    st.node = node;
    st.key_serde = g.key_serde;
    st.value_serde = g.value_serde ? g.value_serde : s_.value_serde;
    st.repartition_required = true;
    st.source_nodes = s_.source_nodes;
    st.repartition_name = g.name;
    return kgrouped_stream<KR, V>(std::move(st));
}

template<class K, class V>
template<class KOut, class VOut>
kstream<KOut, VOut> kstream<K, V>::process(processor_supplier<K, V, KOut, VOut> supplier,
                                           const std::vector<std::string>& store_names, const named& n) const {
    std::string name = n.name ? *n.name : s_.builder->new_processor_name(internal::names::process);
    auto make = internal::node_maker<K, V, KOut, VOut>(name, std::move(supplier));
    auto* node = s_.builder->add_node(
        internal::graph_node_kind::stateful_processor, name, {s_.node},
        [make, store_names](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_processor(g.name, make, g.parent_names());
            for (const auto& s : store_names) t.connect_processor_and_state_store(g.name, s);
        });
    node->key_changing = true;
    return child<KOut, VOut>(node, true, std::nullopt, std::nullopt);
}

// branched_kstream

template<class K, class V>
void branched_kstream<K, V>::add_branch(std::function<bool(const std::optional<K>&, const std::optional<V>&)> pred,
                                        const branched& b) {
    bool is_default = !pred;
    size_t index = s_.branches->size() + 1;
    std::string child = s_.splitter->name + (b.name ? *b.name : std::to_string(is_default ? 0 : index));
    s_.builder->new_processor_name(internal::names::branch_child);
    s_.branches->push_back({std::move(pred), child});
    auto make = internal::node_maker<K, V, K, V>(
        child, [] { return std::make_unique<internal::kstream_passthrough<K, V>>(); });
    auto* node = s_.builder->add_node(internal::graph_node_kind::processor, child, {s_.splitter},
                                      [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                          t.add_processor(g.name, make, g.parent_names());
                                      });
    typename kstream<K, V>::state st = s_.parent;
    st.node = node;
    s_.result.insert_or_assign(child, kstream<K, V>(std::move(st)));
}

template<class K, class V>
template<class F>
branched_kstream<K, V>& branched_kstream<K, V>::branch(F predicate, const branched& b) {
    add_branch(
        [predicate](const std::optional<K>& k, const std::optional<V>& v) mutable {
            bool keep = false;
            internal::call_kv(predicate, k, v, [&](bool x) { keep = x; });
            return keep;
        },
        b);
    return *this;
}

template<class K, class V>
std::map<std::string, kstream<K, V>> branched_kstream<K, V>::default_branch(const branched& b) {
    add_branch({}, b);
    return s_.result;
}

template<class K, class V>
std::map<std::string, kstream<K, V>> branched_kstream<K, V>::no_default_branch() {
    return s_.result;
}

}  // namespace samsa::streams
