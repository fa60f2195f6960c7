#pragma once
// Punctuation: periodic callbacks a processor schedules (Kafka's
// PunctuationType, Punctuator and Cancellable).
//
//  - stream_time: fires when the task's stream time (largest record timestamp
//    seen) passes the next multiple of the interval; aligned to 0, at most
//    once per advance however far time jumps.
//  - wall_clock_time: fires when the system clock (the driver's mock clock in
//    tests) has moved one interval past the last firing.
//
// Threads: the stream thread that owns the task.

#include <cstdint>
#include <functional>
#include <memory>

namespace samsa::streams {

// Kafka's PunctuationType: what time drives a punctuator.
enum class punctuation_type { stream_time, wall_clock_time };

// Called with the time that triggered it (stream time or wall-clock time).
using punctuator = std::function<void(int64_t timestamp)>;

// Returned by schedule(); cancel() stops further calls.
class cancellable {
public:
    // For the implementation: schedule() makes it.
    explicit cancellable(std::shared_ptr<bool> cancelled) : cancelled_(std::move(cancelled)) {}
    // No more calls after this one returns.
    void cancel() { *cancelled_ = true; }

private:
    // Shared with the task's schedule entry, which outlives neither.
    std::shared_ptr<bool> cancelled_;
};

}  // namespace samsa::streams
