#pragma once
// log_cleaner: Kafka's log compaction (cleanup.policy=compact).
//
// Thread model. A partition_log belongs to its owner thread (the broker's
// I/O thread); the cleaner never touches one. The work is split in three:
//
//   owner thread    partition_log::maybe_start_clean picks the range, opens
//                   the closed segments' .log files and submits a clean_job
//   cleaner thread  clean_segments reads those (immutable) files and writes
//                   new `<base>.log.cleaned` / `.index.cleaned` /
//                   `.timeindex.cleaned` files beside them, fsynced
//   owner thread    partition_log::finish_clean, once job->done, swaps them
//                   in: a few renames and unlinks, no data copied
//
// so produce and fetch never wait for the cleaning itself. A job whose
// segments were deleted meanwhile (retention, DeleteRecords) is dropped.
// Closing a log cancels its job (checked between batches) and waits for it.
//
// What a clean does (Kafka's LogCleaner):
//   1. offset map: over the dirty section [first dirty, first uncleanable)
//      a table key hash (128 bits) -> latest offset, at most
//      log.cleaner.dedupe.buffer.size / threads / 24 bytes per entry *
//      load factor entries; when it fills, the clean stops at the last
//      segment boundary that fits (the rest waits for the next clean).
//   2. every closed segment from the log's start to the end of the mapped
//      range is rewritten, consecutive segments grouped while the group fits
//      segment.bytes, segment.index.bytes and a 4-byte offset delta. A record
//      stays when no later record of its key is in the map; records without a
//      key go. Offsets are kept (gaps are fine); a retained batch keeps its
//      base offset, last offset delta, producer id/epoch/base sequence,
//      partition leader epoch and codec (it is re-compressed with it). A batch
//      that loses nothing is copied byte for byte. A batch that loses every
//      record is dropped, except, as in Kafka, the last batch of each
//      idempotent producer in the cleaned range: it stays as an empty batch
//      (header only, uncompressed) so that producer state rebuilt from the log
//      still knows the producer's last sequence.
//   3. tombstones (null values), KIP-534: the first clean that keeps a batch
//      holding tombstones sets its delete horizon (attribute bit 6, base
//      timestamp = now + delete.retention.ms; record timestamps are
//      re-encoded relative to it, so they read the same). A later clean drops
//      the tombstones whose batch's horizon has passed. A log holding a
//      horizon that passed is cleaned even when its dirty ratio is low.
//   4. the new cleaner checkpoint is the end of the mapped range
//      (`cleaner-offset-checkpoint`, written by log_manager).
//   5. transactions (Kafka's CleanedTransactionMetadata): the batches of
//      aborted transactions (from the segments' .txnindex) lose all their
//      records; an ABORT marker stays while this clean still saw data of its
//      transaction (and its .txnindex entry is carried into the cleaned
//      segment), a COMMIT marker while the clean saw batches of its
//      transaction; once neither holds, a marker is treated like a
//      tombstone: the first clean sets its delete horizon, a later one past
//      the horizon drops it. A producer's last marker stays (emptied) when it
//      carries the producer's latest epoch, for fencing after a reload. The
//      cleanable range never reaches the last stable offset, so no open
//      transaction is cleaned.
//
// Crash safety (Kafka's order), per group, on the owner thread:
//   a. old segments wholly after the cleaned data (all their records went)
//      are deleted;
//   b. `.cleaned` -> `.swap` (indexes first, the .log last): the .log.swap
//      is the commit point; directory fsync;
//   c. the old segments in [swap base, swap next offset) are deleted;
//   d. `.swap` -> final names; directory fsync.
// At open (complete_interrupted_swaps), `.cleaned` files are deleted (the
// job never committed: the old segments are whole) and every `.log.swap`
// is finished: the segments its offset range covers are deleted and it is
// renamed. So a crash leaves either the old segments or the new ones.

#include <atomic>
#include <cfloat>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/file.h"
#include "samsa/storage/io_throttler.h"
#include "samsa/storage/transaction_index.h"

namespace samsa::storage {

// The broker-wide cleaner settings (Kafka's log.cleaner.* keys).
struct cleaner_config {
    int32_t threads = 1;                           // log.cleaner.threads
    int64_t dedupe_buffer_size = 128 << 20;        // log.cleaner.dedupe.buffer.size (all threads)
    int32_t io_buffer_size = 512 << 10;            // log.cleaner.io.buffer.size
    double io_buffer_load_factor = 0.9;            // log.cleaner.io.buffer.load.factor (the map's)
    double io_max_bytes_per_second = DBL_MAX;      // log.cleaner.io.max.bytes.per.second (DBL_MAX: none)

