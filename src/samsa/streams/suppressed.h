#pragma once
// How ktable::suppress() holds back updates (Kafka Streams' Suppressed and
// Suppressed.BufferConfig, 3.8):
//
//   // at most one update per key per 5 minutes of stream time; when more than
//   // 1000 keys wait, the oldest are emitted early
//   table.suppress(suppressed<std::string>::until_time_limit(std::chrono::minutes(5),
//                                                           buffer_config::max_records(1000)));
//   // one final result per window, once window end + grace <= stream time
//   counts.suppress(suppressed<windowed<std::string>>::until_window_closes(buffer_config::unbounded())
//                       .with_name("final-counts"));
//
// Buffer configs, as Kafka's: max_records(n) and max_bytes(n) are "eager"
// (when full they emit the oldest buffered updates early, unless told
// shut_down_when_full()); unbounded(), with_no_bound() and
// shut_down_when_full() are "strict" (the buffer never emits early: when
// full the task fails with a streams error). until_window_closes takes
// strict configs only, since an early emission would not be final. Limits
// are checked after each update: more than max_records keys, or more than
// max_bytes by Kafka's size estimate of the buffer.
//
// The buffer is change-logged by default (topic
// <application.id>-<store>-changelog, store KTABLE-SUPPRESS-STATE-STORE-NNNN or
// <name>-store); with_logging_disabled() turns that off.
//
// Threads: values, used on the thread building the topology.

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <type_traits>

#include "samsa/streams/windowed.h"

namespace samsa::streams {

// Kafka's BufferFullStrategy.
enum class buffer_full_strategy { emit, shut_down };

class eager_buffer_config;
class strict_buffer_config;

// The fields every buffer config has (Kafka's BufferConfigInternal); the
// static factories are Kafka's BufferConfig ones.
class buffer_config {
public:
    // A limit that is never reached.
    static constexpr int64_t no_limit = std::numeric_limits<int64_t>::max();

    // Eager: at most record_limit keys, emitting the oldest early when full.
    static eager_buffer_config max_records(int64_t record_limit);
    // Eager: at most byte_limit bytes (Kafka's estimate), emitting early when full.
    static eager_buffer_config max_bytes(int64_t byte_limit);
    // Strict, no size limit.
    static strict_buffer_config unbounded();

    // How many keys the buffer holds at most (no_limit: any).
    int64_t max_records_limit() const { return max_records_; }
    // How many bytes the buffer holds at most, by Kafka's estimate (no_limit: any).
    int64_t max_bytes_limit() const { return max_bytes_; }
    // What a full buffer does: emit its oldest updates early, or fail the task.
    buffer_full_strategy full_strategy() const { return strategy_; }
    // Whether the buffer has a changelog topic.
    bool logging_enabled() const { return logging_enabled_; }
    // Extra configs for that changelog topic.
    const std::map<std::string, std::string>& log_config() const { return log_config_; }

    // Kafka's withNoBound() / shutDownWhenFull() / emitEarlyWhenFull(): they
    // change the config's kind, so they return the other type.
    // withNoBound(): strict, no size limit.
    strict_buffer_config with_no_bound() const;
    // shutDownWhenFull(): strict, these limits.
    strict_buffer_config shut_down_when_full() const;
    // emitEarlyWhenFull(): eager, these limits.
    eager_buffer_config emit_early_when_full() const;

protected:
    // Made through the factories above.
    buffer_config(int64_t max_records, int64_t max_bytes, buffer_full_strategy strategy)
        : max_records_(max_records), max_bytes_(max_bytes), strategy_(strategy) {}

