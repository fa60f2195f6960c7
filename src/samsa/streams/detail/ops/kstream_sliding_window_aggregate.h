#pragma once
// KSTREAM-AGGREGATE / KSTREAM-REDUCE over sliding windows (Kafka Streams'
// KStreamSlidingWindowAggregate, 3.8). Windows have the time difference d
// as size and are stored by start; only windows that hold records exist:
// each record at t has a left window [t - d, t] (it is the window's last
// record) and, when later records lie within d after it, a right window
// [t + 1, t + 1 + d]. A new record updates every existing window that
// contains it, creates its own left window (seeded with the aggregate of the
// window ending just before it) and its right window (seeded with the
// aggregate of the records after it), and creates the previous record's
// right window when that one now holds this record. Records at t < d use
// the combined window [0, d] instead of a left window (no negative starts).
//
// Records with a null key or value are dropped; a record is late when
// t + 1 + d <= close time (stream time - grace); a window is only updated
// while its end >= close time. Window starts are scanned newest first, as
// Kafka's reverse iterator does.
//
// Emit on window close (KIP-825): no update is forwarded; after a record
// that is neither late nor early (t >= d: Kafka 3.8 looks for closed
// windows only on that path), every window whose end is before the close
// time and that closed since the last look is forwarded once, in window
// start then key order, with the record's headers, at most once per emit
// interval; the close time emitted up to is committed as processor metadata
// (kstream_window_aggregate.h).
//
// Threads: the task's.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "samsa/streams/detail/ops/window_aggregate_common.h"
#include "samsa/streams/detail/ops/tuple_forwarder.h"
#include "samsa/streams/detail/runtime/node_metrics.h"
#include "samsa/streams/windows.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
class kstream_sliding_window_aggregate final : public processor_base<K, V, windowed<K>, change<VA>> {
public:
    kstream_sliding_window_aggregate(sliding_windows windows, window_store_spec<K, VA> store,
                                     window_aggregate_functions<K, V, VA> fns, emit_strategy emit, bool send_old_values)
        : windows_(windows), spec_(std::move(store)), fns_(std::move(fns)),
          emit_on_close_(emit.kind() == emit_strategy::type::on_window_close), send_old_values_(send_old_values) {}

    void init(processor_context<windowed<K>, change<VA>>& ctx) override {
        ctx_ = &ctx;
        store_.emplace(spec_.open_window(ctx.task()));
        emit_final_sensors_ = make_emit_final_sensors(ctx.task(), ctx.processor_name());
        if (emit_on_close_) {
            throttle_ = emit_final_throttle(ctx.task().windowed_emit_interval_ms());
            if (auto committed = ctx.task().processor_metadata(spec_.name)) last_emit_close_time_ = *committed;
        } else {
            // With the store's record cache, one update per window key and
            // commit (tuple_forwarder.h).
            forwarder_.emplace(*store_, ctx, send_old_values_);
        }
    }

    void process(record<K, V>&& r) override {
        if (!r.key || !r.value) {
            if (const auto& m = ctx_->record_metadata()) {
                spdlog::warn("Skipping record due to null key or value. topic=[{}] partition=[{}] offset=[{}]",
                             m->topic, m->partition, m->offset);
            } else {
                spdlog::warn("Skipping record due to null key or value. Topic, partition, and offset not known.");
            }
            ctx_->record_dropped();
            return;
        }
        const int64_t d = windows_.time_difference_ms();
        observed_stream_time_ = std::max(observed_stream_time_, r.timestamp);
        const int64_t close_time = observed_stream_time_ - windows_.grace_period_ms();
        if (r.timestamp + 1 + d <= close_time) {
            log_expired_window(*ctx_, r.timestamp, close_time,
                               "[" + std::to_string(r.timestamp - d) + "," + std::to_string(r.timestamp) + "]",
                               observed_stream_time_);
            return;
        }
        if (r.timestamp < d) {
            process_early(r, close_time);
            return;
        }
        process_reverse(r, close_time);
        maybe_forward_final_result(r, close_time);
    }

private:
    using stored = value_and_timestamp<VA>;

