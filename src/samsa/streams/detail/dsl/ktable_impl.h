#pragma once
// ktable<K, V>'s operations (Kafka's KTableImpl): filter, map_values,
// to_stream, the three table-table joins and group_by. Old values are
// requested upstream where Kafka requests them: group_by, left (this side)
// and outer (both sides) joins.

#include "samsa/streams/detail/ops/ktable_filter.h"
#include "samsa/streams/detail/ops/ktable_ktable_join.h"
#include "samsa/streams/detail/ops/ktable_map_values.h"
#include "samsa/streams/detail/ops/ktable_repartition_map.h"
#include "samsa/streams/detail/ops/ktable_suppress.h"
#include "samsa/streams/detail/graph/window_grace.h"
#include "samsa/streams/detail/ops/ktable_to_stream.h"

namespace samsa::streams {

namespace internal {

inline std::vector<std::string> store_union(std::vector<std::string> a, const std::vector<std::string>& b) {
    for (const auto& s : b) {
        if (std::find(a.begin(), a.end(), s) == a.end()) a.push_back(s);
    }
    return a;
}

}  // namespace internal

template<class K, class V>
ktable<K, V> ktable<K, V>::do_filter(internal::table_predicate<K, V> pred, bool filter_not, const named& n,
                                     std::optional<materialized<K, V>> m) const {
    auto& b = *s_.builder;
    std::optional<internal::table_store_spec<K, V>> spec;
    std::optional<store_builder> sb;
    if (m) {
        std::string store = m->store_name ? *m->store_name : b.new_store_name(internal::names::ktable_filter);
        spec = internal::table_store_spec<K, V>{store, internal::resolve_serde<K>(m->key_serde ? m->key_serde : s_.key_serde),
                                                internal::resolve_serde<V>(m->value_serde ? m->value_serde : s_.value_serde)};
        sb = internal::make_table_store_builder(store, *m);
    }
    std::string name = internal::or_else_generate(b, n.name, internal::names::ktable_filter);
    auto parent = s_.info;
    auto info = std::make_shared<internal::table_info<K, V>>();
    bool mat = spec.has_value();
    info->enable_upstream = [parent, mat](bool force) { return parent->enable_sending_old_values(mat || force); };
    if (spec) {
        std::string store = spec->name;
        info->getter_store_names = [store] { return std::vector<std::string>{store}; };
        info->getter = [s = *spec] { return std::make_unique<internal::store_value_getter<K, V>>(s); };
    } else {
        info->getter_store_names = [parent] { return parent->getter_store_names(); };
        info->getter = [parent, pred, filter_not] {
            return std::make_unique<internal::transforming_value_getter<K, V, V>>(
                parent->getter, [pred, filter_not](const K& k, const V& v) -> std::optional<V> {
                    if (pred(k, v) != filter_not) return v;
                    return std::nullopt;
                });
        };
    }
    auto* node = b.add_node(internal::graph_node_kind::processor, name, {s_.node},
                            [info, pred, filter_not, spec, sb](internal::internal_topology_builder& t,
                                                               const internal::graph_node& g) {
                                bool send_old = info->send_old_values;
                                t.add_processor(g.name, internal::node_maker<K, change<V>, K, change<V>>(g.name, [=] {
                                                    return std::make_unique<internal::ktable_filter<K, V>>(
                                                        pred, filter_not, send_old, spec);
                                                }),
                                                g.parent_names());
                                if (sb) t.add_state_store(*sb, {g.name});
                            });
    state st = s_;
    st.node = node;
    st.info = info;
    st.queryable_store = m ? m->store_name : std::nullopt;
    return ktable(std::move(st));
}

template<class K, class V>
template<class F>
ktable<K, V> ktable<K, V>::filter(F predicate, const named& n, std::optional<materialized<K, V>> m) const {
    return do_filter([predicate](const K& k, const V& v) mutable { return static_cast<bool>(predicate(k, v)); }, false,
                     n, std::move(m));
}

template<class K, class V>
template<class F>
ktable<K, V> ktable<K, V>::filter_not(F predicate, const named& n, std::optional<materialized<K, V>> m) const {
    return do_filter([predicate](const K& k, const V& v) mutable { return static_cast<bool>(predicate(k, v)); }, true,
                     n, std::move(m));
}

template<class K, class V>
template<class F, class VR>
ktable<K, VR> ktable<K, V>::map_values(F mapper, const named& n, std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    auto& b = *s_.builder;
    std::optional<internal::table_store_spec<K, VR>> spec;
    std::optional<store_builder> sb;
    if (m) {
        std::string store = m->store_name ? *m->store_name : b.new_store_name(internal::names::ktable_map_values);
        spec = internal::table_store_spec<K, VR>{store,
                                                 internal::resolve_serde<K>(m->key_serde ? m->key_serde : s_.key_serde),
                                                 internal::resolve_serde<VR>(m->value_serde)};
        sb = internal::make_table_store_builder(store, *m);
    }
    std::string name = internal::or_else_generate(b, n.name, internal::names::ktable_map_values);
    internal::table_value_mapper<K, V, VR> fn = [mapper](const K& k, const V& v) mutable -> std::optional<VR> {
        if constexpr (std::is_invocable_v<F&, const V&>) return internal::to_optional(mapper(v));
        else return internal::to_optional(mapper(k, v));
    };
    auto parent = s_.info;
    auto info = std::make_shared<internal::table_info<K, VR>>();
    bool mat = spec.has_value();
    info->enable_upstream = [parent, mat](bool force) { return parent->enable_sending_old_values(mat || force); };
    if (spec) {
        std::string store = spec->name;
        info->getter_store_names = [store] { return std::vector<std::string>{store}; };
        info->getter = [s = *spec] { return std::make_unique<internal::store_value_getter<K, VR>>(s); };
    } else {
        info->getter_store_names = [parent] { return parent->getter_store_names(); };
        info->getter = [parent, fn] {
            return std::make_unique<internal::transforming_value_getter<K, V, VR>>(parent->getter, fn);
        };
    }
    auto* node = b.add_node(internal::graph_node_kind::processor, name, {s_.node},
                            [info, fn, spec, sb](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                bool send_old = info->send_old_values;
                                t.add_processor(g.name, internal::node_maker<K, change<V>, K, change<VR>>(g.name, [=] {
                                                    return std::make_unique<internal::ktable_map_values<K, V, VR>>(
                                                        fn, send_old, spec);
                                                }),
                                                g.parent_names());
                                if (sb) t.add_state_store(*sb, {g.name});
                            });
    typename ktable<K, VR>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = s_.key_serde;
    if (m) st.value_serde = m->value_serde;
    st.source_nodes = s_.source_nodes;
    st.info = info;
    st.queryable_store = m ? m->store_name : std::nullopt;
    return ktable<K, VR>(std::move(st));
}

template<class K, class V>
kstream<K, V> ktable<K, V>::to_stream(const named& n) const {
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::ktable_to_stream);
    auto make = internal::node_maker<K, change<V>, K, V>(
        name, [] { return std::make_unique<internal::ktable_to_stream<K, V>>(); });
    auto* node = s_.builder->add_node(internal::graph_node_kind::processor, name, {s_.node},
                                      [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                          t.add_processor(g.name, make, g.parent_names());
                                      });
    typename kstream<K, V>::state st;
    st.builder = s_.builder;
    st.node = node;
    st.key_serde = s_.key_serde;
    st.value_serde = s_.value_serde;
    st.source_nodes = s_.source_nodes;
    return kstream<K, V>(std::move(st));
}

