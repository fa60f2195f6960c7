#pragma once
// cogrouped_kstream<K, VOut>: several grouped streams aggregated into ONE
// table (Kafka Streams' CogroupedKStream, KIP-150). Each input has its own
// aggregator(const K&, const V&, const VOut&) -> VOut; all of them update the
// same store, so one aggregate per key sees the records of every input in
// the order the task processes them.
//
//   auto engagement = views.cogroup([](const str&, const str&, const str& agg) { return agg + "v"; })
//                         .cogroup(likes, [](const str&, const str&, const str& agg) { return agg + "l"; })
//                         .aggregate([] { return str(); });
//
// Topology (Kafka's CogroupedStreamAggregateBuilder): one
// COGROUPKSTREAM-AGGREGATE processor per input, all connected to the one
// store, then a COGROUPKSTREAM-MERGE processor that forwards their updates.
// An input whose key changed first goes through a repartition topic named
// after its grouped name, else after the store. Records with a null key or
// value are skipped, as in kgrouped_stream::aggregate.
//
// Unlike Kafka, cogrouping the same kgrouped_stream handle twice adds it
// twice (Kafka replaces the first aggregator); handles are values here.
//
// Threads: build on one thread; the processors run on stream threads.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/detail/graph/internal_streams_builder.h"
#include "samsa/streams/detail/graph/table_info.h"
#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/options.h"
#include "samsa/streams/windowed.h"
#include "samsa/streams/windows.h"

namespace samsa::streams {

template<class K, class VOut> class time_windowed_cogrouped_kstream;
template<class K, class VOut> class session_windowed_cogrouped_kstream;

namespace internal {

template<class K, class VA> struct window_store_spec;

// The windows a windowed cogroup aggregates over.
using cogroup_windows = std::variant<time_windows, sliding_windows, session_windows>;

// What the cogroup builder needs to know about one input, its value type
// erased: how to repartition it and how to write its aggregate processor.
template<class K, class VOut>
struct cogroup_input {
    graph_node* node = nullptr;
    bool repartition_required = false;
    std::set<std::string> source_nodes;
    // Adds the repartition topic (prefix: the grouped name, else the store)
    // and returns its source node and source names.
    std::function<std::pair<graph_node*, std::set<std::string>>(const std::string& store)> repartition;
    // Builds one KSTREAM-AGGREGATE processor for this input's value type.
    std::function<std::function<std::unique_ptr<processor_node_base>()>(
        const std::string& name, const table_store_spec<K, VOut>& spec, std::function<VOut()> init,
        std::shared_ptr<table_info<K, VOut>> info)>
        aggregate_maker;
    // Builds one windowed aggregate processor (time, sliding or session) for
    // this input's value type; merge is the session merger (else empty).
    std::function<std::function<std::unique_ptr<processor_node_base>()>(
        const std::string& name, const cogroup_windows& windows, const window_store_spec<K, VOut>& spec,
        std::function<std::optional<VOut>()> init,
        std::function<std::optional<VOut>(const K&, const std::optional<VOut>&, const VOut&)> merge,
        std::shared_ptr<table_info<windowed<K>, VOut>> info)>
        windowed_aggregate_maker;
};

}  // namespace internal

// Kafka's CogroupedKStream<K, VOut>: several grouped streams aggregated into one table (see the top of this file).
template<class K, class VOut>
class cogrouped_kstream {
public:
    // Adds another grouped stream with its aggregator(const K&, const V&,
    // const VOut&) -> VOut.
    template<class V, class F>
    cogrouped_kstream cogroup(const kgrouped_stream<K, V>& grouped, F aggregator) const;

    // initializer() -> VOut, the aggregate before a key's first record.
    template<class I>
    ktable<K, VOut> aggregate(I initializer, const named& n = {}, const materialized<K, VOut>& m = {}) const;
    // aggregate() without a name.
    template<class I>
    ktable<K, VOut> aggregate(I initializer, const materialized<K, VOut>& m) const {
        return aggregate(std::move(initializer), named{}, m);
    }

    // Windowed cogroups (Kafka's TimeWindowedCogroupedKStream and
    // SessionWindowedCogroupedKStream): the same inputs aggregated per
    // window into one window (or session) store. Kafka 3.8 has no emit
    // strategy for them: every update is emitted.
    time_windowed_cogrouped_kstream<K, VOut> windowed_by(const time_windows& w) const;
    // Kafka's windowedBy(SlidingWindows).
    time_windowed_cogrouped_kstream<K, VOut> windowed_by(const sliding_windows& w) const;
    // Kafka's windowedBy(SessionWindows).
    session_windowed_cogrouped_kstream<K, VOut> windowed_by(const session_windows& w) const;

    struct state {
        internal::internal_streams_builder* builder = nullptr;
        // The first grouped stream's key serde (Kafka's CogroupedKStreamImpl).
        std::optional<serde<K>> key_serde;
        std::vector<internal::cogroup_input<K, VOut>> inputs;
    };
    // For the implementation: the DSL makes handles.
    explicit cogrouped_kstream(state s) : s_(std::move(s)) {}

    const state& internal_state() const { return s_; }

private:
    state s_;
};

// Records with a null key are dropped; unlike the non-windowed cogroup, a
// null value reaches an aggregator taking const std::optional<V>& (Kafka's
// KStreamWindowAggregate), and is dropped and counted otherwise. Late
// records (window end + grace <= the processor's stream time) are dropped
// and counted. Results: ktable<windowed<K>, VOut>, key serde the time- or
// session-windowed serde of the first input's key serde.
template<class K, class VOut>
class time_windowed_cogrouped_kstream {
public:
    // initializer() -> VOut, each window's aggregate before its first record.
    template<class I>
    ktable<windowed<K>, VOut> aggregate(I initializer, const named& n = {}, const materialized<K, VOut>& m = {}) const;
    // aggregate() without a name.
    template<class I>
    ktable<windowed<K>, VOut> aggregate(I initializer, const materialized<K, VOut>& m) const {
        return aggregate(std::move(initializer), named{}, m);
    }

    // For the implementation: cogrouped_kstream::windowed_by() makes it.
    time_windowed_cogrouped_kstream(typename cogrouped_kstream<K, VOut>::state s,
                                    std::variant<time_windows, sliding_windows> windows)
        : s_(std::move(s)), windows_(windows) {}

private:
    typename cogrouped_kstream<K, VOut>::state s_;
    std::variant<time_windows, sliding_windows> windows_;
};

// Kafka's SessionWindowedCogroupedKStream: cogrouped streams aggregated per session.
template<class K, class VOut>
class session_windowed_cogrouped_kstream {
public:
    // initializer() -> VOut; merger(const K&, const VOut& aggregate1, const
    // VOut& aggregate2) -> VOut, called when a record joins two sessions.
    template<class I, class M>
    ktable<windowed<K>, VOut> aggregate(I initializer, M merger, const named& n = {},
                                        const materialized<K, VOut>& m = {}) const;
    // aggregate() without a name.
    template<class I, class M>
    ktable<windowed<K>, VOut> aggregate(I initializer, M merger, const materialized<K, VOut>& m) const {
        return aggregate(std::move(initializer), std::move(merger), named{}, m);
    }

    // For the implementation: cogrouped_kstream::windowed_by() makes it.
    session_windowed_cogrouped_kstream(typename cogrouped_kstream<K, VOut>::state s, session_windows windows)
        : s_(std::move(s)), windows_(windows) {}

private:
    typename cogrouped_kstream<K, VOut>::state s_;
    session_windows windows_;
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
