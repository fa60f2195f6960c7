#pragma once
// ktable<K, V>: a changelog stream seen as a table, keyed state updated per
// key and deleted by tombstones (Kafka Streams' KTable). Internally its
// records are change<V> (new and, when needed, old value).
//
// Joins: joiner(const V&, const VO&) for join, (const V&, const
// std::optional<VO>&) for left_join, (const std::optional<V>&, const
// std::optional<VO>&) for outer_join. Either side triggers; a row leaving the
// join yields a tombstone; the output timestamp is the larger input's.
//
// Threads: build on one thread; the processors run on stream threads.

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/detail/graph/internal_streams_builder.h"
#include "samsa/streams/detail/graph/table_info.h"
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/kstream_map_values.h"
#include "samsa/streams/detail/ops/ktable_filter.h"
#include "samsa/streams/options.h"
#include "samsa/streams/suppressed.h"

namespace samsa::streams {

// Kafka Streams' KTable<K, V>: a changelog stream read as a table, the latest value per key; a cheap handle on a node
// of the builder's graph (see the top of this file).
template<class K, class V>
class ktable {
public:
    // The table's key type.
    using key_type = K;
    // The table's value type.
    using value_type = V;

    // predicate(const K&, const V&) -> bool; never called for tombstones.
    template<class F>
    ktable filter(F predicate, const named& n = {}, std::optional<materialized<K, V>> m = {}) const;
    // KTable.filterNot: the rows for which predicate is false (a filtered-out row is deleted downstream).
    template<class F>
    ktable filter_not(F predicate, const named& n = {}, std::optional<materialized<K, V>> m = {}) const;
    // mapper(const V&) or (const K&, const V&) -> VR; never called for tombstones.
    template<class F, class VR = internal::unwrap_optional_t<internal::value_mapper_result_t<F, K, V>>>
    ktable<K, VR> map_values(F mapper, const named& n = {}, std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;
    // KTable.toStream: the table's updates as a stream (a deletion is a record with no value).
    kstream<K, V> to_stream(const named& n = {}) const;
    // Holds updates back and emits them later: at most one per key per time
    // limit, or one final result per window (Kafka's KTable.suppress; see
    // suppressed.h). Throws std::invalid_argument for until_window_closes on
    // a table that no windowed aggregation feeds. The buffer stores keys and
    // values with the table's serdes (else the types' default serdes): give
    // materialized serdes upstream for types that have none.
    ktable suppress(const suppressed<K>& s) const;

    // KTable.join: the inner join of two tables on their key; joiner(const V&, const VO&) -> VR.
    template<class VO, class F, class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, const V&, const VO&>>>
    ktable<K, VR> join(const ktable<K, VO>& other, F joiner, const named& n = {},
                       std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;
    // KTable.leftJoin: every row of this table; joiner(const V&, const std::optional<VO>&) -> VR.
    template<class VO, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, const V&, const std::optional<VO>&>>>
    ktable<K, VR> left_join(const ktable<K, VO>& other, F joiner, const named& n = {},
                            std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;
    // KTable.outerJoin: the rows of either table; joiner(const std::optional<V>&, const std::optional<VO>&) -> VR.
    template<class VO, class F,
             class VR = internal::unwrap_optional_t<
                 std::invoke_result_t<F&, const std::optional<V>&, const std::optional<VO>&>>>
    ktable<K, VR> outer_join(const ktable<K, VO>& other, F joiner, const named& n = {},
                             std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;

    // Foreign-key joins (KIP-213; detail/dsl/ktable_fk_join_impl.h): each
    // row of this table joins the row of `other` whose key
    // foreign_key_extractor(const V&) -> KO (or std::optional<KO>, none: no
    // foreign key) gives. joiner(const V&, const VO&) for join,
    // (const V&, const std::optional<VO>&) for left_join. Either side
    // triggers; the result is keyed by this table's key. Runs through two
    // internal topics (subscription registration and response) and a
    // subscription store, named as Kafka Streams names them.
    template<class KO, class VO, class X, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, const V&, const VO&>>,
             class = std::invoke_result_t<X&, const V&>>
    ktable<K, VR> join(const ktable<KO, VO>& other, X foreign_key_extractor, F joiner, const named& n = {},
                       std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;
    // The foreign-key left join (see join() above).
    template<class KO, class VO, class X, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, const V&, const std::optional<VO>&>>,
             class = std::invoke_result_t<X&, const V&>>
    ktable<K, VR> left_join(const ktable<KO, VO>& other, X foreign_key_extractor, F joiner, const named& n = {},
                            std::optional<materialized<K, std::type_identity_t<VR>>> m = {}) const;

    // selector(const K&, const V&) -> key_value<KR, VR> (or std::pair).
    template<class F, class P = std::invoke_result_t<F&, const K&, const V&>,
             class KR = typename internal::pair_traits<P>::key, class VR = typename internal::pair_traits<P>::value>
    kgrouped_table<KR, VR> group_by(F selector, const grouped<KR, VR>& g = {}) const;

    // The store this table is queryable by, if it was materialized under a name.
    const std::optional<std::string>& queryable_store_name() const { return s_.queryable_store; }
    // The name of the node this handle is on (its processor's).
    const std::string& name() const { return s_.node->name; }

    struct state {
        internal::internal_streams_builder* builder = nullptr;
        internal::graph_node* node = nullptr;
        std::optional<serde<K>> key_serde;
        std::optional<serde<V>> value_serde;
        std::set<std::string> source_nodes;
        // Shared with the processor factories written into the topology,
        // which outlive this handle and the builder.
        std::shared_ptr<internal::table_info<K, V>> info;
        std::optional<std::string> queryable_store;
    };
    // For the implementation: the DSL makes handles.
    explicit ktable(state s) : s_(std::move(s)) {}
    const state& internal_state() const { return s_; }

private:
    // joiner: (const V*, const VO*) -> VR (join_value_getter's).
    template<class VO, class VR, class J>
    ktable<K, VR> do_join(const ktable<K, VO>& other, J joiner, internal::join_kind kind, const named& n,
                          std::optional<materialized<K, VR>> m) const;
    template<class KO, class VO, class VR>
    ktable<K, VR> do_foreign_key_join(const ktable<KO, VO>& other, std::function<std::optional<KO>(const V&)> fk,
                                      std::function<std::optional<VR>(const V*, const VO*)> joiner, bool left_join,
                                      const named& n, std::optional<materialized<K, VR>> m) const;
    ktable do_filter(internal::table_predicate<K, V> pred, bool filter_not, const named& n,
                     std::optional<materialized<K, V>> m) const;

    state s_;
};

// A table replicated in full on every instance (Kafka Streams'
// GlobalKTable); only joins read it.
template<class K, class V>
class global_ktable {
public:
    struct state {
        std::string store_name;
        internal::value_getter_supplier<K, V> getter;
    };
    // For the implementation: the DSL makes handles.
    explicit global_ktable(state s) : s_(std::move(s)) {}
    // The store holding the table, queryable on every instance.
    const std::string& queryable_store_name() const { return s_.store_name; }
    const state& internal_state() const { return s_; }

private:
    state s_;
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
