#pragma once
// Window definitions for windowed aggregations (Kafka Streams' TimeWindows,
// SlidingWindows, SessionWindows and EmitStrategy), with Kafka's factories,
// checks and error messages. Times are milliseconds.
//
//   time_windows::of_size_and_grace(300'000, 60'000).advance_by(60'000)   hopping
//   time_windows::of_size_with_no_grace(60'000)                          tumbling
//   sliding_windows::of_time_difference_and_grace(60'000, 30'000)
//   session_windows::of_inactivity_gap_and_grace(300'000, 30'000)
//
// A record at time t belongs to every time window [start, start + size) with
// start a multiple of the advance and start <= t < start + size
// (windows_for). A window closes when stream time reaches its end + grace:
// records for it arriving later are dropped as late.
//
// Threads: values, used on the thread building the topology.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "samsa/streams/windowed.h"

namespace samsa::streams {

// Tumbling (advance == size) and hopping (advance < size) windows.
class time_windows {
public:
    // Throws std::invalid_argument for size <= 0 or grace < 0.
    static time_windows of_size_and_grace(int64_t size_ms, int64_t after_window_end_ms) {
        if (size_ms <= 0) throw std::invalid_argument("Window size (sizeMs) must be larger than zero.");
        if (after_window_end_ms < 0) throw std::invalid_argument("Grace period must not be negative.");
        return time_windows(size_ms, size_ms, after_window_end_ms);
    }
    // TimeWindows.ofSizeWithNoGrace: tumbling windows of size_ms, closed at their end.
    static time_windows of_size_with_no_grace(int64_t size_ms) { return of_size_and_grace(size_ms, 0); }
    // of_size_and_grace() in chrono units.
    static time_windows of_size_and_grace(std::chrono::milliseconds size, std::chrono::milliseconds grace) {
        return of_size_and_grace(size.count(), grace.count());
    }
    // of_size_with_no_grace() in chrono units.
    static time_windows of_size_with_no_grace(std::chrono::milliseconds size) { return of_size_with_no_grace(size.count()); }

    // Hopping windows. Throws std::invalid_argument unless 0 < advance <= size.
    time_windows advance_by(int64_t advance_ms) const {
        if (advance_ms <= 0 || advance_ms > size_ms_) {
            throw std::invalid_argument("Window advancement interval should be more than zero and less than window duration "
                                        "which is " + std::to_string(size_ms_) + " ms, but given advancement interval is: " +
                                        std::to_string(advance_ms) + " ms.");
        }
        return time_windows(size_ms_, advance_ms, grace_ms_);
    }
    // advance_by() in chrono units.
    time_windows advance_by(std::chrono::milliseconds advance) const { return advance_by(advance.count()); }

    // The windows containing timestamp, by ascending start (Kafka's
    // windowsFor): starts are multiples of the advance, never negative.
    std::map<int64_t, window> windows_for(int64_t timestamp) const {
        std::map<int64_t, window> out;
        int64_t start = (std::max<int64_t>(0, timestamp - size_ms_ + advance_ms_) / advance_ms_) * advance_ms_;
        for (; start <= timestamp; start += advance_ms_) out.emplace(start, window::time(start, start + size_ms_));
        return out;
    }