    int64_t max_records_;                             // max_records_limit()
    int64_t max_bytes_;                               // max_bytes_limit()
    buffer_full_strategy strategy_;                   // full_strategy()
    bool logging_enabled_ = true;                     // logging_enabled()
    std::map<std::string, std::string> log_config_;  // log_config()
};

// Modifiers that keep the config's kind (Kafka's BufferConfig<BC>).
template<class Self>
class buffer_config_of : public buffer_config {
public:
    // BufferConfig.withMaxRecords: at most record_limit keys.
    Self& with_max_records(int64_t record_limit) {
        max_records_ = record_limit;
        return self();
    }
    // BufferConfig.withMaxBytes: at most byte_limit bytes (Kafka's estimate).
    Self& with_max_bytes(int64_t byte_limit) {
        max_bytes_ = byte_limit;
        return self();
    }
    // No changelog: the buffer is lost on a restart or a task migration.
    Self& with_logging_disabled() {
        logging_enabled_ = false;
        log_config_.clear();
        return self();
    }
    // Extra configs for the buffer's changelog topic.
    Self& with_logging_enabled(std::map<std::string, std::string> config = {}) {
        logging_enabled_ = true;
        log_config_ = std::move(config);
        return self();
    }

protected:
    using buffer_config::buffer_config;

private:
    Self& self() { return static_cast<Self&>(*this); }
};

// Kafka's EagerBufferConfig: when full, the oldest updates are emitted
// early (until_time_limit only).
class eager_buffer_config final : public buffer_config_of<eager_buffer_config> {
public:
    // At most max_records keys and max_bytes bytes (no_limit: any).
    eager_buffer_config(int64_t max_records, int64_t max_bytes)
        : buffer_config_of(max_records, max_bytes, buffer_full_strategy::emit) {}
};

// Kafka's StrictBufferConfig: never emits early; when full the task fails
// with a streams error.
class strict_buffer_config final : public buffer_config_of<strict_buffer_config> {
public:
    // Kafka's StrictBufferConfigImpl(): unbounded, shut down when full.
    strict_buffer_config() : buffer_config_of(no_limit, no_limit, buffer_full_strategy::shut_down) {}
    // At most max_records keys and max_bytes bytes (no_limit: any).
    strict_buffer_config(int64_t max_records, int64_t max_bytes)
        : buffer_config_of(max_records, max_bytes, buffer_full_strategy::shut_down) {}
};

inline eager_buffer_config buffer_config::max_records(int64_t record_limit) {
    return eager_buffer_config(record_limit, no_limit);
}
inline eager_buffer_config buffer_config::max_bytes(int64_t byte_limit) {
    return eager_buffer_config(no_limit, byte_limit);
}
inline strict_buffer_config buffer_config::unbounded() { return strict_buffer_config(); }

namespace detail {
template<class Out>
Out convert_buffer_config(const buffer_config& in, Out out) {
    if (in.logging_enabled()) out.with_logging_enabled(in.log_config());
    else out.with_logging_disabled();
    return out;
}
}  // namespace detail

inline strict_buffer_config buffer_config::with_no_bound() const {
    return detail::convert_buffer_config(*this, strict_buffer_config(no_limit, no_limit));
}
inline strict_buffer_config buffer_config::shut_down_when_full() const {
    return detail::convert_buffer_config(*this, strict_buffer_config(max_records_, max_bytes_));
}
inline eager_buffer_config buffer_config::emit_early_when_full() const {
    return detail::convert_buffer_config(*this, eager_buffer_config(max_records_, max_bytes_));
}

template<class K>
struct is_windowed_key : std::false_type {};
template<class K>
struct is_windowed_key<windowed<K>> : std::true_type {};

// Kafka's Suppressed<K> (SuppressedInternal / FinalResultsSuppressionBuilder).
template<class K>
class suppressed {
public:
    // Holds each key's updates until time_to_wait_for_more_events of stream
    // time has passed since the first one it holds (a later update replaces
    // the held one but does not restart the wait), then emits the latest.
    static suppressed until_time_limit(std::chrono::milliseconds time_to_wait_for_more_events,
                                       const buffer_config& config) {
        return suppressed(false, time_to_wait_for_more_events.count(), config);
    }
    // Emits one final result per windowed key, once stream time reaches the
    // window's end plus the grace period of the windowed aggregation upstream.
    static suppressed until_window_closes(const strict_buffer_config& config)
        requires is_windowed_key<K>::value
    {
        return suppressed(true, 0, config);
    }

    // Names the processor; its store is <name>-store.
    suppressed& with_name(std::string name) {
        name_ = std::move(name);
        return *this;
    }

    // The processor's name; nullopt: generated (KTABLE-SUPPRESS-NNNNNNNNNN).
    const std::optional<std::string>& name() const { return name_; }
    // Made by until_window_closes().
    bool final_results() const { return final_results_; }
    // For until_time_limit; until_window_closes waits the upstream grace.
    int64_t time_to_wait_ms() const { return time_to_wait_ms_; }
    // The buffer's limits and changelog.
    const buffer_config& config() const { return config_; }

private:
    suppressed(bool final_results, int64_t wait_ms, const buffer_config& config)
        : final_results_(final_results), time_to_wait_ms_(wait_ms), config_(config) {}

    bool final_results_;
    int64_t time_to_wait_ms_;
    buffer_config config_;
    std::optional<std::string> name_;
};

}  // namespace samsa::streams
