#pragma once
// KSTREAM-AGGREGATE / KSTREAM-REDUCE over time windows (Kafka Streams'
// KStreamWindowAggregate, 3.8): each record updates every window it falls in
// (time_windows::windows_for) whose end is still after the close time
// (processor stream time - grace); windows at or before it are late: the
// record is skipped for them, logged and counted as dropped. The processor's
// stream time is the largest record timestamp it has seen (not the task's).
//
// Emit on window update (default): one change per updated window, the
// timestamp the larger of the record's and the window's previous one; with
// the store's record cache (the default) one per window key and commit
// instead (tuple_forwarder.h).
// Emit on window close (KIP-825): nothing per update; after each record,
// every window that closed since the last emission is forwarded once, in
// window start then key order (Kafka's time-ordered store), with the
// record's headers, at most once per emit interval of wall-clock time
// (__emit.interval.ms.kstreams.windowed.aggregation__, 1 s by default).
// The close time emitted up to is committed with the task's offsets as
// processor metadata under the store's name and read back at start, so a
// restarted task does not emit closed windows again.
//
// Threads: the task's.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "samsa/streams/detail/ops/window_aggregate_common.h"
#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/runtime/node_metrics.h"
#include "samsa/streams/windows.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
class kstream_window_aggregate final : public processor_base<K, V, windowed<K>, change<VA>> {
public:
    kstream_window_aggregate(time_windows windows, window_store_spec<K, VA> store,
                             window_aggregate_functions<K, V, VA> fns, emit_strategy emit, bool send_old_values)
        : windows_(windows), spec_(std::move(store)), fns_(std::move(fns)), emit_(emit),
          send_old_values_(send_old_values) {}

    void init(processor_context<windowed<K>, change<VA>>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(spec_.open_window(ctx.task()));
        emit_final_sensors_ = make_emit_final_sensors(ctx.task(), ctx.processor_name());
        throttle_ = emit_final_throttle(ctx.task().windowed_emit_interval_ms());
        if (emit_.kind() == emit_strategy::type::on_window_close) {
            if (auto committed = ctx.task().processor_metadata(spec_.name)) last_emit_close_time_ = *committed;
        } else {
            // Emit-on-close sets no flush listener: its cache only holds writes.
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
        observed_stream_time_ = std::max(observed_stream_time_, r.timestamp);
        const int64_t close_time = observed_stream_time_ - windows_.grace_period_ms();
        for (const auto& [start, w] : windows_.windows_for(r.timestamp)) {
            if (w.end() > close_time) {
                update_window(r, w);
            } else {
                log_expired_window(*ctx_, r.timestamp, close_time,
                                   "[" + std::to_string(start) + "," + std::to_string(w.end()) + ")",
                                   observed_stream_time_);
            }
        }
        maybe_forward_final_result(r, close_time);
    }

private:
    void update_window(const record<K, V>& r, const window& w) {
        auto stored = store_->fetch(*r.key, w.start());
        std::optional<VA> old_agg;
        int64_t ts = r.timestamp;
        if (stored) {
            old_agg = std::move(stored->value);
            ts = std::max(r.timestamp, stored->timestamp);
        } else if (fns_.init) {
            old_agg = fns_.init();
        }
        VA new_agg = fns_.aggregate(*r.key, r.value, old_agg);
        store_->put(*r.key, value_and_timestamp<VA>{new_agg, ts}, w.start());
        if (emit_.kind() != emit_strategy::type::on_window_update) return;
        record<windowed<K>, change<VA>> out{windowed<K>(*r.key, w),
                                            change<VA>{std::move(new_agg), send_old_values_ ? old_agg : std::nullopt},
                                            ts, r.headers};
        forwarder_->maybe_forward(std::move(out));
    }

    void maybe_forward_final_result(const record<K, V>& r, int64_t close_time) {
        if (emit_.kind() != emit_strategy::type::on_window_close) return;
        if (!throttle_.should_emit(ctx_->current_system_time_ms(), close_time, last_emit_close_time_)) return;
        const int64_t upper = close_time - windows_.size();
        if (upper < 0) return;  // no window has closed yet
        const int64_t lower = last_emit_close_time_ == no_timestamp
                                  ? 0
                                  : std::max<int64_t>(0, last_emit_close_time_ - windows_.size()) + 1;
        if (!should_range_fetch(lower, upper)) return;
        emit_final_sensors_.measure([&] {
            return forward_closed_windows(*ctx_, store_->fetch_all_time_ordered(lower, upper), r.headers, spec_.name,
                                          close_time, last_emit_close_time_);
        });
    }

    // Window ends are exclusive: when the windows containing the new upper
    // bound are those containing the old one, no window closed in between.
    bool should_range_fetch(int64_t lower, int64_t upper) const {
        if (last_emit_close_time_ == no_timestamp) return true;
        return windows_.windows_for(upper) != windows_.windows_for(lower - 1);
    }

    time_windows windows_;
    window_store_spec<K, VA> spec_;
    window_aggregate_functions<K, V, VA> fns_;
    emit_strategy emit_;
    bool send_old_values_;
    std::optional<timestamped_window_store<K, VA>> store_;
    std::optional<window_tuple_forwarder<K, VA>> forwarder_;
    processor_context<windowed<K>, change<VA>>* ctx_ = nullptr;
    int64_t observed_stream_time_ = no_timestamp;
    int64_t last_emit_close_time_ = no_timestamp;
    emit_final_throttle throttle_;
    emit_final_sensors emit_final_sensors_;  // window-aggregate-final-emit-*
};

}  // namespace samsa::streams::internal
