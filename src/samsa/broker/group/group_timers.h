#pragma once
// group_timers: the clock and the timers the coordinator runs on. The broker
// uses asio timers on its I/O context (asio_group_timers.h); the unit tests
// use a fake clock they advance by hand, so session timeouts, rebalance
// timeouts and the initial rebalance delay are tested without sleeping.
//
// Thread: the I/O thread; callbacks run on it, never from inside schedule()
// or cancel().

#include <chrono>
#include <cstdint>
#include <functional>

#include "samsa/base/types.h"

namespace samsa::broker::group {

using timer_id = uint64_t;
inline constexpr timer_id no_timer = 0;

class group_timers {
public:
    virtual ~group_timers() = default;
    // Wall clock, for commit timestamps and the group's state timestamp.
    virtual timestamp_ms now() = 0;
    // Calls fn once after `delay`; the id is never no_timer.
    virtual timer_id schedule(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
    // Forgets a timer; a no-op for no_timer and for timers that already fired.
    virtual void cancel(timer_id id) = 0;
};

}  // namespace samsa::broker::group