// Kafka's KTableImpl.suppress: the processor's name, then the grace (for
// until_window_closes), then the store's name (a named suppression's store is
// <name>-store and consumes no index), then the parent is asked for old
// values, which the buffer keeps as each key's prior value.
template<class K, class V>
ktable<K, V> ktable<K, V>::suppress(const suppressed<K>& s) const {
    auto& b = *s_.builder;
    std::string name = s.name() ? *s.name() : b.new_processor_name(internal::names::ktable_suppress);
    auto spec = std::make_shared<internal::suppress_spec<K, V>>();
    if (s.final_results()) {
        if constexpr (is_windowed_key<K>::value) {
            spec->suppress_duration_ms = internal::find_and_verify_window_grace(*s_.node);
            spec->buffer_time = [](const K& key, int64_t) { return key.window().end(); };
            spec->safe_to_drop_tombstones = true;
        }
    } else {
        spec->suppress_duration_ms = s.time_to_wait_ms();
        spec->buffer_time = [](const K&, int64_t timestamp) { return timestamp; };
    }
    std::string store = s.name() ? *s.name() + "-store" : b.new_store_name(internal::names::ktable_suppress);
    const buffer_config& config = s.config();
    spec->store_name = store;
    spec->key_serde = internal::resolve_serde<K>(s_.key_serde);
    spec->value_serde = internal::resolve_serde<V>(s_.value_serde);
    spec->max_records = config.max_records_limit();
    spec->max_bytes = config.max_bytes_limit();
    spec->strategy = config.full_strategy();
    s_.info->enable_sending_old_values(true);
    store_builder sb = stores::time_ordered_change_buffer_builder(store, config.logging_enabled(), config.log_config());

    auto parent = s_.info;
    auto info = std::make_shared<internal::table_info<K, V>>();
    info->enable_upstream = [parent](bool force) { return parent->enable_sending_old_values(force); };
    info->getter_store_names = [parent, store] {
        return internal::store_union(std::vector<std::string>{store}, parent->getter_store_names());
    };
    std::shared_ptr<const internal::suppress_spec<K, V>> shared_spec = spec;
    info->getter = [parent, shared_spec] {
        return std::make_unique<internal::suppress_value_getter<K, V>>(parent->getter, shared_spec);
    };
    auto* node = b.add_node(internal::graph_node_kind::stateful_processor, name, {s_.node},
                            [shared_spec, sb](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                t.add_processor(g.name, internal::node_maker<K, change<V>, K, change<V>>(g.name, [=] {
                                                    return std::make_unique<internal::ktable_suppress<K, V>>(
                                                        shared_spec);
                                                }),
                                                g.parent_names());
                                t.add_state_store(sb, {g.name});
                            });
    state st = s_;
    st.node = node;
    st.info = info;
    st.queryable_store = std::nullopt;
    return ktable(std::move(st));
}

