#pragma once
// kstream<K, V>'s joins with a ktable and with a global_ktable (Kafka's
// KStreamImpl.join/leftJoin/doStreamTableJoin/globalTableJoin): a stream that
// needs a repartition gets one first, named after the Joined name or the
// stream's own node; the join processor reads the table's value getter and is
// connected to the stores it reads.

#include "samsa/streams/detail/ops/kstream_ktable_join.h"

namespace samsa::streams {

template<class K, class V>
template<class KT, class VT, class VR, class J>
kstream<K, VR> kstream<K, V>::do_table_join(const ktable<KT, VT>& table, J joiner, std::optional<std::string> join_name,
                                            bool left) const {
    const auto& ts = table.internal_state();
    auto all_sources = internal::united(s_.source_nodes, ts.source_nodes);
    std::string name = internal::or_else_generate(*s_.builder, join_name, left ? internal::names::left_join
                                                                                 : internal::names::join);
    std::vector<std::string> stores = ts.info->getter_store_names();
    auto getter = ts.info->getter;
    using op = internal::kstream_ktable_join<K, V, KT, VT, VR, internal::record_key_lookup, J>;
    auto make = internal::node_maker<K, V, K, VR>(name, [getter, joiner, left] {
        return std::make_unique<op>(getter, internal::record_key_lookup{}, joiner, left);
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

// The joiners below are kstream_ktable_join's (const K*, V&&, const VT*
// other, VT* owned, std::optional<VR>& out): the user's joiner gets the
// stream value moved, and the table row moved when the getter made it for
// this lookup (owned), else lent; its result is built in out.
template<class K, class V>
template<class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j) const {
    auto fn = [joiner](const K*, V&& v, const VT* t, VT* owned, std::optional<VR>& out) mutable {
        if (owned) {
            internal::emplace_result(out, [&] { return joiner(std::move(v), std::move(*owned)); });
        } else if constexpr (std::is_invocable_v<F&, V&&, const VT&>) {
            internal::emplace_result(out, [&] { return joiner(std::move(v), *t); });
        } else {
            // A joiner that takes the row as VT&& only: a copy of the lent row.
            internal::emplace_result(out, [&] { return joiner(std::move(v), VT(*t)); });
        }
    };
    kstream input = s_.repartition_required ? repartition_through(j.name ? *j.name : name(), j.key_serde, j.value_serde,
                                                                  std::nullopt)
                                            : *this;
    return input.template do_table_join<K, VT, VR>(table, std::move(fn), j.name, false);
}

template<class K, class V>
template<class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j) const {
    auto fn = [joiner](const K*, V&& v, const VT* t, VT* owned, std::optional<VR>& out) mutable {
        if (owned) {
            internal::emplace_result(out, [&] { return joiner(std::move(v), std::optional<VT>(std::move(*owned))); });
        } else {
            internal::emplace_result(out, [&] { return joiner(std::move(v), internal::optional_copy(t)); });
        }
    };
    kstream input = s_.repartition_required ? repartition_through(j.name ? *j.name : name(), j.key_serde, j.value_serde,
                                                                  std::nullopt)
                                            : *this;
    return input.template do_table_join<K, VT, VR>(table, std::move(fn), j.name, true);
}

template<class K, class V>
template<class KG, class VG, class VR, class M, class J>
kstream<K, VR> kstream<K, V>::do_global_join(const global_ktable<KG, VG>& table, M selector, J joiner, const named& n,
                                             bool left) const {
    // Kafka names both global joins KSTREAM-LEFTJOIN.
    std::string name = internal::or_else_generate(*s_.builder, n.name, internal::names::left_join);
    auto getter = table.internal_state().getter;
    using op = internal::kstream_ktable_join<K, V, KG, VG, VR, M, J>;
    auto make = internal::node_maker<K, V, K, VR>(name, [getter, selector, joiner, left] {
        return std::make_unique<op>(getter, selector, joiner, left);
    });
    auto* node = s_.builder->add_node(internal::graph_node_kind::stream_table_join, name, {s_.node},
                                      [make](internal::internal_topology_builder& t, const internal::graph_node& g) {
                                          t.add_processor(g.name, make, g.parent_names());
                                      });
    node->null_key_relaxed_join = left;
    return child<K, VR>(node, s_.repartition_required, s_.key_serde, std::nullopt);
}

namespace internal {

// The selector's key, moved into an optional the join keeps for the lookup
// (global_key_selector, below).
template<class K, class V, class KG, class S>
auto global_key_copy(S selector) {
    return [selector](const std::optional<K>& k, const std::optional<V>& v) mutable -> std::optional<KG> {
        std::optional<KG> out;
        // Straight into out (no optional made first): an optional the
        // selector returns is moved, a key is moved into place.
        call_kv(selector, k, v, [&](auto&& kg) { out = std::forward<decltype(kg)>(kg); });
        return out;
    };
}

// A global join's key mapper (kstream_ktable_join's Mapper) from the user's
// selector; called only for records with a value. A selector that returns
// a const KG& (a field of the record's value or key) gives a pointer to it
// (nullptr: no key): the table is looked up with the key the record already
// holds, not with a copy of it (s20-hM: order-mail's item id). Any other
// selector's key is moved into an optional (global_key_copy).
template<class K, class V, class KG, class S>
auto global_key_selector(S selector) {
    if constexpr (std::is_same_v<kv_result_t<S, K, V>, const KG&>) {
        return [selector](const std::optional<K>& k, const std::optional<V>& v) mutable -> const KG* {
            const KG* out = nullptr;
            call_kv(selector, k, v, [&](const KG& kg) { out = &kg; });
            return out;
        };
    } else {
        return global_key_copy<K, V, KG>(std::move(selector));
    }
}

}  // namespace internal

template<class K, class V>
template<class KG, class VG, class S, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const global_ktable<KG, VG>& table, S selector, F joiner, const named& n) const {
    // A global table's rows are always lent (read from its store).
    auto fn = [joiner](const K*, V&& v, const VG* t, VG*, std::optional<VR>& out) mutable {
        internal::emplace_result(out, [&] { return joiner(std::move(v), *t); });
    };
    return do_global_join<KG, VG, VR>(table, internal::global_key_selector<K, V, KG>(std::move(selector)),
                                      std::move(fn), n, false);
}

template<class K, class V>
template<class KG, class VG, class S, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const global_ktable<KG, VG>& table, S selector, F joiner,
                                        const named& n) const {
    auto fn = [joiner](const K*, V&& v, const VG* t, VG*, std::optional<VR>& out) mutable {
        internal::emplace_result(out, [&] { return joiner(std::move(v), internal::optional_copy(t)); });
    };
    return do_global_join<KG, VG, VR>(table, internal::global_key_selector<K, V, KG>(std::move(selector)),
                                      std::move(fn), n, true);
}

}  // namespace samsa::streams