    window window_at(int64_t start) const { return window::time(start, start + windows_.time_difference_ms()); }

    void process_reverse(const record<K, V>& r, int64_t close_time) {
        const int64_t ts = r.timestamp;
        const int64_t d = windows_.time_difference_ms();
        std::set<int64_t> starts;
        std::optional<stored> left_agg;
        std::optional<stored> right_agg;
        bool left_created = false;
        bool right_created = false;
        std::optional<int64_t> previous;

        auto found = store_->fetch(*r.key, std::max<int64_t>(0, ts - 2 * d), ts + 1);
        for (auto it = found.rbegin(); it != found.rend(); ++it) {
            const int64_t start = it->key;
            const int64_t end = start + d;
            const stored& agg = it->value;
            starts.insert(start);
            if (start == ts + 1) {
                right_created = true;
            } else if (end > ts) {
                if (!right_agg) right_agg = agg;
                update_window_and_forward(window_at(start), agg, r, close_time);
            } else if (end == ts) {
                left_created = true;
                update_window_and_forward(window_at(start), agg, r, close_time);
                // A record at the same time made every window already.
                if (agg.timestamp >= ts) return;
                previous = agg.timestamp;
            } else {
                left_agg = agg;
                previous = agg.timestamp;
                break;
            }
        }
        create_windows(r, close_time, starts, right_agg, left_agg, left_created, right_created, previous);
    }

    void process_early(const record<K, V>& r, int64_t close_time) {
        const int64_t ts = r.timestamp;
        std::optional<std::pair<int64_t, stored>> combined;  // the window [0, d]
        std::optional<stored> right_agg;
        bool right_created = false;
        std::set<int64_t> starts;
        std::optional<int64_t> previous;

        for (auto& [start, agg] : store_->fetch(*r.key, 0, ts + 1)) {
            starts.insert(start);
            if (start == 0) {
                combined.emplace(start, agg);
                // A later record in it already made the previous record's
                // right window.
                if (agg.timestamp < ts) previous = agg.timestamp;
            } else if (start <= ts) {
                right_agg = agg;
                update_window_and_forward(window_at(start), agg, r, close_time);
            } else if (start == ts + 1) {
                right_created = true;
            }
        }
        // Without a right window found, the combined window holds exactly the
        // records after this one when it ends later than this record.
        if (!right_agg && combined && combined->second.timestamp > ts) right_agg = combined->second;
        if (!right_created && right_window_not_empty(right_agg, ts)) create_current_right_window(r, *right_agg);
        if (previous && !starts.count(*previous + 1)) create_previous_right_window(*previous + 1, r, close_time);
        if (!combined) {
            update_window_and_forward(window_at(0), initial(ts), r, close_time);
        } else {
            update_window_and_forward(window_at(0), combined->second, r, close_time);
        }
    }

    void create_windows(const record<K, V>& r, int64_t close_time, const std::set<int64_t>& starts,
                        const std::optional<stored>& right_agg, const std::optional<stored>& left_agg,
                        bool left_created, bool right_created, std::optional<int64_t> previous) {
        const int64_t ts = r.timestamp;
        const int64_t d = windows_.time_difference_ms();
        if (previous) {
            int64_t previous_right_start = *previous + 1;
            if (!starts.count(previous_right_start) && previous_right_start + d >= ts) {
                create_previous_right_window(previous_right_start, r, close_time);
            }
        }
        if (!left_created) {
            bool left_not_empty = previous && ts - d <= *previous;
            std::optional<stored> seed = left_not_empty ? std::optional<stored>(stored{left_agg->value, ts}) : initial(ts);
            update_window_and_forward(window_at(ts - d), seed, r, close_time);
        }
        if (!right_created && right_window_not_empty(right_agg, ts)) create_current_right_window(r, *right_agg);
    }