template<class K, class V>
template<class VO, class VR, class J>
ktable<K, VR> ktable<K, V>::do_join(const ktable<K, VO>& other, J joiner, internal::join_kind kind, const named& n,
                                    std::optional<materialized<K, VR>> m) const {
    auto& b = *s_.builder;
    const auto& os = other.internal_state();
    std::optional<internal::table_store_spec<K, VR>> spec;
    std::optional<store_builder> sb;
    if (m) {
        std::string store = m->store_name ? *m->store_name : b.new_store_name(internal::names::ktable_merge);
        spec = internal::table_store_spec<K, VR>{store,
                                                 internal::resolve_serde<K>(m->key_serde ? m->key_serde : s_.key_serde),
                                                 internal::resolve_serde<VR>(m->value_serde)};
        sb = internal::make_table_store_builder(store, *m);
    }
    std::string merge_name = internal::or_else_generate(b, n.name, internal::names::ktable_merge);
    auto all_sources = internal::united(s_.source_nodes, os.source_nodes);
    if (kind != internal::join_kind::inner) s_.info->enable_sending_old_values(true);
    if (kind == internal::join_kind::outer) os.info->enable_sending_old_values(true);
    std::string this_name = internal::suffix_with_or_else_get(b, n.name, "-join-this", internal::names::ktable_join_this);
    std::string other_name =
        internal::suffix_with_or_else_get(b, n.name, "-join-other", internal::names::ktable_join_other);
    std::vector<std::string> this_stores = s_.info->getter_store_names();
    std::vector<std::string> other_stores = os.info->getter_store_names();

    auto this_info = s_.info;
    auto other_info = os.info;
    auto info = std::make_shared<internal::table_info<K, VR>>();
    info->enable_upstream = [this_info, other_info](bool) {
        this_info->enable_sending_old_values(true);
        other_info->enable_sending_old_values(true);
        return true;
    };
    if (spec) {
        std::string store = spec->name;
        info->getter_store_names = [store] { return std::vector<std::string>{store}; };
        info->getter = [s = *spec] { return std::make_unique<internal::store_value_getter<K, VR>>(s); };
    } else {
        info->getter_store_names = [this_info, other_info] {
            return internal::store_union(this_info->getter_store_names(), other_info->getter_store_names());
        };
        info->getter = [this_info, other_info, joiner, kind] {
            return std::make_unique<internal::join_value_getter<K, V, VO, VR, J>>(this_info->getter,
                                                                                  other_info->getter, joiner, kind);
        };
    }
    using side = internal::table_join_side;
    side this_side = kind == internal::join_kind::inner ? side::inner
                     : kind == internal::join_kind::left ? side::left
                                                         : side::outer;
    side other_side = kind == internal::join_kind::inner ? side::inner
                      : kind == internal::join_kind::left ? side::right
                                                          : side::outer;
    auto reversed = [joiner](const VO* o, const V* t) mutable { return joiner(t, o); };
    using this_join = internal::ktable_ktable_join<K, V, VO, VR, J>;
    using other_join = internal::ktable_ktable_join<K, VO, V, VR, decltype(reversed)>;
    std::string this_parent = s_.node->name, other_parent = os.node->name;
    auto* node = b.add_node(
        internal::graph_node_kind::table_table_join, merge_name, {s_.node, os.node},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            bool send_old = info->send_old_values;
            auto this_getter = this_info->getter;
            auto other_getter = other_info->getter;
            t.add_processor(this_name,
                            internal::node_maker<K, change<V>, K, change<VR>>(this_name, [=] {
                                return std::make_unique<this_join>(this_side, other_getter, joiner, send_old);
                            }),
                            {this_parent});
            t.add_processor(other_name,
                            internal::node_maker<K, change<VO>, K, change<VR>>(other_name, [=] {
                                return std::make_unique<other_join>(other_side, this_getter, reversed, send_old);
                            }),
                            {other_parent});
            t.add_processor(g.name,
                            internal::node_maker<K, change<VR>, K, change<VR>>(g.name, [=] {
                                return std::make_unique<internal::ktable_join_merger<K, VR>>(spec, send_old);
                            }),
                            {this_name, other_name});
            for (const auto& s : other_stores) t.connect_processor_and_state_store(this_name, s);
            for (const auto& s : this_stores) t.connect_processor_and_state_store(other_name, s);
            if (sb) t.add_state_store(*sb, {g.name});
            t.copartition_sources(all_sources);
        });
    typename ktable<K, VR>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = s_.key_serde;
    if (m) st.value_serde = m->value_serde;
    st.source_nodes = all_sources;
    st.info = info;
    st.queryable_store = m ? m->store_name : std::nullopt;
    return ktable<K, VR>(std::move(st));
}

