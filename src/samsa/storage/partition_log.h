#pragma once
// partition_log: the log of one topic partition, Kafka's on-disk shape.
//
// Thread model: single-threaded. The broker's I/O thread that owns the
// partition calls every method; there are no locks inside. The only state
// read from other threads is published through atomics:
// published_recovery_point() and published_log_start_offset(), which
// log_manager's checkpointer writes to the checkpoint files.
//
// Directory `<log.dir>/<topic>-<partition>/` (e.g. `orders-0/`):
//
//   00000000000000000000.log         batches, as received, offsets stamped
//   00000000000000000000.index       sparse offset index     (offset_index.h)
//   00000000000000000000.timeindex   sparse time index       (time_index.h)
//   00000000000000004096.log         next segment: its base offset is 4096
//   00000000000000004096.index
//   00000000000000004096.timeindex
//   partition.metadata               topic id                (partition_metadata.h)
//
// Segment names are the base offset (the first offset the segment may hold)
// as 20 zero-padded decimal digits. The segment with the highest base offset
// is the active one: appends go there; the others are read-only. A segment
// rolls (a new one starts at the log end offset) before a batch that would
// take it past segment_bytes, when its first append is segment_ms old, when
// its offset index is full (segment_index_bytes), or when the batch's offsets
// no longer fit a 4-byte delta from the segment's base offset.
//
// Offsets: log_start_offset <= every readable offset < log_end_offset. The
// log start offset moves with delete_records_before (DeleteRecords) and
// retention (apply_retention); it is persisted by log_manager in
// `log-start-offset-checkpoint`. The recovery point is the offset below which
// everything is fsynced and was checked; after an unclean shutdown only the
// bytes from there on are validated (recovery.h).
//
// Durability: append() writes the stamped bytes with one pwrite per segment
// it touches, straight from the caller's buffer (the produce request's own
// frame: no copy in user space), into blocks reserved ahead
// (segment.h, Preallocation), so they are in the page cache when it returns: a killed process
// loses nothing it acknowledged. fsync happens per flush_interval_messages
// and at flush()/close() on the owner thread; per flush_interval_ms,
// recovery_point_interval and at roll on the background flusher when one is
// set (background_flusher.h), else on the owner thread too.
// Index entries are kept in memory and written at flush, roll and close; on
// an unclean start the indexes past the recovery point are rebuilt anyway.

#include <atomic>
#include <chrono>
#include <string>
#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"
#include "samsa/storage/background_flusher.h"
#include "samsa/storage/log_cleaner.h"
#include "samsa/storage/log_config.h"
#include "samsa/storage/segment.h"

namespace samsa::storage {

// What the log may assume at open, from log_manager's shutdown marker and
// checkpoint files.
struct recovery_hint {
    // The log dir had `.kafka_cleanshutdown`: everything on disk was flushed
    // and closed properly; nothing is re-scanned.
    bool clean_shutdown = false;
    // From recovery-point-offset-checkpoint: below this, data was fsynced and
    // validated. nullopt (no entry) means validate everything.
    std::optional<offset> recovery_point;
    // From log-start-offset-checkpoint; nullopt means the first segment's base.
    std::optional<offset> log_start_offset;
    // From cleaner-offset-checkpoint: where the next clean's dirty section starts.
    std::optional<offset> cleaner_offset;
    // A scan's fixes (rebuilt indexes, a cut tail) are written but not
    // fsynced: the caller syncs the whole file system once after opening
    // every log, before anything trusts the recovery point (log_manager::open
    // after an unclean shutdown; one sync instead of 3-4 per partition).
    bool defer_sync = false;
};

// What opening did, for the start-up summary.
struct recovery_summary {
    bool scanned = false;           // false after a clean shutdown
    uint64_t bytes_scanned = 0;     // bytes validated (CRC) past the recovery point
    uint64_t bytes_truncated = 0;   // bytes cut from the tail (bad or partial batches)
    uint32_t segments_removed = 0;  // whole segments after the truncation point
    uint32_t indexes_rebuilt = 0;   // offset/time indexes missing, corrupt or past the recovery point
    std::string truncation_reason;  // why the tail was cut, empty if it was not
    std::chrono::microseconds took{0};
};

struct append_result {
    offset base_offset;           // offset of the first record appended
    offset last_offset;           // offset of the last record appended
    timestamp_ms log_append_time{-1};  // `now` under LogAppendTime, else -1 (ProduceResponse)
    offset log_start_offset;
};

struct read_result {
    // Whole batches, exactly as stored. The first one contains the requested
    // offset (it may start before it). Empty when reading at the log end.
    bytes records;
    // The offset after the last batch returned (where the next read starts).
    offset next_offset;
};

// A fetch's records as a range of a segment file, for sending with
// sendfile(2) instead of reading them (partition_log::read_file_range).
struct file_read_result {
    // The segment's `.log`, held open: the range stays readable after
    // retention or compaction removes the segment (an unlinked file lives
    // while a descriptor is open).
    std::shared_ptr<file> log;
    uint64_t position = 0;  // where the first batch starts
    size_t size = 0;        // whole batches only
    offset next_offset;     // the offset after the last batch in the range
};

// A record position found by timestamp (ListOffsets).
struct timestamp_and_offset {
    timestamp_ms timestamp;
    offset off;
};

class partition_log {
public:
    // Opens (or creates, when missing) the log in `dir`, whose name must be
    // `<topic>-<partition>`. Runs recovery as `hint` requires; see summary().
    static result<std::unique_ptr<partition_log>> open(const std::filesystem::path& dir, const log_config& config,
                                                       const recovery_hint& hint = {});

