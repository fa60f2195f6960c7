#include "samsa/broker/producer/durable_acks.h"

#include <cstring>
#include <set>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace samsa::broker::producer {

durable_acks::durable_acks(asio::io_context& io) : io_(io), thread_([this] { run(); }) {}

durable_acks::~durable_acks() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    spdlog::info("durable acks: {} produce request(s) answered after {} fsync round(s)", jobs(), rounds());
}

status durable_acks::add_segment_fds(storage::partition_log& log, offset first, offset last, std::vector<int>& fds) {
    const auto& segments = log.segments();
    for (size_t i = 0; i < segments.size(); ++i) {
        bool starts_before_end = segments[i]->base_offset() <= last;
        bool ends_after_first = i + 1 == segments.size() || segments[i + 1]->base_offset() > first;
        if (!starts_before_end || !ends_after_first) continue;
        auto dup = segments[i]->duplicate_fds(false);
        if (!dup) return dup.error();
        fds.insert(fds.end(), dup->begin(), dup->end());
    }
    // The partition directory too: a segment created by a roll is only
    // durable once its directory entry is (the dedup makes it one sync per
    // directory per round).
    int dir = ::open(log.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        return make_error(errc::io_error, fmt::format("open {}: {}", log.dir().string(), std::strerror(errno)));
    }
    fds.push_back(dir);
    return ok();
}

void durable_acks::submit(std::vector<int> fds, std::function<void(bool)> done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(fds), std::move(done)});
    }
    cv_.notify_one();
}

void durable_acks::run() {
    for (;;) {
        std::deque<job> round;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            round.swap(queue_);
        }
        sync_round(round);
    }
}

void durable_acks::sync_round(std::deque<job>& round) {
    // Several requests usually wrote to the same file: sync each file once.
    std::set<std::pair<dev_t, ino_t>> synced;
    bool all_ok = true;
    for (auto& j : round) {
        for (int fd : j.fds) {
            struct stat st {};
            bool known = ::fstat(fd, &st) == 0;
            if (!known || synced.insert({st.st_dev, st.st_ino}).second) {
                if (::fdatasync(fd) != 0) {
                    spdlog::error("durable acks: fdatasync failed: {}", std::strerror(errno));
                    all_ok = false;
                }
            }
            ::close(fd);
        }
    }
    // Counted before any completion is posted: once a completion has run on
    // the I/O thread, jobs() and rounds() include it (post() orders them).
    rounds_.fetch_add(1, std::memory_order_relaxed);
    jobs_done_.fetch_add(round.size(), std::memory_order_relaxed);
    for (auto& j : round) asio::post(io_, [done = std::move(j.done), all_ok] { done(all_ok); });
}

}  // namespace samsa::broker::producer
