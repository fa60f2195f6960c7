#pragma once
// kstream<K, V>: an unbounded stream of records (Kafka Streams' KStream), a
// cheap handle on a node of the builder's graph. Every operation adds a node
// and returns a new handle; the builder must outlive its handles.
//
// Null keys and values, and how your functions see them (unlike Java):
// a function declared with plain parameters, `(const K&, const V&)`, is NOT
// CALLED for a record whose key (or value) is absent, where Kafka Streams
// would call it with null. filter, map, select_key, group_by, flat_map,
// map_values and flat_map_values then drop that record: it is counted in
// the task's dropped-records metric (topology_test_driver::dropped_records())
// and logged at debug level. peek and foreach still pass it on; a branch
// predicate counts as not matching; a global-table key selector gives no
// lookup key. Declare the parameters std::optional<K> / std::optional<V> (or
// use a generic lambda) to see every record, nulls included, as Java code
// does:
//
//   stream.select_key([](const std::optional<str>& k, const std::optional<order>& o) { ... });
//
// Value-only functions (map_values, flat_map_values) take `(const V&)` or
// `(const K&, const V&)`; a plain `(const V&)` one is called for null keys.
//
// Key-changing operations (select_key, map, flat_map, process) mark the
// stream: the next join or aggregation inserts a repartition topic first.
//
// Threads: build on one thread; the processors run on stream threads.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/detail/graph/internal_streams_builder.h"
#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/kstream_map_values.h"
#include "samsa/streams/join_windows.h"
#include "samsa/streams/options.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams {

// Kafka Streams' KStream<K, V>; see the top of this file.
template<class K, class V>
class kstream {
public:
    // The records' key type.
    using key_type = K;
    // The records' value type.
    using value_type = V;

    // KStream.filter: the records for which predicate(key, value) is true.
    template<class F>
    kstream filter(F predicate, const named& n = {}) const;
    // KStream.filterNot: the records for which predicate(key, value) is false.
    template<class F>
    kstream filter_not(F predicate, const named& n = {}) const;

    // F returns key_value<KR, VR> (or std::pair).
    template<class F, class P = internal::kv_result_t<F, K, V>, class KR = typename internal::pair_traits<P>::key,
             class VR = typename internal::pair_traits<P>::value>
    kstream<KR, VR> map(F mapper, const named& n = {}) const;
    // KStream.mapValues: mapper(value) or mapper(key, value) -> VR; the key is kept, so no repartitioning follows.
    template<class F, class VR = internal::unwrap_optional_t<internal::value_mapper_result_t<F, K, V>>>
    kstream<K, VR> map_values(F mapper, const named& n = {}) const;
    // F returns a range of key_value<KR, VR>.
    template<class F, class P = typename std::decay_t<internal::kv_result_t<F, K, V>>::value_type,
             class KR = typename internal::pair_traits<P>::key, class VR = typename internal::pair_traits<P>::value>
    kstream<KR, VR> flat_map(F mapper, const named& n = {}) const;
    // KStream.flatMapValues: mapper returns a range of VR; one record per element, same key.
    template<class F, class VR = internal::unwrap_optional_t<
                          typename std::decay_t<internal::value_mapper_result_t<F, K, V>>::value_type>>
    kstream<K, VR> flat_map_values(F mapper, const named& n = {}) const;
    // KStream.selectKey: selector(key, value) -> KR, the new key (marks the stream for repartitioning).
    template<class F, class KR = internal::unwrap_optional_t<internal::kv_result_t<F, K, V>>>
    kstream<KR, V> select_key(F selector, const named& n = {}) const;

    // KStream.peek: calls action(key, value) for each record and passes it on.
    template<class F>
    kstream peek(F action, const named& n = {}) const;
    // KStream.foreach: calls action(key, value) for each record; a terminal operation.
    template<class F>
    void foreach(F action, const named& n = {}) const;

    // KStream.split: branches by predicate (branched_kstream.h).
    branched_kstream<K, V> split(const named& n = {}) const;
    // KStream.merge: the records of both streams.
    kstream merge(const kstream& other, const named& n = {}) const;

    // KStream.to: writes the records to topic.
    void to(const std::string& topic, const produced<K, V>& p = {}) const;
    // KStream.to(TopicNameExtractor): writes each record to the topic extractor(key, value) names.
    void to(topic_name_extractor<K, V> extractor, const produced<K, V>& p = {}) const;
    // KStream.repartition: through a repartition topic the application manages.
    kstream repartition(const repartitioned<K, V>& r = {}) const;
    // KStream.toTable: a table of the latest value per key (nullopt values delete).
    ktable<K, V> to_table(const named& n = {}, const materialized<K, V>& m = {}) const;

    // KStream.groupByKey: groups by the current key, for aggregations (repartitions first if the key changed).
    kgrouped_stream<K, V> group_by_key(const grouped<K, V>& g = {}) const;
    // KStream.groupBy: selector(key, value) -> KR groups by a new key (always repartitions).
    template<class F, class KR = internal::unwrap_optional_t<internal::kv_result_t<F, K, V>>>
    kgrouped_stream<KR, V> group_by(F selector, const grouped<KR, V>& g = {}) const;

