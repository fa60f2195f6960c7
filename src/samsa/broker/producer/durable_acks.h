#pragma once
// durable_acks: `samsa.durable.acks=true` — a Produce with acks=all is
// answered only once an fdatasync covering its batches has completed, so an
// acknowledged record survives a power loss, not only a killed process.
//
// Group commit: the I/O thread appends and queues a sync job per request
// (duplicates of the segment file descriptors it wrote to) and goes on
// serving. One helper thread takes ALL jobs queued so far, fdatasyncs each
// distinct file once, then posts every job's completion back to the I/O
// thread, which sends the responses. While one round of fsyncs runs, the
// next requests pile up and share the next round, so the fsync rate stays
// at the disk's pace while throughput follows the batch size.
//
// Thread model: submit() and the completions run on the I/O thread; the
// syncs run on the helper thread. The destructor runs the jobs still queued
// (their completions are posted; if the io_context no longer runs they are
// dropped with it, and those connections are gone anyway).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/partition_log.h"

namespace samsa::broker::producer {

class durable_acks {
public:
    explicit durable_acks(asio::io_context& io);
    ~durable_acks();
    durable_acks(const durable_acks&) = delete;
    durable_acks& operator=(const durable_acks&) = delete;

    // Duplicates of the descriptors of the segments of `log` holding
    // [first, last] (usually just the active one), appended to `fds`.
    static status add_segment_fds(storage::partition_log& log, offset first, offset last, std::vector<int>& fds);

    // Queues fdatasync of `fds` (closed by the helper); `done(ok)` runs on
    // the I/O thread afterwards, ok false when a sync failed.
    void submit(std::vector<int> fds, std::function<void(bool ok)> done);

    // Rounds of fsyncs run and jobs completed (the group commit ratio).
    uint64_t rounds() const { return rounds_.load(std::memory_order_relaxed); }
    uint64_t jobs() const { return jobs_done_.load(std::memory_order_relaxed); }

private:
    struct job {
        std::vector<int> fds;
        std::function<void(bool)> done;
    };
    void run();
    void sync_round(std::deque<job>& round);

    asio::io_context& io_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<job> queue_;
    bool stop_ = false;
    std::atomic<uint64_t> rounds_{0};
    std::atomic<uint64_t> jobs_done_{0};
    std::thread thread_;
};

}  // namespace samsa::broker::producer
