#pragma once
// What the windowed aggregation operators share (Kafka's
// AbstractKStreamTimeWindowAggregateProcessor and the helpers of
// KStreamSessionWindowAggregate): where the aggregate lives, the user's
// functions in one shape, the log lines and drop counting, and the
// emit-on-window-close throttle and forwarding.
//
// Functions: the DSL hands every operator an initializer (nullopt for
// reduce: "no aggregate yet") and an aggregator that sees the value as
// optional. Kafka calls a windowed aggregator for records with a null value
// too (only null keys are skipped), which count() does; a user function
// written against plain V cannot take a null value, so such records are
// skipped and counted as dropped (see fn.h).
//
// Threads: the task's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <spdlog/spdlog.h>

#include "samsa/streams/processor/processor.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams::internal {

template<class K, class V, class VA>
struct window_aggregate_functions {
    // nullopt: reduce, whose first value is the aggregate.
    std::function<std::optional<VA>()> init;
    std::function<VA(const K&, const std::optional<V>&, const std::optional<VA>&)> aggregate;
    // False when the user's function takes plain values: null values are
    // then dropped.
    bool accepts_null_values = true;
};

// A window or session store's name and serdes, opened per task.
template<class K, class VA>
struct window_store_spec {
    std::string name;
    serde<K> key_serde;
    serde<VA> value_serde;
    int64_t window_size_ms = 0;  // time windows: size; sliding: time difference

    timestamped_window_store<K, VA> open_window(task_context& task) const {
        return {task.store(name), key_serde, value_serde, changelog_topic_name(task.application_id(), name),
                window_size_ms};
    }
    session_store<K, VA> open_session(task_context& task) const {
        return {task.store(name), key_serde, value_serde, changelog_topic_name(task.application_id(), name)};
    }
};

// Kafka's internal config __emit.interval.ms.kstreams.windowed.aggregation__
// default: emit-on-window-close looks for closed windows at most once per
// second of wall-clock time (streams_config / the test driver's properties
// set it per task).
inline constexpr int64_t default_emit_interval_ms = 1000;

// "No timestamp yet", Kafka's ConsumerRecord.NO_TIMESTAMP.
inline constexpr int64_t no_timestamp = -1;

template<class KOut, class VOut>
void log_null_key(const processor_context<KOut, VOut>& ctx) {
    if (const auto& m = ctx.record_metadata()) {
        spdlog::warn("Skipping record due to null key. topic=[{}] partition=[{}] offset=[{}]", m->topic, m->partition,
                     m->offset);
    } else {
        spdlog::warn("Skipping record due to null key. Topic, partition, and offset not known.");
    }
    ctx.record_dropped();
}

template<class KOut, class VOut>
void log_null_value(const processor_context<KOut, VOut>& ctx) {
    spdlog::warn("Skipping record due to null value (the aggregator takes plain values). processor=[{}]",
                 ctx.processor_name());
    ctx.record_dropped();
}

template<class KOut, class VOut>
void log_expired_window(const processor_context<KOut, VOut>& ctx, int64_t timestamp, int64_t close_time,
                        const std::string& window_string, int64_t stream_time) {
    if (const auto& m = ctx.record_metadata()) {
        spdlog::warn("Skipping record for expired window. topic=[{}] partition=[{}] offset=[{}] timestamp=[{}] "
                     "window={} expiration=[{}] streamTime=[{}]",
                     m->topic, m->partition, m->offset, timestamp, window_string, close_time, stream_time);
    } else {
        spdlog::warn("Skipping record for expired window. Topic, partition, and offset not known. timestamp=[{}] "
                     "window={} expiration=[{}] streamTime=[{}]",
                     timestamp, window_string, close_time, stream_time);
    }
    ctx.record_dropped();
}

// Kafka's TimeTracker with shouldEmitFinal's throttle: true at most once per
// emit interval of wall-clock time, and only when the close time moved.
class emit_final_throttle {
public:
    explicit emit_final_throttle(int64_t interval_ms = default_emit_interval_ms) : interval_ms_(interval_ms) {}
    bool should_emit(int64_t now_ms, int64_t close_time, int64_t last_emit_close_time) {
        if (now_ms < next_time_to_emit_) return false;
        // From now, not from the last deadline, so a wall-clock jump does not
        // trigger on every record.
        next_time_to_emit_ = now_ms + interval_ms_;
        return last_emit_close_time == no_timestamp || last_emit_close_time < close_time;
    }

private:
    int64_t interval_ms_ = default_emit_interval_ms;
    int64_t next_time_to_emit_ = 0;
};

// Emit on window close (KIP-825): forwards each closed window once, with the
// headers of the record after which it was found closed, then remembers
// `close_time` as emitted up to, in the operator and as processor metadata
// committed with the task's offsets, so a restarted task does not emit these
// windows again. `closed` is the store's answer in time order: a time or
// sliding window (value_and_timestamp) is forwarded at its record timestamp,
// a session at its end. Returns how many it forwarded (the
// window-aggregate-final-emit metric's value, emit_final_sensors::measure).
template<class K, class VA, class StoredValue>
size_t forward_closed_windows(processor_context<windowed<K>, change<VA>>& ctx,
                            std::vector<key_value<windowed<K>, StoredValue>> closed, const record_headers& headers,
                            const std::string& store_name, int64_t close_time, int64_t& last_emit_close_time) {
    const size_t count = closed.size();
    for (auto& kv : closed) {
        if constexpr (std::is_same_v<StoredValue, value_and_timestamp<VA>>) {
            record<windowed<K>, change<VA>> out{std::move(kv.key), change<VA>{std::move(kv.value.value), std::nullopt},
                                                kv.value.timestamp, headers};
            ctx.forward(std::move(out));
        } else {
            const int64_t end = kv.key.window().end();
            record<windowed<K>, change<VA>> out{std::move(kv.key), change<VA>{std::move(kv.value), std::nullopt},
                                                end, headers};
            ctx.forward(std::move(out));
        }
    }
    last_emit_close_time = close_time;
    ctx.task().set_processor_metadata(store_name, close_time);
    return count;
}

}  // namespace samsa::streams::internal
