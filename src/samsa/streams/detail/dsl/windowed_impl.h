#pragma once
// Windowed aggregations of kgrouped_stream (Kafka's TimeWindowedKStreamImpl,
// SlidingWindowedKStreamImpl, SessionWindowedKStreamImpl): the same naming
// order as the plain aggregations (kgrouped_impl.h) - store name, then
// processor name, then the repartition - and Kafka's store retention rules.

#include <stdexcept>
#include <string>

#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/detail/ops/kstream_session_window_aggregate.h"
#include "samsa/streams/detail/ops/kstream_sliding_window_aggregate.h"
#include "samsa/streams/detail/ops/kstream_window_aggregate.h"
#include "samsa/streams/serdes/windowed.h"

namespace samsa::streams {

namespace internal {

// The grouped stream's records as the aggregation reads them: through a
// repartition topic named after the grouping (or the store) when the key
// changed upstream.
template<class K, class V>
kstream<K, V> grouped_aggregation_input(const typename kgrouped_stream<K, V>::state& g, const std::string& store) {
    typename kstream<K, V>::state input;
    input.builder = g.builder;
    input.node = g.node;
    input.key_serde = g.key_serde;
    input.value_serde = g.value_serde;
    input.source_nodes = g.source_nodes;
    kstream<K, V> in(input);
    if (!g.repartition_required) return in;
    return in.repartition_through(g.repartition_name ? *g.repartition_name : store, g.key_serde, g.value_serde,
                                  std::nullopt);
}

// The window size a time or sliding window store is keyed with: the size,
// or for sliding windows the time difference.
inline int64_t store_window_size(const std::variant<time_windows, sliding_windows>& w) {
    if (const auto* s = std::get_if<sliding_windows>(&w)) return s->time_difference_ms();
    return std::get<time_windows>(w).size();
}

// The retention the aggregation's store keeps windows for, if the user chose
// one: materialized's with_retention(), else a supplied store's own
// retention (a supplied store shorter than the windows plus grace would drop
// windows still open, so it is held to the same minimum).
template<class K, class V>
std::optional<int64_t> requested_retention(const materialized<K, V>& m) {
    if (m.retention_ms) return m.retention_ms;
    if (m.window_supplier) return m.window_supplier->retention_period();
    if (m.session_supplier) return m.session_supplier->retention_period();
    return std::nullopt;
}

// Kafka's retention rule for window stores (TimeWindowStoreMaterializer,
// SlidingWindowStoreMaterializer): window size (sliding: twice the time
// difference) + grace by default, never less. Throws std::invalid_argument
// with Kafka's message.
inline int64_t checked_window_retention(const std::string& store, const std::variant<time_windows, sliding_windows>& w,
                                        std::optional<int64_t> requested) {
    const sliding_windows* sliding = std::get_if<sliding_windows>(&w);
    const int64_t size = store_window_size(w);
    const int64_t grace = sliding ? sliding->grace_period_ms() : std::get<time_windows>(w).grace_period_ms();
    const int64_t minimum = sliding ? 2 * size + grace : size + grace;
    const int64_t retention = requested ? *requested : minimum;
    if (retention >= minimum) return retention;
    throw std::invalid_argument(
        sliding ? "The retention period of the window store " + store +
                      " must be no smaller than 2 * time difference plus the grace period. Got time difference=[" +
                      std::to_string(size) + "], grace=[" + std::to_string(grace) + "], retention=[" +
                      std::to_string(retention) + "]"
                : "The retention period of the window store " + store +
                      " must be no smaller than its window size plus the grace period. Got size=[" +
                      std::to_string(size) + "], grace=[" + std::to_string(grace) + "], retention=[" +
                      std::to_string(retention) + "]");
}

// The same for session stores (SessionStoreMaterializer): gap + grace.
inline int64_t checked_session_retention(const std::string& store, const session_windows& w,
                                         std::optional<int64_t> requested) {
    const int64_t minimum = w.inactivity_gap() + w.grace_period_ms();
    const int64_t retention = requested ? *requested : minimum;
    if (retention >= minimum) return retention;
    throw std::invalid_argument("The retention period of the session store " + store +
                                " must be no smaller than the session inactivity gap plus the grace period. Got "
                                "gap=[" + std::to_string(w.inactivity_gap()) + "], grace=[" +
                                std::to_string(w.grace_period_ms()) + "], retention=[" + std::to_string(retention) +
                                "]");
}

// A windowed table's rows: its window store's entry for (key, window start).
template<class K, class VA>
class window_store_value_getter final : public value_getter<windowed<K>, VA> {
public:
    explicit window_store_value_getter(window_store_spec<K, VA> spec) : spec_(std::move(spec)) {}
    void init(task_context& task) override { store_.emplace(spec_.open_window(task)); }
    const value_and_timestamp<VA>* get(const windowed<K>& key) override {
        last_ = store_->fetch(key.key(), key.window().start());
        return last_ ? &*last_ : nullptr;
    }

private:
    window_store_spec<K, VA> spec_;
    std::optional<timestamped_window_store<K, VA>> store_;
    std::optional<value_and_timestamp<VA>> last_;
};

// A session table's rows: the session store's entry for (key, start, end);
// sessions carry no timestamp of their own, so the row's is the session end.
template<class K, class VA>
class session_store_value_getter final : public value_getter<windowed<K>, VA> {
public:
    explicit session_store_value_getter(window_store_spec<K, VA> spec) : spec_(std::move(spec)) {}
    void init(task_context& task) override { store_.emplace(spec_.open_session(task)); }
    const value_and_timestamp<VA>* get(const windowed<K>& key) override {
        last_.reset();
        if (auto v = store_->fetch_session(key.key(), key.window().start(), key.window().end())) {
            last_.emplace(value_and_timestamp<VA>{std::move(*v), key.window().end()});
        }
        return last_ ? &*last_ : nullptr;
    }

private:
    window_store_spec<K, VA> spec_;
    std::optional<session_store<K, VA>> store_;
    std::optional<value_and_timestamp<VA>> last_;
};

// A supplied store must fit the aggregation: the right kind (window or
// session), the windows' size (for sliding windows the time difference, as
// Kafka's DslWindowParams), and one record per window (retain_duplicates is
// for stream-stream join stores). Throws std::invalid_argument.
template<class K, class VA>
void check_supplied_store(const materialized<K, VA>& m, int64_t window_size_ms, bool session) {
    if (session && m.window_supplier) {
        throw std::invalid_argument("A session aggregation needs a session store supplier, got the window store supplier " +
                                    m.window_supplier->name());
    }
    if (!session && m.session_supplier) {
        throw std::invalid_argument("A windowed aggregation needs a window store supplier, got the session store "
                                    "supplier " + m.session_supplier->name());
    }
    if (!m.window_supplier) return;
    const window_bytes_store_supplier& s = *m.window_supplier;
    if (s.retain_duplicates()) {
        throw std::invalid_argument("The window store supplier " + s.name() +
                                    " must set retainDuplicates=false for an aggregation, found retainDuplicates=true");
    }
    if (s.window_size() != window_size_ms) {
        throw std::invalid_argument("The window size of the window store supplier " + s.name() +
                                    " must equal the windows' size. Got supplier size=[" +
                                    std::to_string(s.window_size()) + "], windows size=[" +
                                    std::to_string(window_size_ms) + "]");
    }
}

// The store materialized supplies, else Kafka's choice (BuiltInDslStoreSuppliers):
// RocksDB or in-memory as materialized says; for emit-on-window-close with
// RocksDB its time-ordered window store.
template<class K, class VA>
key_value_bytes_store_supplier window_store_supplier_for(const std::string& name, const materialized<K, VA>& m,
                                                         int64_t retention_ms, int64_t window_size_ms, bool session,
                                                         bool emit_on_close) {
    check_supplied_store(m, window_size_ms, session);
    if (m.window_supplier) return *m.window_supplier;
    if (m.session_supplier) return *m.session_supplier;
    const bool in_memory = m.type == store_type::in_memory;
    if (session) {
        return in_memory ? stores::in_memory_session_store(name, retention_ms)
                         : stores::persistent_session_store(name, retention_ms);
    }
    if (in_memory) return stores::in_memory_window_store(name, retention_ms, window_size_ms);
    if (emit_on_close) return stores::persistent_time_ordered_window_store(name, retention_ms, window_size_ms);
    return stores::persistent_timestamped_window_store(name, retention_ms, window_size_ms);
}

// Caching as materialized asks (on by default), as Kafka's
// WindowStoreMaterializer; sliding and session windows that emit on window
// close never cache (Kafka's SlidingWindowStoreMaterializer and
// SessionStoreMaterializer), time windows do (the cache only holds writes
// back then: the operator sets no flush listener and reads through it).
template<class K, class VA>
store_builder make_window_store_builder(const std::string& name, const materialized<K, VA>& m, int64_t retention_ms,
                                        int64_t window_size_ms, bool session, bool emit_on_close = false,
                                        bool sliding = false) {
    key_value_bytes_store_supplier supplier =
        window_store_supplier_for(name, m, retention_ms, window_size_ms, session, emit_on_close);
    store_builder b = session ? stores::session_store_builder(std::move(supplier))
                              : stores::timestamped_window_store_builder(std::move(supplier));
    if (m.logging_enabled) b.with_logging_enabled(m.log_config);
    else b.with_logging_disabled();
    if (m.caching_enabled && !((sliding || session) && emit_on_close)) b.with_caching_enabled();
    else b.with_caching_disabled();
    return b;
}

template<class K, class VA>
typename ktable<windowed<K>, VA>::state windowed_table_state(internal_streams_builder& b, graph_node* node,
                                                             serde<windowed<K>> key_serde, serde<VA> value_serde,
                                                             std::set<std::string> sources,
                                                             std::optional<std::string> queryable,
                                                             std::shared_ptr<table_info<windowed<K>, VA>> info) {
    typename ktable<windowed<K>, VA>::state st;
    st.builder = &b;
    st.node = node;
    st.key_serde = std::move(key_serde);
    st.value_serde = std::move(value_serde);
    st.source_nodes = std::move(sources);
    st.info = std::move(info);
    st.queryable_store = std::move(queryable);
    return st;
}

// Reducers and aggregators in the one shape the operators take.
template<class K, class V, class VA, class F>
std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> windowed_aggregator(F f) {
    return [f](const K& k, const std::optional<V>& v, const std::optional<VA>& agg) mutable -> VA {
        if constexpr (std::is_invocable_v<F&, const K&, const std::optional<V>&, const VA&>) return VA(f(k, v, *agg));
        else return VA(f(k, *v, *agg));
    };
}

template<class K, class V, class F>
std::function<V(const K&, const std::optional<V>&, const std::optional<V>&)> windowed_reducer(F f) {
    return [f](const K&, const std::optional<V>& v, const std::optional<V>& agg) mutable -> V {
        return agg ? V(f(*agg, *v)) : *v;
    };
}

}  // namespace internal

template<class K, class V>
time_windowed_kstream<K, V> kgrouped_stream<K, V>::windowed_by(const time_windows& w) const {
    return time_windowed_kstream<K, V>(*this, w);
}

template<class K, class V>
time_windowed_kstream<K, V> kgrouped_stream<K, V>::windowed_by(const sliding_windows& w) const {
    return time_windowed_kstream<K, V>(*this, w);
}

template<class K, class V>
session_windowed_kstream<K, V> kgrouped_stream<K, V>::windowed_by(const session_windows& w) const {
    return session_windowed_kstream<K, V>(*this, w);
}

template<class K, class V>
template<class VA>
ktable<windowed<K>, VA> time_windowed_kstream<K, V>::do_aggregate(
    const char* prefix, std::function<std::optional<VA>()> init,
    std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> agg, bool accepts_null_values,
    const named& n, const materialized<K, VA>& m) const {
    const auto& g = grouped_.internal_state();
    auto& b = *g.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(prefix);
    std::string name = internal::or_else_generate(b, n.name, prefix);
    kstream<K, V> in = internal::grouped_aggregation_input<K, V>(g, store);

    const sliding_windows* sliding = std::get_if<sliding_windows>(&windows_);
    const time_windows* time = std::get_if<time_windows>(&windows_);
    const int64_t size = internal::store_window_size(windows_);
    const int64_t grace = sliding ? sliding->grace_period_ms() : time->grace_period_ms();
    const int64_t retention = internal::checked_window_retention(store, windows_, internal::requested_retention(m));
    serde<K> key_serde = internal::resolve_serde<K>(m.key_serde ? m.key_serde : g.key_serde);
    serde<VA> value_serde = internal::resolve_serde<VA>(m.value_serde);
    internal::window_store_spec<K, VA> spec{store, key_serde, value_serde, size};
    auto info = std::make_shared<internal::table_info<windowed<K>, VA>>();
    info->enable_upstream = [](bool) { return true; };
    info->getter_store_names = [store] { return std::vector<std::string>{store}; };
    info->getter = [spec] { return std::make_unique<internal::window_store_value_getter<K, VA>>(spec); };
    store_builder sb = internal::make_window_store_builder(
        store, m, retention, size, false, emit_.kind() == streams::emit_strategy::type::on_window_close,
        sliding != nullptr);
    internal::window_aggregate_functions<K, V, VA> fns{std::move(init), std::move(agg), accepts_null_values};
    auto windows = windows_;
    auto emit = emit_;
    auto* node = b.add_node(
        internal::graph_node_kind::stateful_processor, name, {in.internal_state().node},
        [info, spec, fns, sb, windows, emit](internal::internal_topology_builder& t, const internal::graph_node& gn) {
            bool send_old = info->send_old_values;
            t.add_processor(gn.name,
                            internal::node_maker<K, V, windowed<K>, change<VA>>(
                                gn.name,
                                [=]() -> std::unique_ptr<internal::processor_base<K, V, windowed<K>, change<VA>>> {
                                    if (const auto* s = std::get_if<sliding_windows>(&windows)) {
                                        return std::make_unique<internal::kstream_sliding_window_aggregate<K, V, VA>>(
                                            *s, spec, fns, emit, send_old);
                                    }
                                    return std::make_unique<internal::kstream_window_aggregate<K, V, VA>>(
                                        std::get<time_windows>(windows), spec, fns, emit, send_old);
                                }),
                            gn.parent_names());
            t.add_state_store(sb, {gn.name});
        });
    node->window_grace_ms = grace;  // for suppress(until_window_closes)
    return ktable<windowed<K>, VA>(internal::windowed_table_state<K, VA>(
        b, node, serdes::time_windowed<K>(key_serde, size), value_serde, in.internal_state().source_nodes,
        m.store_name, info));
}

template<class K, class V>
ktable<windowed<K>, int64_t> time_windowed_kstream<K, V>::count(const named& n, const materialized<K, int64_t>& m) const {
    materialized<K, int64_t> with_serde = m;
    if (!with_serde.value_serde) with_serde.value_serde = serdes::int64();
    return do_aggregate<int64_t>(
        internal::names::aggregate, [] { return std::optional<int64_t>(0); },
        [](const K&, const std::optional<V>&, const std::optional<int64_t>& agg) { return *agg + 1; }, true, n,
        with_serde);
}

template<class K, class V>
template<class F>
ktable<windowed<K>, V> time_windowed_kstream<K, V>::reduce(F reducer, const named& n, const materialized<K, V>& m) const {
    materialized<K, V> with_serde = m;
    if (!with_serde.value_serde) with_serde.value_serde = grouped_.internal_state().value_serde;
    return do_aggregate<V>(internal::names::reduce, {}, internal::windowed_reducer<K, V>(std::move(reducer)), false, n,
                           with_serde);
}

template<class K, class V>
template<class I, class F, class VA>
ktable<windowed<K>, VA> time_windowed_kstream<K, V>::aggregate(I initializer, F aggregator,
                                                               const materialized<K, std::type_identity_t<VA>>& m,
                                                               const named& n) const {
    constexpr bool takes_optional = std::is_invocable_v<F&, const K&, const std::optional<V>&, const VA&>;
    return do_aggregate<VA>(
        internal::names::aggregate, [initializer]() mutable { return std::optional<VA>(VA(initializer())); },
        internal::windowed_aggregator<K, V, VA>(std::move(aggregator)), takes_optional, n, m);
}

template<class K, class V>
template<class VA>
ktable<windowed<K>, VA> session_windowed_kstream<K, V>::do_aggregate(
    const char* prefix, std::function<std::optional<VA>()> init,
    std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> agg,
    std::function<std::optional<VA>(const K&, const std::optional<VA>&, const VA&)> merge, bool accepts_null_values,
    const named& n, const materialized<K, VA>& m) const {
    const auto& g = grouped_.internal_state();
    auto& b = *g.builder;
    std::string store = m.store_name ? *m.store_name : b.new_store_name(prefix);
    std::string name = internal::or_else_generate(b, n.name, prefix);
    kstream<K, V> in = internal::grouped_aggregation_input<K, V>(g, store);

    const int64_t retention = internal::checked_session_retention(store, windows_, internal::requested_retention(m));
    serde<K> key_serde = internal::resolve_serde<K>(m.key_serde ? m.key_serde : g.key_serde);
    serde<VA> value_serde = internal::resolve_serde<VA>(m.value_serde);
    internal::window_store_spec<K, VA> spec{store, key_serde, value_serde, 0};
    auto info = std::make_shared<internal::table_info<windowed<K>, VA>>();
    info->enable_upstream = [](bool) { return true; };
    info->getter_store_names = [store] { return std::vector<std::string>{store}; };
    info->getter = [spec] { return std::make_unique<internal::session_store_value_getter<K, VA>>(spec); };
    store_builder sb = internal::make_window_store_builder(store, m, retention, 0, true,
                                                           emit_.kind() == streams::emit_strategy::type::on_window_close);
    internal::window_aggregate_functions<K, V, VA> fns{std::move(init), std::move(agg), accepts_null_values};
    auto windows = windows_;
    auto emit = emit_;
    auto* node = b.add_node(
        internal::graph_node_kind::stateful_processor, name, {in.internal_state().node},
        [info, spec, fns, merge, sb, windows, emit](internal::internal_topology_builder& t,
                                                    const internal::graph_node& gn) {
            bool send_old = info->send_old_values;
            t.add_processor(gn.name,
                            internal::node_maker<K, V, windowed<K>, change<VA>>(gn.name, [=] {
                                return std::make_unique<internal::kstream_session_window_aggregate<K, V, VA>>(
                                    windows, spec, fns, merge, emit, send_old);
                            }),
                            gn.parent_names());
            t.add_state_store(sb, {gn.name});
        });
    // suppress(until_window_closes) waits grace + gap, as Kafka's
    // GraphGraceSearchUtil for session windows.
    node->window_grace_ms = windows_.grace_period_ms() + windows_.inactivity_gap();
    return ktable<windowed<K>, VA>(internal::windowed_table_state<K, VA>(b, node, serdes::session_windowed<K>(key_serde),
                                                                         value_serde, in.internal_state().source_nodes,
                                                                         m.store_name, info));
}

template<class K, class V>
ktable<windowed<K>, int64_t> session_windowed_kstream<K, V>::count(const named& n,
                                                                   const materialized<K, int64_t>& m) const {
    materialized<K, int64_t> with_serde = m;
    if (!with_serde.value_serde) with_serde.value_serde = serdes::int64();
    return do_aggregate<int64_t>(
        internal::names::aggregate, [] { return std::optional<int64_t>(0); },
        [](const K&, const std::optional<V>&, const std::optional<int64_t>& agg) { return *agg + 1; },
        [](const K&, const std::optional<int64_t>& a, const int64_t& b) { return std::optional<int64_t>(*a + b); },
        true, n, with_serde);
}

template<class K, class V>
template<class F>
ktable<windowed<K>, V> session_windowed_kstream<K, V>::reduce(F reducer, const named& n,
                                                              const materialized<K, V>& m) const {
    materialized<K, V> with_serde = m;
    if (!with_serde.value_serde) with_serde.value_serde = grouped_.internal_state().value_serde;
    // Kafka merges a reduce's sessions with the reducer itself: the running
    // aggregate (none yet: take the session's) reduced with the session's.
    return do_aggregate<V>(
        internal::names::reduce, {}, internal::windowed_reducer<K, V>(reducer),
        [reducer](const K&, const std::optional<V>& agg, const V& other) mutable {
            return std::optional<V>(agg ? V(reducer(*agg, other)) : other);
        },
        false, n, with_serde);
}

template<class K, class V>
template<class I, class F, class M, class VA>
ktable<windowed<K>, VA> session_windowed_kstream<K, V>::aggregate(I initializer, F aggregator, M merger,
                                                                  const materialized<K, std::type_identity_t<VA>>& m,
                                                                  const named& n) const {
    constexpr bool takes_optional = std::is_invocable_v<F&, const K&, const std::optional<V>&, const VA&>;
    return do_aggregate<VA>(
        internal::names::aggregate, [initializer]() mutable { return std::optional<VA>(VA(initializer())); },
        internal::windowed_aggregator<K, V, VA>(std::move(aggregator)),
        [merger](const K& k, const std::optional<VA>& agg, const VA& other) mutable {
            return std::optional<VA>(VA(merger(k, *agg, other)));
        },
        takes_optional, n, m);
}

}  // namespace samsa::streams
