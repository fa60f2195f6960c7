#pragma once
// Windowed grouped streams (Kafka Streams' TimeWindowedKStream and
// SessionWindowedKStream), made by kgrouped_stream::windowed_by(...):
//
//   stream.group_by_key()
//       .windowed_by(time_windows::of_size_and_grace(300'000, 30'000))
//       .count();                                   // ktable<windowed<K>, int64_t>
//   stream.group_by_key()
//       .windowed_by(session_windows::of_inactivity_gap_with_no_grace(60'000))
//       .reduce([](const std::string& agg, const std::string& v) { return agg + v; });
//
// Results are ktable<windowed<K>, V>: one update per changed window (or,
// with emit_strategy::on_window_close(), one result per window when it
// closes). Records with a null key are dropped; records later than their
// window's end + grace (by the operator's stream time) are dropped and
// counted. Null values: count() counts them, as Kafka; a reducer or
// aggregator written against plain V cannot see them, so they are dropped
// (write it against std::optional<V> to see them, as Java code does).
//
// The windows live in a window (or session) store kept for window size +
// grace, or materialized::with_retention(); materialized::store_type picks
// RocksDB (default) or in-memory. Time and sliding window stores have a
// record cache, as materialized says (on by default, Kafka's
// CachingWindowStore, CachingSessionStore): an aggregation emitting on
// window update forwards the last update per window (session) key at each
// commit or eviction.
//
// Threads: build on one thread.

#include <functional>
#include <optional>
#include <type_traits>
#include <variant>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/kgrouped_stream.h"
#include "samsa/streams/options.h"
#include "samsa/streams/windowed.h"
#include "samsa/streams/windows.h"

namespace samsa::streams {

// Kafka's TimeWindowedKStream: a grouped stream aggregated per time or sliding window; results are keyed by
// windowed<K>.
template<class K, class V>
class time_windowed_kstream {
public:
    // KIP-825: on_window_update() (the default) or on_window_close().
    time_windowed_kstream emit_strategy(const streams::emit_strategy& e) const {
        time_windowed_kstream out = *this;
        out.emit_ = e;
        return out;
    }

    // Kafka's count(): records per key and window.
    ktable<windowed<K>, int64_t> count(const named& n = {}, const materialized<K, int64_t>& m = {}) const;
    // reducer(const V& aggregate, const V& value) -> V.
    template<class F>
    ktable<windowed<K>, V> reduce(F reducer, const named& n = {}, const materialized<K, V>& m = {}) const;
    // initializer() -> VA; aggregator(const K&, const V&, const VA&) -> VA
    // (or taking const std::optional<V>& to see null values).
    template<class I, class F, class VA = std::decay_t<std::invoke_result_t<I&>>>
    ktable<windowed<K>, VA> aggregate(I initializer, F aggregator,
                                      const materialized<K, std::type_identity_t<VA>>& m = {},
                                      const named& n = {}) const;

    // For the implementation: kgrouped_stream::windowed_by() makes it.
    time_windowed_kstream(kgrouped_stream<K, V> grouped, std::variant<time_windows, sliding_windows> windows)
        : grouped_(std::move(grouped)), windows_(windows) {}

private:
    template<class VA>
    ktable<windowed<K>, VA> do_aggregate(const char* prefix, std::function<std::optional<VA>()> init,
                                         std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> agg,
                                         bool accepts_null_values, const named& n,
                                         const materialized<K, VA>& m) const;

    kgrouped_stream<K, V> grouped_;
    std::variant<time_windows, sliding_windows> windows_;
    streams::emit_strategy emit_ = streams::emit_strategy::on_window_update();
};

// Kafka's SessionWindowedKStream: a grouped stream aggregated per session; results are keyed by windowed<K>.
template<class K, class V>
class session_windowed_kstream {
public:
    // KIP-825: on_window_update() (the default) or on_window_close(), one
    // result per session once stream time passes its end + gap + grace.
    session_windowed_kstream emit_strategy(const streams::emit_strategy& e) const {
        session_windowed_kstream out = *this;
        out.emit_ = e;
        return out;
    }

    // Kafka's count(): records per key and session.
    ktable<windowed<K>, int64_t> count(const named& n = {}, const materialized<K, int64_t>& m = {}) const;
    // reducer(const V& aggregate, const V& value) -> V; merging two sessions
    // reduces their aggregates.
    template<class F>
    ktable<windowed<K>, V> reduce(F reducer, const named& n = {}, const materialized<K, V>& m = {}) const;
    // initializer() -> VA; aggregator(const K&, const V&, const VA&) -> VA;
    // merger(const K&, const VA& aggregate1, const VA& aggregate2) -> VA.
    template<class I, class F, class M, class VA = std::decay_t<std::invoke_result_t<I&>>>
    ktable<windowed<K>, VA> aggregate(I initializer, F aggregator, M merger,
                                      const materialized<K, std::type_identity_t<VA>>& m = {},
                                      const named& n = {}) const;

    // For the implementation: kgrouped_stream::windowed_by() makes it.
    session_windowed_kstream(kgrouped_stream<K, V> grouped, session_windows windows)
        : grouped_(std::move(grouped)), windows_(windows) {}

private:
    template<class VA>
    ktable<windowed<K>, VA> do_aggregate(const char* prefix, std::function<std::optional<VA>()> init,
                                         std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> agg,
                                         std::function<std::optional<VA>(const K&, const std::optional<VA>&, const VA&)> merge,
                                         bool accepts_null_values, const named& n,
                                         const materialized<K, VA>& m) const;

    kgrouped_stream<K, V> grouped_;
    session_windows windows_;
    streams::emit_strategy emit_ = streams::emit_strategy::on_window_update();
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
