#pragma once
// background_flusher: one thread that fdatasyncs segment files for the logs,
// so that an I/O thread never waits for the disk on a time-based flush or at
// a segment roll (Kafka also flushes rolled segments from a scheduler thread).
// An explicit partition_log::flush() — durable mode, flush.messages — stays
// synchronous.
//
// Thread model: submit() is called by log owner threads; the flusher thread
// runs the jobs in order. A job owns duplicates of the file descriptors, so
// the segment may be closed or deleted meanwhile; when the fsyncs succeed it
// raises the log's published recovery point to the job's target.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace samsa::storage {

// What a log shares with the flusher. Shared (not owned by the log alone)
// because a queued job may outlive the log it belongs to (delete_logs).
struct flush_state {
    std::atomic<int64_t> recovery_point{0};  // raised only, never lowered
    std::atomic<int> in_flight{0};           // jobs for this log queued or running
    std::atomic<bool> failed{false};         // an fsync failed: the recovery point stays put
    void raise_recovery_point(int64_t to) {
        if (failed.load(std::memory_order_acquire)) return;
        int64_t cur = recovery_point.load(std::memory_order_acquire);
        while (cur < to && !recovery_point.compare_exchange_weak(cur, to, std::memory_order_acq_rel)) {
        }
    }
};

class background_flusher {
public:
    background_flusher();
    ~background_flusher();  // runs the queued jobs, then joins
    background_flusher(const background_flusher&) = delete;
    background_flusher& operator=(const background_flusher&) = delete;

    // Queues fdatasync of `fds` (duplicates: the job closes them), then raises
    // state->recovery_point to `target` if every sync succeeded. `what` names
    // the log in error messages.
    void submit(std::vector<int> fds, int64_t target, std::shared_ptr<flush_state> state, std::string what);

    // Waits until every job submitted so far has run (tests, shutdown).
    void drain();

    // Jobs queued and not yet finished. Each holds descriptors, so the
    // time-based flushes of many dirty partitions wait for the queue to
    // shrink rather than run the broker out of descriptors (fd_cache.h).
    size_t pending();
    static constexpr size_t max_pending_time_flushes = 32;

    // Blocks the caller until fewer than `n` jobs are queued or running. A
    // segment roll waits here when the disk falls behind, so the descriptors
    // the queued jobs hold stay bounded: a fast producer into 1 MiB segments
    // queued a job (4-5 descriptors) per roll faster than the fsyncs ran and
    // took the broker to its open-file limit (KAFKA_STORAGE_ERROR at 20,000
    // descriptors, samsa-bench-broker-scale). The wait is the producer's
    // back-pressure: it goes no faster than the disk syncs what it wrote.
    void wait_below(size_t n);
    static constexpr size_t max_pending_roll_flushes = 64;

private:
    struct job {
        std::vector<int> fds;
        int64_t target;
        std::shared_ptr<flush_state> state;
        std::string what;
    };
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::condition_variable idle_cv_;  // a job finished (drain, wait_below)
    std::deque<job> jobs_;
    bool busy_ = false;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace samsa::storage
