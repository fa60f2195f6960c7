#pragma once
// The log cleaner's I/O limit, Kafka's log.cleaner.io.max.bytes.per.second
// (kafka.utils.Throttler, as LogCleaner uses it): the cleaner threads report
// the bytes they read and write; once per check interval (300 ms, Kafka's),
// if the bytes since the last check came faster than the limit, the caller
// sleeps until they would have come at the limit. One throttler is shared by
// all cleaner threads, and the sleep is taken under its lock, so the limit is
// for the whole broker, as in Kafka.
//
// Thread: any (all cleaner threads); the clock and the sleep are injectable
// for tests.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace samsa::storage {

class io_throttler {
public:
    using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
    // Sleeps for the duration or until `cancel` is set, whichever is first.
    using sleep_fn = std::function<void(std::chrono::milliseconds, const std::atomic<bool>& cancel)>;

    static constexpr std::chrono::milliseconds check_interval{300};

    // bytes_per_second <= 0, infinite or at least DBL_MAX (Kafka's default,
    // Double.MaxValue): no limit.
    explicit io_throttler(double bytes_per_second, clock_fn clock = default_clock, sleep_fn sleep = default_sleep);

    bool limited() const { return limited_; }

    // Counts `bytes` of cleaner I/O and sleeps if the rate since the last
    // check is over the limit. Returns how long it slept.
    std::chrono::milliseconds maybe_throttle(uint64_t bytes, const std::atomic<bool>& cancel);

private:
    static std::chrono::steady_clock::time_point default_clock() { return std::chrono::steady_clock::now(); }
    static void default_sleep(std::chrono::milliseconds d, const std::atomic<bool>& cancel);

    const double bytes_per_second_;
    const bool limited_;
    clock_fn clock_;
    sleep_fn sleep_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point period_start_;
    double observed_ = 0;
};

}  // namespace samsa::storage