    ~partition_log();
    partition_log(const partition_log&) = delete;
    partition_log& operator=(const partition_log&) = delete;

    // Appends a produce request's record set: one or more whole v2 batches
    // that validate_batch accepted. Stamps base offsets (and the partition
    // leader epoch; under LogAppendTime also the timestamp and CRC; under
    // CreateTime a batch marked LogAppendTime loses the mark, CRC redone, as
    // Kafka's LogValidator rewrites it) in place,
    // rolls segments as needed, updates the indexes, flushes per the config.
    // `now` is the broker's clock (segment_ms, flush_interval_ms,
    // LogAppendTime). Fails with invalid_argument on an empty or malformed
    // record set, io_error when the OS refuses (the log is then unchanged
    // from the reader's point of view: the log end offset does not move).
    result<append_result> append(std::span<uint8_t> batches, timestamp_ms now);
    // The same for a record set already read into `validated` (the Produce
    // handler's one pass, see record::validated_batch): the headers are
    // taken from the list, not read again, and each one is updated to what
    // was stamped (base offset; under LogAppendTime attributes and max
    // timestamp). The list must cover `batches` whole, in order
    // (invalid_argument otherwise, nothing written).
    result<append_result> append(std::span<uint8_t> batches, std::span<record::validated_batch> validated,
                                 timestamp_ms now);

    // Kafka fetch semantics: the whole batches from the one containing `from`,
    // at most max_bytes in total, except that with min_one the first batch is
    // returned whole even when larger. Reads may span segments. from ==
    // log_end_offset gives no bytes; outside [log_start_offset, log_end_offset]
    // is out_of_range. Batches starting at or after `end` are left out
    // (read_committed reads end at the last stable offset).
    result<read_result> read(offset from, size_t max_bytes, bool min_one,
                             offset end = offset(std::numeric_limits<int64_t>::max())) const;

    // read() as a file range, without reading the records: whole batches of
    // one segment, cut at a batch boundary the offset index knows (or the
    // segment's end) at or below max_bytes. nullopt where a range cannot say
    // it as well as read() (the caller then calls read()): fewer than
    // `min_size` bytes, a first batch larger than max_bytes, an `end` below
    // the log end (read_committed under an open transaction), no position
    // for `from`, or the fd cache full. It may return fewer batches than
    // read() would (up to an index interval less, one segment at most).
    result<std::optional<file_read_result>> read_file_range(offset from, size_t max_bytes, size_t min_size,
                                                            offset end) const;

    offset log_start_offset() const { return log_start_offset_; }
    offset log_end_offset() const { return log_end_offset_; }  // the next offset to assign
    offset high_watermark() const { return log_end_offset_; }  // single node: = LEO
    offset recovery_point() const { return offset(flush_state_->recovery_point.load(std::memory_order_acquire)); }

