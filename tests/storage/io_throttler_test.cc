// The cleaner's I/O limit (io_throttler.h), on a simulated clock: Kafka's
// Throttler rule — once per 300 ms, sleep until the bytes seen would have
// come at the limit.

#include <gtest/gtest.h>

#include <cfloat>
#include <thread>
#include <vector>

#include "samsa/storage/io_throttler.h"

namespace samsa::storage {
namespace {

using namespace std::chrono_literals;

struct simulated {
    std::chrono::steady_clock::time_point now{};
    std::vector<std::chrono::milliseconds> sleeps;

    io_throttler make(double limit) {
        return io_throttler(
            limit, [this] { return now; },
            [this](std::chrono::milliseconds d, const std::atomic<bool>&) {
                sleeps.push_back(d);
                now += d;
            });
    }
};

const std::atomic<bool> not_cancelled{false};

TEST(io_throttler, kafkas_default_and_non_positive_limits_mean_none) {
    for (double limit : {DBL_MAX, 0.0, -1.0}) {
        simulated sim;
        auto t = sim.make(limit);
        EXPECT_FALSE(t.limited()) << limit;
        sim.now += 1s;
        EXPECT_EQ(t.maybe_throttle(1'000'000'000, not_cancelled), 0ms);
        EXPECT_TRUE(sim.sleeps.empty());
    }
}

TEST(io_throttler, sleeps_until_the_bytes_would_have_come_at_the_limit) {
    simulated sim;
    auto t = sim.make(1'000'000);  // 1 MB/s
    ASSERT_TRUE(t.limited());
    // Within the check interval nothing is decided, however fast.
    sim.now += 100ms;
    EXPECT_EQ(t.maybe_throttle(500'000, not_cancelled), 0ms);
    // At 400 ms, 1 MB seen: it should have taken 1000 ms.
    sim.now += 300ms;
    EXPECT_EQ(t.maybe_throttle(500'000, not_cancelled), 600ms);
    ASSERT_EQ(sim.sleeps.size(), 1u);
    // A new period starts after the sleep: under the limit, no sleep.
    sim.now += 500ms;
    EXPECT_EQ(t.maybe_throttle(400'000, not_cancelled), 0ms);
    EXPECT_EQ(sim.sleeps.size(), 1u);
}

TEST(io_throttler, a_cancel_cuts_the_real_sleep_short) {
    io_throttler t(1.0);  // 1 byte/s: any real check would sleep for ages
    std::atomic<bool> cancel{true};
    const auto start = std::chrono::steady_clock::now();
    // The first check comes only after 300 ms of real time.
    std::this_thread::sleep_for(io_throttler::check_interval + 10ms);
    EXPECT_GT(t.maybe_throttle(1'000'000, cancel), 0ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s) << "the sleep did not see the cancel";
}

}  // namespace
}  // namespace samsa::storage
