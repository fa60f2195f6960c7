// runner_thread: a thread that ends at once and is joined from a thread its
// own body started (what a stream thread failing at start does through its
// listener) races nothing: TSan's stage runs this (label tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <pthread.h>

#include "samsa/streams/internal/runtime/runner_thread.h"

namespace samsa::streams::internal {
namespace {

TEST(runner_thread, a_body_that_starts_its_own_joiner_is_joined_without_a_race) {
    for (int round = 0; round < 200; ++round) {
        runner_thread runner;
        std::thread joiner;
        std::atomic<bool> body_done{false};
        runner.start("runner", [&] {
            // The shutdown thread of a failed stream thread, started before
            // start() may have returned.
            joiner = std::thread([&] { runner.join(); });
            body_done = true;
        });
        runner.join();
        EXPECT_TRUE(body_done.load());
        joiner.join();
    }
}

TEST(runner_thread, join_on_the_thread_itself_returns_and_a_second_joiner_waits_for_the_end) {
    runner_thread runner;
    std::atomic<bool> self_join_returned{false};
    std::atomic<bool> ended{false};
    runner.start("runner", [&] {
        runner.join();  // must not wait on itself
        self_join_returned = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ended = true;
    });
    std::thread other([&] {
        runner.join();
        EXPECT_TRUE(ended.load());
    });
    runner.join();
    EXPECT_TRUE(ended.load());
    EXPECT_TRUE(self_join_returned.load());
    other.join();
}

// The name the OS shows for the calling thread (top -H, perf, gdb).
std::string os_thread_name() {
    char name[64] = {};
    pthread_getname_np(pthread_self(), name, sizeof(name));
    return name;
}

TEST(runner_thread, the_os_thread_carries_its_name_cut_to_the_fifteen_characters_linux_keeps) {
    std::string seen;
    runner_thread runner;
    runner.start("order-mail-StreamThread-1", [&] { seen = os_thread_name(); });
    runner.join();
    EXPECT_EQ(seen, "order-mail-Stre");

    runner_thread short_name;
    short_name.start("app-StreamThr-2", [&] { seen = os_thread_name(); });
    short_name.join();
    EXPECT_EQ(seen, "app-StreamThr-2");
}

TEST(runner_thread, join_before_start_returns_at_once) {
    runner_thread runner;
    runner.join();
    SUCCEED();
}

}  // namespace
}  // namespace samsa::streams::internal