    // ListOffsets by time: the first record (at or after the log start) whose
    // timestamp is >= ts, found through the time index, then inside its batch
    // (decompressed if need be). nullopt when there is none (Kafka then
    // answers offset -1).
    result<std::optional<timestamp_and_offset>> offset_for_timestamp(timestamp_ms ts) const;
    // ListOffsets -3 (MAX_TIMESTAMP): the largest timestamp in the log and
    // the offset of the first record carrying it; nullopt when empty.
    result<std::optional<timestamp_and_offset>> max_timestamp() const;

    // --- transactions ---
    // The first offset of the oldest open transaction, as the broker's
    // producer state knows it (nullopt: none is open). A log does not know
    // it until told after open (stable_offset_known()); the cleaner does not
    // clean a log before that.
    void set_first_unstable_offset(std::optional<offset> first) {
        first_unstable_ = first;
        stable_known_ = true;
    }
    bool stable_offset_known() const { return stable_known_; }
    // Kafka's last stable offset: the first unstable offset (never below the
    // log start offset), else the high watermark. read_committed consumers
    // read below it.
    offset last_stable_offset() const {
        if (!first_unstable_) return high_watermark();
        return std::clamp(*first_unstable_, log_start_offset_, high_watermark());
    }
    // Records an aborted transaction in the `.txnindex` of the segment that
    // holds its marker (txn.last_offset). With `if_missing`, an entry already
    // there is not an error (log replay after a crash re-adds what the crash
    // may have lost).
    status append_aborted_txn(const aborted_txn& txn, bool if_missing = false);
    // Kafka's collectAbortedTransactions: the aborted transactions that
    // overlap [from, upper_bound), from the segment holding `from` on.
    result<std::vector<aborted_txn>> collect_aborted_txns(offset from, offset upper_bound) const;

    // DeleteRecords: moves the log start offset to `before` and deletes the
    // segments wholly below it. `before` > high watermark is out_of_range;
    // below the current start it is a no-op. Returns the new log start offset.
    result<offset> delete_records_before(offset before);

    // Retention (cleanup.policy contains delete; Kafka's deleteOldSegments):
    // deletes the oldest segments while their largest timestamp is more than
    // retention.ms before `now`, then while the log is larger than
    // retention.bytes by at least the segment's size. When every segment
    // qualifies the active one is rolled first (as Kafka does) so that it can
    // go too; an empty active segment always stays. The log start offset
    // moves to the first remaining segment. Returns how many segments went.
    result<size_t> apply_retention(timestamp_ms now);

    // Compaction (cleanup.policy contains compact; log_cleaner.h). Submits a
    // clean to the cleaner when the dirty ratio reaches
    // min.cleanable.dirty.ratio, the first dirty segment is older than
    // max.compaction.lag.ms, or a tombstone's delete horizon has passed; at
    // most one clean per log at a time. Segments younger than
    // min.compaction.lag.ms and the active segment are never cleaned.
    status maybe_start_clean(timestamp_ms now);
    // Swaps in the cleaned segments once the cleaner thread is done (cheap:
    // renames and unlinks). The owner thread calls it regularly.
    status finish_clean();
    bool cleaning() const { return clean_job_ != nullptr; }
    // The cleaner checkpoint: offsets below were cleaned (-1: never).
    offset cleaner_offset() const { return cleaner_offset_; }
    // What the cleans swapped in since the log was opened (broker metrics).
    struct clean_totals {
        uint64_t cleans = 0;
        uint64_t bytes_read = 0;
        uint64_t bytes_written = 0;
        uint64_t records_read = 0;
        uint64_t records_kept = 0;
    };
    const clean_totals& cleaned() const { return cleaned_; }
    void set_cleaner(log_cleaner* cleaner) { cleaner_ = cleaner; }

    // fsyncs the data and indexes, advances the recovery point to the LEO.
    status flush();
    // Flushes when flush_interval_ms or recovery_point_interval has passed
    // since the last flush and there is something to flush. The owner thread
    // should call it about once a second for logs that may sit idle.
    status maybe_flush(timestamp_ms now);
    // Flushes, writes the final index entries, closes the files. Idempotent;
    // the destructor calls it (and only logs failures).
    status close();
    // close() without its fsyncs, for a caller closing many logs at once
    // (log_manager::close): it syncs each log dir's file system once
    // (sync_file_system), then calls mark_written_durable(). Three or four
    // fsyncs per partition made a clean stop of 10,000 partitions take 47 s.
    status close_without_sync();
    // Everything written so far is durable (the caller synced the file
    // system): the recovery point moves to the log end offset.
    void mark_written_durable();

