#pragma once
// runner_thread: the std::thread a stream or global thread runs on, safe to
// join while start() is still assigning it.
//
// A thread can fail as soon as it starts; its listener then starts a
// shutdown that joins it from yet another thread, possibly before start()'s
// `thread_ = std::thread(...)` has finished writing the handle (a data race
// TSan reported). start() assigns under a mutex that join() takes, so a join
// waits for the handle; the thread itself returns from join() at once
// (it never waits on itself) without taking the mutex.
//
// Threads: start() once, from the owner; join() from any thread, any number
// of times (a second joiner returns once the thread has ended).

#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

namespace samsa::streams::internal {

class runner_thread {
public:
    // Runs body on a new thread.
    template<class F>
    void start(F body) {
        std::lock_guard lock(mutex_);
        thread_ = std::thread([this, body = std::move(body)]() mutable {
            runner_id_ = std::this_thread::get_id();
            body();
        });
    }
    // Waits for the thread to end; returns at once on the thread itself or
    // when it never started.
    void join() {
        if (runner_id_.load() == std::this_thread::get_id()) return;
        std::lock_guard lock(mutex_);
        if (thread_.joinable()) thread_.join();
    }

private:
    std::mutex mutex_;
    std::thread thread_;
    std::atomic<std::thread::id> runner_id_{};
};

}  // namespace samsa::streams::internal