template<class K, class V>
template<class VO, class F, class VR>
ktable<K, VR> ktable<K, V>::join(const ktable<K, VO>& other, F joiner, const named& n,
                                 std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    return do_join<VO, VR>(
        other, [joiner](const V* a, const VO* b) mutable { return VR(joiner(*a, *b)); },
        internal::join_kind::inner, n, std::move(m));
}

template<class K, class V>
template<class VO, class F, class VR>
ktable<K, VR> ktable<K, V>::left_join(const ktable<K, VO>& other, F joiner, const named& n,
                                      std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    return do_join<VO, VR>(
        other, [joiner](const V* a, const VO* b) mutable { return VR(joiner(*a, internal::optional_copy(b))); },
        internal::join_kind::left, n, std::move(m));
}

template<class K, class V>
template<class VO, class F, class VR>
ktable<K, VR> ktable<K, V>::outer_join(const ktable<K, VO>& other, F joiner, const named& n,
                                       std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    return do_join<VO, VR>(
        other,
        [joiner](const V* a, const VO* b) mutable {
            return VR(joiner(internal::optional_copy(a), internal::optional_copy(b)));
        },
        internal::join_kind::outer, n, std::move(m));
}

template<class K, class V>
template<class F, class P, class KR, class VR>
kgrouped_table<KR, VR> ktable<K, V>::group_by(F selector, const grouped<KR, VR>& g) const {
    auto& b = *s_.builder;
    std::string name = internal::or_else_generate(b, g.name, internal::names::ktable_select);
    typename internal::ktable_repartition_map<K, V, KR, VR>::mapper fn =
        [selector](const K& k, const V& v) mutable -> std::pair<std::optional<KR>, std::optional<VR>> {
        auto p = selector(k, v);
        using traits = internal::pair_traits<std::decay_t<decltype(p)>>;
        return {traits::get_key(std::move(p)), traits::get_value(std::move(p))};
    };
    auto make = internal::node_maker<K, change<V>, KR, change<VR>>(
        name, [fn] { return std::make_unique<internal::ktable_repartition_map<K, V, KR, VR>>(fn); });
    auto* node = b.add_node(internal::graph_node_kind::processor, name, {s_.node},
                            [make](internal::internal_topology_builder& t, const internal::graph_node& g2) {
                                t.add_processor(g2.name, make, g2.parent_names());
                            });
    s_.info->enable_sending_old_values(true);
    typename kgrouped_table<KR, VR>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = g.key_serde;
    st.value_serde = g.value_serde;
    st.source_nodes = s_.source_nodes;
    st.repartition_name = g.name;
    return kgrouped_table<KR, VR>(std::move(st));
}

}  // namespace samsa::streams