    // Changes settings at run time (AlterConfigs); they apply from the next append.
    void set_config(const log_config& config) { config_ = config; }
    const log_config& config() const { return config_; }
    // The leader epoch stamped into appended batches (0 on a single node).
    void set_leader_epoch(leader_epoch epoch) { leader_epoch_ = epoch; }

    // Bytes of all segment .log files.
    uint64_t size_bytes() const;
    const std::filesystem::path& dir() const { return dir_; }
    const recovery_summary& summary() const { return summary_; }

    // A .txnindex found damaged at load is removed rather than trusted (or
    // read as empty, which would let read_committed consumers see aborted
    // records): its entries are rebuilt by replaying the log's transaction
    // markers from before this offset (the damaged segment's base), which the
    // producer state's load does (broker/producer/producer_state_manager.cc),
    // before anything reads aborted transactions. nullopt: nothing to rebuild.
    std::optional<offset> txn_index_rebuild_from() const { return txn_index_rebuild_from_; }
    void txn_index_rebuilt() { txn_index_rebuild_from_.reset(); }

    // The segments, oldest first; the last is the active one. Retention and
    // the cleaner (log_manager, log_cleaner) work on closed segments and replace ranges
    // of this list; the list is only changed on the owner thread.
    const std::vector<std::unique_ptr<segment>>& segments() const { return segments_; }

    // Time-based flushes and rolled segments are then fsynced by this thread
    // instead of the owner's (log_manager sets it). nullptr: all synchronous.
    void set_flusher(background_flusher* flusher) { flusher_ = flusher; }

    // Readable from any thread (log_manager's checkpointer).
    offset published_recovery_point() const { return recovery_point(); }
    offset published_log_start_offset() const { return offset(published_log_start_.load(std::memory_order_acquire)); }
    offset published_cleaner_offset() const { return offset(published_cleaner_offset_.load(std::memory_order_acquire)); }

private:
    partition_log(std::filesystem::path dir, const log_config& config);

    status load(const recovery_hint& hint);
    status drop_damaged_txn_indexes();
    status roll();
    // Flushes through the background flusher when there is one.
    status flush_in_background();
    bool should_roll(segment& active, size_t batch_size, offset last_offset, timestamp_ms now);
    status delete_segment_front();
    // Deletes the `count` oldest segments (rolling first when that is all of
    // them) and moves the log start offset past them.
    status delete_oldest_segments(size_t count);
    // One cleaned group into the segment list (log_cleaner.h, steps a-d).
    status swap_in(const cleaned_group& group);
    std::optional<size_t> closed_segment_position(offset base) const;
    size_t segment_index_for(offset o) const;
    void publish();

    std::filesystem::path dir_;
    log_config config_;
    std::vector<std::unique_ptr<segment>> segments_;
    offset log_start_offset_{0};
    offset log_end_offset_{0};
    leader_epoch leader_epoch_{0};
    int64_t unflushed_messages_ = 0;
    bool dirty_ = false;                   // appended since the last fsync
    std::optional<timestamp_ms> last_flush_;
    timestamp_ms last_now_{0};             // the latest `now` seen
    recovery_summary summary_;
    std::optional<offset> txn_index_rebuild_from_;
    bool closed_ = false;
    // Shared with the background flusher: a queued job may outlive the log.
    std::shared_ptr<flush_state> flush_state_ = std::make_shared<flush_state>();
    background_flusher* flusher_ = nullptr;
    std::vector<record::validated_batch> headers_scratch_;  // reused by append
    std::vector<batch_info> infos_scratch_;
    std::atomic<int64_t> published_log_start_{0};
    log_cleaner* cleaner_ = nullptr;
    std::shared_ptr<clean_job> clean_job_;
    offset cleaner_offset_{-1};
    clean_totals cleaned_;
    std::optional<timestamp_ms> delete_horizon_;  // the earliest of the retained tombstones
    std::optional<offset> first_unstable_;        // set by the broker's producer state
    bool stable_known_ = false;
    std::atomic<int64_t> published_cleaner_offset_{-1};
};

}  // namespace samsa::storage