    static bool right_window_not_empty(const std::optional<stored>& right_agg, int64_t ts) {
        return right_agg && right_agg->timestamp > ts;
    }

    // Kafka's ValueAndTimestamp.make(initializer.apply(), ts): no row for a
    // reduce, whose initializer is null.
    std::optional<stored> initial(int64_t ts) const {
        if (!fns_.init) return std::nullopt;
        auto v = fns_.init();
        if (!v) return std::nullopt;
        return stored{std::move(*v), ts};
    }

    // The right window holds only records after this one: stored as found,
    // without this record.
    void create_current_right_window(const record<K, V>& r, const stored& right_agg) {
        window w = window_at(r.timestamp + 1);
        store_->put(*r.key, right_agg, w.start());
        if (emit_on_close_) return;
        record<windowed<K>, change<VA>> out{windowed<K>(*r.key, w), change<VA>{right_agg.value, std::nullopt},
                                            right_agg.timestamp, r.headers};
        forwarder_->maybe_forward(std::move(out));
    }

    void create_previous_right_window(int64_t start, const record<K, V>& r, int64_t close_time) {
        update_window_and_forward(window_at(start), initial(r.timestamp), r, close_time);
    }

    void update_window_and_forward(const window& w, const std::optional<stored>& current, const record<K, V>& r,
                                   int64_t close_time) {
        if (w.end() < close_time) {
            log_expired_window(*ctx_, r.timestamp, close_time,
                               "[" + std::to_string(w.start()) + "," + std::to_string(w.end()) + "]",
                               observed_stream_time_);
            return;
        }
        std::optional<VA> old_agg = current ? std::optional<VA>(current->value) : std::nullopt;
        VA new_agg = fns_.aggregate(*r.key, r.value, old_agg);
        int64_t ts = old_agg ? std::max(r.timestamp, current->timestamp) : r.timestamp;
        store_->put(*r.key, stored{new_agg, ts}, w.start());
        if (emit_on_close_) return;
        record<windowed<K>, change<VA>> out{windowed<K>(*r.key, w),
                                            change<VA>{std::move(new_agg), send_old_values_ ? old_agg : std::nullopt},
                                            ts, r.headers};
        forwarder_->maybe_forward(std::move(out));
    }

    // Windows are [start, start + d], both ends inclusive: those starting at
    // or before close - d - 1 have closed.
    void maybe_forward_final_result(const record<K, V>& r, int64_t close_time) {
        if (!emit_on_close_) return;
        if (!throttle_.should_emit(ctx_->current_system_time_ms(), close_time, last_emit_close_time_)) return;
        const int64_t d = windows_.time_difference_ms();
        const int64_t upper = close_time - d - 1;
        if (upper < 0) return;  // no window has closed yet
        const int64_t lower = last_emit_close_time_ == no_timestamp ? 0 : std::max<int64_t>(0, last_emit_close_time_ - d);
        emit_final_sensors_.measure([&] {
            return forward_closed_windows(*ctx_, store_->fetch_all_time_ordered(lower, upper), r.headers, spec_.name,
                                          close_time, last_emit_close_time_);
        });
    }

    sliding_windows windows_;
    window_store_spec<K, VA> spec_;
    window_aggregate_functions<K, V, VA> fns_;
    bool emit_on_close_;
    bool send_old_values_;
    int64_t last_emit_close_time_ = no_timestamp;
    emit_final_throttle throttle_;
    emit_final_sensors emit_final_sensors_;  // window-aggregate-final-emit-*
    std::optional<timestamped_window_store<K, VA>> store_;
    std::optional<window_tuple_forwarder<K, VA>> forwarder_;
    processor_context<windowed<K>, change<VA>>* ctx_ = nullptr;
    int64_t observed_stream_time_ = no_timestamp;
};

}  // namespace samsa::streams::internal