    // The windows' size in ms.
    int64_t size() const { return size_ms_; }
    // How far each window starts after the previous one, in ms (size(): tumbling).
    int64_t advance() const { return advance_ms_; }
    // How long after its end a window still takes late records, in ms.
    int64_t grace_period_ms() const { return grace_ms_; }
    // Same size, advance and grace.
    bool operator==(const time_windows&) const = default;

private:
    time_windows(int64_t size, int64_t advance, int64_t grace) : size_ms_(size), advance_ms_(advance), grace_ms_(grace) {}
    int64_t size_ms_;
    int64_t advance_ms_;
    int64_t grace_ms_;
};

// Windows of a fixed length that slide with the records: two records fall in
// a common window when their timestamps differ by at most the time
// difference (Kafka's SlidingWindows; windows are inclusive at both ends).
class sliding_windows {
public:
    // Throws std::invalid_argument for a negative time difference or grace.
    static sliding_windows of_time_difference_and_grace(int64_t time_difference_ms, int64_t after_window_end_ms) {
        if (time_difference_ms < 0) throw std::invalid_argument("Window time difference must not be negative.");
        if (after_window_end_ms < 0) throw std::invalid_argument("Window grace period must not be negative.");
        return sliding_windows(time_difference_ms, after_window_end_ms);
    }
    // SlidingWindows.ofTimeDifferenceWithNoGrace.
    static sliding_windows of_time_difference_with_no_grace(int64_t time_difference_ms) {
        return of_time_difference_and_grace(time_difference_ms, 0);
    }
    // of_time_difference_and_grace() in chrono units.
    static sliding_windows of_time_difference_and_grace(std::chrono::milliseconds d, std::chrono::milliseconds grace) {
        return of_time_difference_and_grace(d.count(), grace.count());
    }
    // of_time_difference_with_no_grace() in chrono units.
    static sliding_windows of_time_difference_with_no_grace(std::chrono::milliseconds d) {
        return of_time_difference_with_no_grace(d.count());
    }

    // The largest difference between two records' timestamps in one window, in ms.
    int64_t time_difference_ms() const { return time_difference_ms_; }
    // How long after its end a window still takes late records, in ms.
    int64_t grace_period_ms() const { return grace_ms_; }
    // Same time difference and grace.
    bool operator==(const sliding_windows&) const = default;

private:
    sliding_windows(int64_t d, int64_t grace) : time_difference_ms_(d), grace_ms_(grace) {}
    int64_t time_difference_ms_;
    int64_t grace_ms_;
};

// Sessions: records of a key closer than the inactivity gap join one
// session, which grows and merges with its neighbours (Kafka's
// SessionWindows).
class session_windows {
public:
    // Throws std::invalid_argument for a gap <= 0 or a negative grace.
    static session_windows of_inactivity_gap_and_grace(int64_t gap_ms, int64_t after_window_end_ms) {
        if (after_window_end_ms < 0) throw std::invalid_argument("Grace period must not be negative.");
        if (gap_ms <= 0) throw std::invalid_argument("Gap time cannot be zero or negative.");
        return session_windows(gap_ms, after_window_end_ms);
    }
    // SessionWindows.ofInactivityGapWithNoGrace.
    static session_windows of_inactivity_gap_with_no_grace(int64_t gap_ms) {
        return of_inactivity_gap_and_grace(gap_ms, 0);
    }
    // of_inactivity_gap_and_grace() in chrono units.
    static session_windows of_inactivity_gap_and_grace(std::chrono::milliseconds gap, std::chrono::milliseconds grace) {
        return of_inactivity_gap_and_grace(gap.count(), grace.count());
    }
    // of_inactivity_gap_with_no_grace() in chrono units.
    static session_windows of_inactivity_gap_with_no_grace(std::chrono::milliseconds gap) {
        return of_inactivity_gap_with_no_grace(gap.count());
    }

    // The gap of inactivity that closes a session, in ms.
    int64_t inactivity_gap() const { return gap_ms_; }
    // How long after its end a session still takes late records, in ms.
    int64_t grace_period_ms() const { return grace_ms_; }
    // Same gap and grace.
    bool operator==(const session_windows&) const = default;

private:
    session_windows(int64_t gap, int64_t grace) : gap_ms_(gap), grace_ms_(grace) {}
    int64_t gap_ms_;
    int64_t grace_ms_;
};

// When a windowed aggregation forwards (KIP-825): every update (Kafka's
// default), or once per window when it closes (time and sliding windows).
class emit_strategy {
public:
    // The two strategies.
    enum class type { on_window_update, on_window_close };
    // EmitStrategy.onWindowUpdate: every update of a window goes downstream (the default).
    static emit_strategy on_window_update() { return emit_strategy(type::on_window_update); }
    // EmitStrategy.onWindowClose: one final result per window, once it closes.
    static emit_strategy on_window_close() { return emit_strategy(type::on_window_close); }
    // Which strategy.
    enum type kind() const { return type_; }
    // Same strategy.
    bool operator==(const emit_strategy&) const = default;

private:
    explicit emit_strategy(enum type t) : type_(t) {}
    enum type type_;
};

}  // namespace samsa::streams
