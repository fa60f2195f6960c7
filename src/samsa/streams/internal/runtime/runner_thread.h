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
// The OS thread carries the name Kafka Streams gives the thread
// (`<client id>-StreamThread-<n>`, `<client id>-GlobalStreamThread`), so that
// `top -H`, perf and gdb tell the threads apart instead of showing the
// program's name for all of them. Linux keeps 15 characters of it (the JVM
// truncates Kafka's thread names the same way).
//
// Threads: start() once, from the owner; join() from any thread, any number
// of times (a second joiner returns once the thread has ended).

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace samsa::streams::internal {

// The longest thread name Linux keeps (16 bytes with the NUL).
inline constexpr size_t max_os_thread_name = 15;

// Names the calling thread for the OS: the first max_os_thread_name
// characters of name. Best effort: a refusal changes nothing else.
inline void set_os_thread_name(std::string_view name) {
#if defined(__linux__)
    const std::string truncated(name.substr(0, max_os_thread_name));
    (void)pthread_setname_np(pthread_self(), truncated.c_str());
#else
    (void)name;
#endif
}

class runner_thread {
public:
    // Runs body on a new thread named `name` (see above).
    template<class F>
    void start(std::string name, F body) {
        std::lock_guard lock(mutex_);
        thread_ = std::thread([this, name = std::move(name), body = std::move(body)]() mutable {
            runner_id_ = std::this_thread::get_id();
            set_os_thread_name(name);
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
