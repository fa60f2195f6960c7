#include "samsa/storage/io_throttler.h"

#include <cfloat>
#include <cmath>
#include <thread>

namespace samsa::storage {

io_throttler::io_throttler(double bytes_per_second, clock_fn clock, sleep_fn sleep)
    : bytes_per_second_(bytes_per_second),
      limited_(bytes_per_second > 0 && std::isfinite(bytes_per_second) && bytes_per_second < DBL_MAX),
      clock_(std::move(clock)),
      sleep_(std::move(sleep)),
      period_start_(clock_()) {}

std::chrono::milliseconds io_throttler::maybe_throttle(uint64_t bytes, const std::atomic<bool>& cancel) {
    if (!limited_) return std::chrono::milliseconds(0);
    std::lock_guard lock(mutex_);
    observed_ += static_cast<double>(bytes);
    const auto elapsed = clock_() - period_start_;
    if (elapsed <= check_interval || observed_ <= 0) return std::chrono::milliseconds(0);
    const double elapsed_s = std::chrono::duration<double>(elapsed).count();
    std::chrono::milliseconds slept(0);
    if (observed_ / elapsed_s > bytes_per_second_) {
        // How long these bytes should have taken at the limit, minus how long they took.
        const auto sleep_ms = std::llround((observed_ / bytes_per_second_ - elapsed_s) * 1000.0);
        if (sleep_ms > 0) {
            slept = std::chrono::milliseconds(sleep_ms);
            sleep_(slept, cancel);
        }
    }
    period_start_ = clock_();
    observed_ = 0;
    return slept;
}

void io_throttler::default_sleep(std::chrono::milliseconds d, const std::atomic<bool>& cancel) {
    // In slices, so a cancelled clean (a partition deleted, the broker
    // stopping) is not held up by a long sleep.
    constexpr std::chrono::milliseconds slice(50);
    const auto until = std::chrono::steady_clock::now() + d;
    while (!cancel.load(std::memory_order_relaxed)) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(slice, until - now));
    }
}

}  // namespace samsa::storage