    // Stream-table and stream-global-table joins: the stream's value is handed
    // to the joiner as an rvalue, so a joiner taking V by value (rather than
    // Kafka's const V&) gets it moved instead of copied; so is a table's value
    // that is made per lookup (a table-table join's result, a mapped table's
    // value), where one read from a store is lent as const VT&. A KTable
    // joiner may also take both as rvalue references (V&&, VT&&): nothing is
    // moved into parameters, and a lent row is copied for it (s19-hE).
    // joiner(const V&, const VT&) -> VR.
    template<class VT, class F, class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, V&&, VT&&>>>
    kstream<K, VR> join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j = {}) const;
    // joiner(const V&, const std::optional<VT>&) -> VR.
    template<class VT, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, V&&, const std::optional<VT>&>>>
    kstream<K, VR> left_join(const ktable<K, VT>& table, F joiner, const joined<K, V, VT>& j = {}) const;
    // selector(const K&, const V&) -> KG; joiner(const V&, const VG&) -> VR.
    template<class KG, class VG, class S, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, V&&, const VG&>>>
    kstream<K, VR> join(const global_ktable<KG, VG>& table, S selector, F joiner, const named& n = {}) const;
    // joiner(const V&, const std::optional<VG>&) -> VR.
    template<class KG, class VG, class S, class F,
             class VR = internal::unwrap_optional_t<std::invoke_result_t<F&, V&&, const std::optional<VG>&>>>
    kstream<K, VR> left_join(const global_ktable<KG, VG>& table, S selector, F joiner, const named& n = {}) const;

    // Stream-stream joins within a time window (join_windows.h): each result
    // has the larger of the two records' timestamps; left/outer results for
    // unmatched records come when their window closes.
    // Each joiner may also be key-aware (Kafka's ValueJoinerWithKey): the
    // key first, as const K& (join only) or const std::optional<K>&.
    // joiner(const V&, const VO&) -> VR.
    template<class VO, class F, class VR = internal::stream_joiner_result_t<F, K, const V&, const VO&>>
    kstream<K, VR> join(const kstream<K, VO>& other, F joiner, const join_windows& windows,
                        const stream_joined<K, V, VO>& sj = {}) const;
    // joiner(const V&, const std::optional<VO>&) -> VR.
    template<class VO, class F,
             class VR = internal::stream_joiner_result_t<F, K, const V&, const std::optional<VO>&>>
    kstream<K, VR> left_join(const kstream<K, VO>& other, F joiner, const join_windows& windows,
                             const stream_joined<K, V, VO>& sj = {}) const;
    // joiner(const std::optional<V>&, const std::optional<VO>&) -> VR.
    template<class VO, class F,
             class VR = internal::stream_joiner_result_t<F, K, const std::optional<V>&, const std::optional<VO>&>>
    kstream<K, VR> outer_join(const kstream<K, VO>& other, F joiner, const join_windows& windows,
                              const stream_joined<K, V, VO>& sj = {}) const;

    // The Processor API inside the DSL: each task gets supplier()'s processor,
    // connected to the named stores (added with streams_builder::add_state_store).
    template<class KOut, class VOut>
    kstream<KOut, VOut> process(processor_supplier<K, V, KOut, VOut> supplier,
                                const std::vector<std::string>& store_names = {}, const named& n = {}) const;

    // For the implementation.
    struct state {
        internal::internal_streams_builder* builder = nullptr;
        internal::graph_node* node = nullptr;
        std::optional<serde<K>> key_serde;
        std::optional<serde<V>> value_serde;
        bool repartition_required = false;
        std::set<std::string> source_nodes;
    };
    // For the implementation: the DSL makes handles.
    explicit kstream(state s) : s_(std::move(s)) {}
    const state& internal_state() const { return s_; }
    // The name of the node this handle is on (its processor's).
    const std::string& name() const { return s_.node->name; }
    // The repartitioned stream (filter, sink, topic, source) in front of a
    // join or an aggregation; prefix names the topic.
    kstream repartition_through(const std::string& prefix, std::optional<serde<K>> ks, std::optional<serde<V>> vs,
                                std::optional<int> partitions, stream_partitioner<K, V> partitioner = {}) const;

private:
    template<class K2, class V2>
    kstream<K2, V2> child(internal::graph_node* node, bool repartition_required, std::optional<serde<K2>> ks,
                          std::optional<serde<V2>> vs) const;
    template<class KOut, class VOut>
    internal::graph_node* add_processor(std::string name,
                                        internal::processor_base_supplier<K, V, KOut, VOut> supplier,
                                        bool key_changing = false) const;
    // joiner and selector: kstream_ktable_join's Joiner and Mapper.
    template<class KT, class VT, class VR, class J>
    kstream<K, VR> do_table_join(const ktable<KT, VT>& table, J joiner, std::optional<std::string> name,
                                 bool left) const;
    template<class VO, class VR>
    kstream<K, VR> do_stream_join(const kstream<K, VO>& other, std::function<std::optional<VR>(const K*, const V*, const VO*)> joiner,
                                  const join_windows& windows, const stream_joined<K, V, VO>& sj, bool left_outer,
                                  bool right_outer) const;
    template<class KG, class VG, class VR, class M, class J>
    kstream<K, VR> do_global_join(const global_ktable<KG, VG>& table, M selector, J joiner, const named& n,
                                  bool left) const;

    state s_;
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
