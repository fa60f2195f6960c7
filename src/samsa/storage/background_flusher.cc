#include "samsa/storage/background_flusher.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace samsa::storage {

background_flusher::background_flusher() : thread_([this] { run(); }) {}

background_flusher::~background_flusher() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void background_flusher::submit(std::vector<int> fds, int64_t target, std::shared_ptr<flush_state> state,
                                std::string what) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back({std::move(fds), target, std::move(state), std::move(what)});
    }
    cv_.notify_one();
}

size_t background_flusher::pending() {
    std::lock_guard lock(mutex_);
    return jobs_.size() + (busy_ ? 1 : 0);
}

void background_flusher::wait_below(size_t n) {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [&] { return jobs_.size() + (busy_ ? 1 : 0) < n; });
}

void background_flusher::drain() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void background_flusher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) {
            if (stop_) return;
            continue;
        }
        job j = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        bool synced = true;
        for (int fd : j.fds) {
            if (fd >= 0 && ::fdatasync(fd) != 0) {
                spdlog::error("storage: background flush of {} failed: {}", j.what, std::strerror(errno));
                synced = false;
            }
            if (fd >= 0) ::close(fd);
        }
        if (synced) j.state->raise_recovery_point(j.target);
        else j.state->failed.store(true, std::memory_order_release);
        j.state->in_flight.fetch_sub(1, std::memory_order_acq_rel);
        lock.lock();
        busy_ = false;
        idle_cv_.notify_all();
    }
}

}  // namespace samsa::storage
