#pragma once
// KSTREAM-AGGREGATE / KSTREAM-REDUCE over session windows (Kafka Streams'
// KStreamSessionWindowAggregate, 3.8). A record at t opens the session
// [t, t], merged with every stored session of its key that ends at or after
// t - gap and starts at or before t + gap: the aggregates are merged (the
// merger, in store order), the merged-away sessions are deleted and
// forwarded as tombstones, then the record is aggregated into the merged
// session, which is stored and forwarded. Results carry the session end as
// timestamp. The merged session is late when it ends before the close time
// (processor stream time - grace - gap): the record is dropped and counted.
//
// Emit on window close (KIP-825): no update is forwarded; after every
// record with a key (late ones too, as Kafka 3.8), each session that ended
// before the close time since the last look is forwarded once, by end, start
// and key, stamped with its end and carrying the record's headers, at
// most once per emit interval; the close time emitted up to is committed as
// processor metadata (kstream_window_aggregate.h).
//
// Threads: the task's.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "samsa/streams/detail/ops/window_aggregate_common.h"
#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/runtime/node_metrics.h"
#include "samsa/streams/windows.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
class kstream_session_window_aggregate final : public processor_base<K, V, windowed<K>, change<VA>> {
public:
    using merger = std::function<std::optional<VA>(const K&, const std::optional<VA>&, const VA&)>;

    kstream_session_window_aggregate(session_windows windows, window_store_spec<K, VA> store,
                                     window_aggregate_functions<K, V, VA> fns, merger merge, emit_strategy emit,
                                     bool send_old_values)
        : windows_(windows), spec_(std::move(store)), fns_(std::move(fns)), merge_(std::move(merge)),
          emit_on_close_(emit.kind() == emit_strategy::type::on_window_close), send_old_values_(send_old_values) {}

    void init(processor_context<windowed<K>, change<VA>>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(spec_.open_session(ctx.task()));
        emit_final_sensors_ = make_emit_final_sensors(ctx.task(), ctx.processor_name());
        if (emit_on_close_) {
            throttle_ = emit_final_throttle(ctx.task().windowed_emit_interval_ms());
            if (auto committed = ctx.task().processor_metadata(spec_.name)) last_emit_close_time_ = *committed;
        } else {
            // With the store's record cache, one update per session and
            // commit (tuple_forwarder.h).
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }

    void process(record<K, V>&& r) override {
        if (!r.key) {
            log_null_key(*ctx_);
            return;
        }
        if (!r.value && !fns_.accepts_null_values) {
            log_null_value(*ctx_);
            return;
        }
        const int64_t ts = r.timestamp;
        observed_stream_time_ = std::max(observed_stream_time_, ts);
        const int64_t close_time = observed_stream_time_ - windows_.grace_period_ms() - windows_.inactivity_gap();

        const window new_session = window::session(ts, ts);
        window merged_window = new_session;
        std::optional<VA> agg = fns_.init ? fns_.init() : std::nullopt;
        auto merged = store_->find_sessions(*r.key, ts - windows_.inactivity_gap(), ts + windows_.inactivity_gap());
        for (const auto& session : merged) {
            agg = merge_(*r.key, agg, session.value);
            merged_window = window::session(std::min(merged_window.start(), session.key.window().start()),
                                            std::max(merged_window.end(), session.key.window().end()));
        }

        if (merged_window.end() < close_time) {
            log_expired_window(*ctx_, ts, close_time,
                               "[" + std::to_string(merged_window.start()) + "," +
                                   std::to_string(merged_window.end()) + "]",
                               observed_stream_time_);
        } else {
            if (merged_window != new_session) {
                for (auto& session : merged) {
                    store_->remove(session.key);
                    forward(session.key, std::nullopt, std::move(session.value));
                }
            }
            VA new_agg = fns_.aggregate(*r.key, r.value, agg);
            windowed<K> key(*r.key, merged_window);
            store_->put(key, new_agg);
            forward(key, std::move(new_agg), std::nullopt);
        }
        maybe_forward_final_result(r, close_time);
    }

private:
    // Kafka stamps session results with the session's end and no headers.
    void forward(const windowed<K>& key, std::optional<VA> new_agg, std::optional<VA> old_agg) {
        if (emit_on_close_) return;
        record<windowed<K>, change<VA>> out{key,
                                            change<VA>{std::move(new_agg),
                                                       send_old_values_ ? std::move(old_agg) : std::nullopt},
                                            key.window().end(), {}};
        forwarder_->maybe_forward(std::move(out));
    }

    session_windows windows_;
    window_store_spec<K, VA> spec_;
    window_aggregate_functions<K, V, VA> fns_;
    // Session ends are inclusive: sessions ending at or before close - 1 have
    // closed; a session may be the single point [t, t], so equal bounds
    // still look.
    void maybe_forward_final_result(const record<K, V>& r, int64_t close_time) {
        if (!emit_on_close_) return;
        if (!throttle_.should_emit(ctx_->current_system_time_ms(), close_time, last_emit_close_time_)) return;
        const int64_t upper = close_time - 1;
        if (upper < 0) return;  // no session has closed yet
        const int64_t lower = std::max<int64_t>(0, last_emit_close_time_);
        if (upper < lower) return;
        emit_final_sensors_.measure([&] {
            return forward_closed_windows(*ctx_, store_->find_sessions_ending_between(lower, upper), r.headers,
                                          spec_.name, close_time, last_emit_close_time_);
        });
    }

    merger merge_;
    bool emit_on_close_;
    bool send_old_values_;
    int64_t last_emit_close_time_ = no_timestamp;
    emit_final_throttle throttle_;
    emit_final_sensors emit_final_sensors_;  // window-aggregate-final-emit-*
    std::optional<session_store<K, VA>> store_;
    std::optional<session_tuple_forwarder<K, VA>> forwarder_;
    processor_context<windowed<K>, change<VA>>* ctx_ = nullptr;
    int64_t observed_stream_time_ = no_timestamp;
};

}  // namespace samsa::streams::internal
