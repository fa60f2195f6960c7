#pragma once
// kstream<K, V>'s joins with a ktable and with a global_ktable (Kafka's
// KStreamImpl.join/leftJoin/doStreamTableJoin/globalTableJoin): a stream that
// needs a repartition gets one first, named after the Joined name or the
// stream's own node; the join processor reads the table's value getter and is
// connected to the stores it reads.

#include "samsa/streams/detail/ops/kstream_ktable_join.h"

namespace samsa::streams {

template<class K, class V>
template<class KT, class VT, class VR>
kstream<K, VR> kstream<K, V>::do_table_join(
    const ktable<KT, VT>& table, std::function<std::optional<VR>(const K*, V&&, const VT*, VT*)> joiner,
    std::optional<std::string> join_name, bool left) const {
    const auto& ts = table.internal_state();
    auto all_sources = internal::united(s_.source_nodes, ts.source_nodes);
    std::string name = internal::or_else_generate(*s_.builder, join_name, left ? internal::names::left_join
                                                                                 : internal::names::join);
    std::vector<std::string> stores = ts.info->getter_store_names();
    auto getter = ts.info->getter;
    typename internal::kstream_ktable_join<K, V, KT, VT, VR>::key_mapper mapper;  // the record's key
    auto make = internal::node_maker<K, V, K, VR>(name, [getter, mapper, joiner, left] {
        return std::make_unique<internal::kstream_ktable_join<K, V, KT, VT, VR>>(getter, mapper, joiner, left);
    });
    auto* node = s_.builder->add_node(
        internal::graph_node_kind::stream_table_join, name, {s_.node},
        [make, stores, all_sources](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_processor(g.name, make, g.parent_names());
            for (const auto& s : stores) t.connect_processor_and_state_store(g.name, s);
            t.copartition_sources(all_sources);
        });
    node->null_key_relaxed_join = left;
    auto out = child<K, VR>(node, false, s_.key_serde, std::nullopt);
    auto st = out.internal_state();
    st.source_nodes = all_sources;
    return kstream<K, VR>(std::move(st));
}

template<class K, class V>
template<class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j) const {
    std::function<std::optional<VR>(const K*, V&&, const VT*, VT*)> fn =
        [joiner](const K*, V&& v, const VT* t, VT* owned) mutable {
            if (owned) return internal::to_optional(joiner(std::move(v), std::move(*owned)));
            return internal::to_optional(joiner(std::move(v), *t));
        };
    kstream input = s_.repartition_required ? repartition_through(j.name ? *j.name : name(), j.key_serde, j.value_serde,
                                                                  std::nullopt)
                                            : *this;
    return input.template do_table_join<K, VT, VR>(table, std::move(fn), j.name, false);
}

template<class K, class V>
template<class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j) const {
    std::function<std::optional<VR>(const K*, V&&, const VT*, VT*)> fn =
        [joiner](const K*, V&& v, const VT* t, VT* owned) mutable {
            if (owned) return internal::to_optional(joiner(std::move(v), std::optional<VT>(std::move(*owned))));
            return internal::to_optional(joiner(std::move(v), internal::optional_copy(t)));
        };
    kstream input = s_.repartition_required ? repartition_through(j.name ? *j.name : name(), j.key_serde, j.value_serde,
                                                                  std::nullopt)
                                            : *this;
    return input.template do_table_join<K, VT, VR>(table, std::move(fn), j.name, true);
}

template<class K, class V>
template<class KG, class VG, class VR>
kstream<K, VR> kstream<K, V>::do_global_join(
    const global_ktable<KG, VG>& table,
    std::function<std::optional<KG>(const std::optional<K>&, const std::optional<V>&)> selector,
    std::function<std::optional<VR>(const K*, V&&, const VG*, VG*)> joiner, const named& n,
    bool left) const {
    // Kafka names both global joins KSTREAM-LEFTJOIN.
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::left_join);
    auto getter = table.internal_state().getter;
    auto make = internal::node_maker<K, V, K, VR>(name, [getter, selector, joiner, left] {
        return std::make_unique<internal::kstream_ktable_join<K, V, KG, VG, VR>>(getter, selector, joiner, left);
    });
    auto* node = s_.builder->add_node(internal::graph_node_kind::stream_table_join, name, {s_.node},
                                      [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                          t.add_processor(g.name, make, g.parent_names());
                                      });
    node->null_key_relaxed_join = left;
    return child<K, VR>(node, s_.repartition_required, s_.key_serde, std::nullopt);
}

namespace internal {

// Called only for records with a value (kstream_ktable_join).
template<class K, class V, class KG, class S>
std::function<std::optional<KG>(const std::optional<K>&, const std::optional<V>&)> global_key_selector(S selector) {
    return [selector](const std::optional<K>& k, const std::optional<V>& v) mutable -> std::optional<KG> {
        std::optional<KG> out;
        call_kv(selector, k, v, [&](auto&& kg) { out = to_optional(std::forward<decltype(kg)>(kg)); });
        return out;
    };
}

}  // namespace internal

template<class K, class V>
template<class KG, class VG, class S, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const global_ktable<KG, VG>& table, S selector, F joiner, const named& n) const {
    // A global table's rows are always lent (read from its store).
    std::function<std::optional<VR>(const K*, V&&, const VG*, VG*)> fn =
        [joiner](const K*, V&& v, const VG* t, VG*) mutable { return internal::to_optional(joiner(std::move(v), *t)); };
    return do_global_join<KG, VG, VR>(table, internal::global_key_selector<K, V, KG>(std::move(selector)),
                                      std::move(fn), n, false);
}

template<class K, class V>
template<class KG, class VG, class S, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const global_ktable<KG, VG>& table, S selector, F joiner,
                                        const named& n) const {
    std::function<std::optional<VR>(const K*, V&&, const VG*, VG*)> fn =
        [joiner](const K*, V&& v, const VG* t, VG*) mutable {
            return internal::to_optional(joiner(std::move(v), internal::optional_copy(t)));
        };
    return do_global_join<KG, VG, VR>(table, internal::global_key_selector<K, V, KG>(std::move(selector)),
                                      std::move(fn), n, true);
}

}  // namespace samsa::streams
