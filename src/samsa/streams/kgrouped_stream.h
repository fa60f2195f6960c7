#pragma once
// kgrouped_stream<K, V>: a stream grouped by key, ready to aggregate (Kafka
// Streams' KGroupedStream). Each input record updates the aggregate of its
// key and emits the new aggregate (no record cache); records with a null key
// or value are skipped. If the grouping changed the key, a repartition topic
// named after the grouped name or the store comes first.
//
// Threads: build on one thread.

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/detail/graph/internal_streams_builder.h"
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/options.h"
#include "samsa/streams/windows.h"

namespace samsa::streams {

// Kafka Streams' KGroupedStream<K, V>: a stream grouped by key, for aggregations (see the top of this file).
template<class K, class V>
class kgrouped_stream {
public:
    // KGroupedStream.count: the number of records per key (records with no key or no value are skipped).
    ktable<K, int64_t> count(const named& n = {}, const materialized<K, int64_t>& m = {}) const;
    // reducer(const V& aggregate, const V& value) -> V.
    template<class F>
    ktable<K, V> reduce(F reducer, const named& n = {}, const materialized<K, V>& m = {}) const;
    // initializer() -> VA; aggregator(const K&, const V&, const VA&) -> VA.
    template<class I, class F, class VA = std::decay_t<std::invoke_result_t<I&>>>
    ktable<K, VA> aggregate(I initializer, F aggregator, const materialized<K, std::type_identity_t<VA>>& m = {},
                            const named& n = {}) const;
    // Starts a cogroup (cogrouped_kstream.h): aggregator(const K&, const V&,
    // const VOut&) -> VOut. VOut is the aggregator's return type unless given
    // (a generic lambda needs it: cogroup<str>(...)).
    template<class VOut = void, class F, class VA = typename internal::cogroup_value<VOut, F>::type>
    cogrouped_kstream<K, VA> cogroup(F aggregator) const;

    // Windowed aggregations (time_windowed_kstream.h): tumbling, hopping and
    // sliding windows give a time_windowed_kstream, sessions a
    // session_windowed_kstream.
    time_windowed_kstream<K, V> windowed_by(const time_windows& w) const;
    // KGroupedStream.windowedBy(SlidingWindows).
    time_windowed_kstream<K, V> windowed_by(const sliding_windows& w) const;
    // KGroupedStream.windowedBy(SessionWindows).
    session_windowed_kstream<K, V> windowed_by(const session_windows& w) const;

    struct state {
        internal::internal_streams_builder* builder = nullptr;
        internal::graph_node* node = nullptr;
        std::optional<serde<K>> key_serde;
        std::optional<serde<V>> value_serde;
        bool repartition_required = false;
        std::set<std::string> source_nodes;
        std::optional<std::string> repartition_name;
    };
    // For the implementation: the DSL makes handles.
    explicit kgrouped_stream(state s) : s_(std::move(s)) {}
    const state& internal_state() const { return s_; }

private:
    template<class VA>
    ktable<K, VA> do_aggregate(const char* prefix, std::function<VA()> init,
                               std::function<VA(const K&, const V&, const VA&)> agg, const named& n,
                               const materialized<K, VA>& m) const;
    state s_;
};

// kgrouped_table<K, V>: a re-keyed table, ready to aggregate (Kafka Streams'
// KGroupedTable): every change subtracts the old row from its old group and
// adds the new row to its new group.
template<class K, class V>
class kgrouped_table {
public:
    // KGroupedTable.count: the number of rows per key.
    ktable<K, int64_t> count(const named& n = {}, const materialized<K, int64_t>& m = {}) const;
    // adder/subtractor(const V& aggregate, const V& value) -> V.
    template<class A, class S>
    ktable<K, V> reduce(A adder, S subtractor, const named& n = {}, const materialized<K, V>& m = {}) const;
    // initializer() -> VA; adder/subtractor(const K&, const V&, const VA&) -> VA.
    template<class I, class A, class S, class VA = std::decay_t<std::invoke_result_t<I&>>>
    ktable<K, VA> aggregate(I initializer, A adder, S subtractor, const materialized<K, std::type_identity_t<VA>>& m = {},
                            const named& n = {}) const;

    struct state {
        internal::internal_streams_builder* builder = nullptr;
        internal::graph_node* node = nullptr;  // KTABLE-SELECT
        std::optional<serde<K>> key_serde;
        std::optional<serde<V>> value_serde;
        std::set<std::string> source_nodes;
        std::optional<std::string> repartition_name;
    };
    // For the implementation: the DSL makes handles.
    explicit kgrouped_table(state s) : s_(std::move(s)) {}

private:
    template<class VA>
    ktable<K, VA> do_aggregate(const char* prefix, std::function<VA()> init,
                               std::function<VA(const K&, const V&, const VA&)> add,
                               std::function<VA(const K&, const V&, const VA&)> subtract, const named& n,
                               const materialized<K, VA>& m) const;
    state s_;
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