    // Offset map entries one clean may hold: a 16-byte hash + an 8-byte offset each.
    size_t map_entries() const {
        const int64_t per_thread = dedupe_buffer_size / std::max(threads, 1);
        return static_cast<size_t>(static_cast<double>(per_thread / 24) * io_buffer_load_factor);
    }
};

// One closed segment handed to a clean.
struct clean_input_segment {
    offset base;
    offset next;    // one past its last offset
    uint64_t size;  // bytes of its .log
    file log;       // opened by the owner thread
};

struct clean_request {
    std::filesystem::path dir;
    // Closed segments from the log's first one, in order, ending before the
    // first uncleanable offset (the active segment, min.compaction.lag.ms).
    std::vector<clean_input_segment> segments;
    offset first_dirty;  // the cleaner checkpoint: keys are mapped from here
    timestamp_ms now;
    std::chrono::milliseconds delete_retention;
    int64_t max_segment_bytes;
    int32_t max_index_bytes;
    int32_t index_interval_bytes;
    size_t map_entries;
    size_t io_buffer_size;
    // The aborted transactions whose data or marker lies in the segments, by
    // first offset (from the .txnindex files, read by the owner thread).
    std::vector<aborted_txn> aborted;
    // The broker's cleaner I/O limit, told every batch read and written
    // (set by the cleaner thread that runs the clean; null: no limit).
    io_throttler* throttle = nullptr;
};

// Consecutive old segments replaced by one cleaned segment.
struct cleaned_group {
    std::vector<offset> old_bases;
    offset base;                 // = old_bases.front(), the cleaned segment's name
    std::optional<offset> next;  // one past the cleaned segment's last offset; nullopt: nothing was kept
};

struct clean_stats {
    uint64_t bytes_read = 0;
    uint64_t bytes_written = 0;
    uint64_t records_read = 0;
    uint64_t records_kept = 0;
    uint64_t keys_mapped = 0;
};

struct clean_result {
    std::vector<cleaned_group> groups;
    offset cleaned_up_to;  // the new cleaner checkpoint
    // The earliest delete horizon among retained tombstone batches.
    std::optional<timestamp_ms> earliest_delete_horizon;
    clean_stats stats;
};

// The heavy part of a clean (steps 1-3 above), safe on any thread: reads the
// request's files, writes and fsyncs the `.cleaned` files. On failure or
// cancel the `.cleaned` files it wrote are removed.
result<clean_result> clean_segments(clean_request& request, const std::atomic<bool>& cancel);

// `<dir>/<20-digit base><ext>.cleaned` and `.swap`.
std::filesystem::path cleaned_file(const std::filesystem::path& dir, offset base, std::string_view ext);
std::filesystem::path swap_file(const std::filesystem::path& dir, offset base, std::string_view ext);

// At open: deletes `.cleaned` files and finishes every `.log.swap` (see above).
// Returns how many swaps were finished.
result<int> complete_interrupted_swaps(const std::filesystem::path& dir);

// A clean between its submission and its swap; shared by the owner and a cleaner thread.
struct clean_job {
    clean_request request;
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    bool started = false;                         // a cleaner thread took it (under mutex)
    std::optional<result<clean_result>> outcome;  // written before done is set
    std::mutex mutex;
    std::condition_variable finished;

    // Owner thread: stops the job. A job still queued is only marked (its
    // thread will skip it without touching the directory), so this does not
    // wait behind other logs' cleans; a running one is waited for (it checks
    // `cancel` between batches), so that no .cleaned file appears after.
    void cancel_and_wait() {
        std::unique_lock lock(mutex);
        cancel.store(true, std::memory_order_relaxed);
        if (!started) return;
        finished.wait(lock, [this] { return done.load(std::memory_order_acquire); });
    }
};

// The pool of cleaner threads (log.cleaner.threads), FIFO.
class log_cleaner {
public:
    explicit log_cleaner(cleaner_config config);
    ~log_cleaner();
    log_cleaner(const log_cleaner&) = delete;
    log_cleaner& operator=(const log_cleaner&) = delete;

    void submit(std::shared_ptr<clean_job> job);
    // Cancels queued and running jobs (each is marked done) and joins the threads.
    void stop();
    const cleaner_config& config() const { return config_; }

private:
    void run();

    cleaner_config config_;
    io_throttler throttler_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<clean_job>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace samsa::storage
