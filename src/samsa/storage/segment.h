#pragma once
// segment: one `.log` file with its `.index` and `.timeindex`.
//
// Thread model: owned by a partition_log; used only on its owner thread.
//
// Descriptors: the `.log` is opened through fd_cache::shared() on each use
// and may be closed between uses when the broker's cap on open files is
// reached; every use takes a reference for its length (fd_cache.h). An open
// that fails (EMFILE...) is an io_error for that call only.
//
// `.txnindex` (transaction_index.h): the aborted transactions whose ABORT
// marker is in this segment; the file exists only once one was written.
//
// `.log` format: record batches v2 back to back, exactly as the producer sent
// them except for the fields the CRC does not cover (base offset, partition
// leader epoch), which the broker stamps. No file header, no padding, so the
// file is byte-for-byte what Kafka writes and what a fetch returns.
//
//   position 0                 71                         142
//   +--------------------------+--------------------------+----
//   | batch base 0, 1 record   | batch base 1, 1 record   | ...
//   | (61-byte header + record)| (61-byte header + record)|
//   +--------------------------+--------------------------+----
//
// Worked example: segment 00000000000000000100.log receiving two batches of
// 3 and 2 records holds, at position 0, a batch with base_offset 100 and
// last_offset_delta 2, then a batch with base_offset 103, last_offset_delta 1;
// next_offset() is 105.
//
// Index maintenance (Kafka's rule): when more than index_interval_bytes of log
// were written since the last offset index entry, the next batch appended gets
// an entry (its last offset, its position); the time index gets an entry
// (max timestamp so far, last offset of the batch carrying it) at the same
// moments when the max timestamp grew. When the segment stops being active
// (roll, close) a final time index entry records its max timestamp, so the
// last time index entry of a closed segment is its largest timestamp.
//
// Preallocation: the active segment's `.log` has disk blocks reserved ahead
// of its end (fallocate FALLOC_FL_KEEP_SIZE, as Redpanda's segment_appender
// does), a quarter of what it already holds, up to 32 MiB, never past
// segment.bytes, nothing below 4 MiB. On ext4 a buffered write into a hole
// reserves delayed-allocation space and extent-status entries page by page,
// which was a third of the broker's I/O thread under 1 KiB produce
// (docs/produce-path.md); into reserved blocks the write is mostly the copy.
// The file's size never includes the reserve, so readers, recovery and
// fetch see nothing of it; seal() and truncate_to() give it back. After a
// crash, the last segment may keep up to one step reserved past its end
// until it is written and sealed again.

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/storage/fd_cache.h"
#include "samsa/storage/file.h"
#include "samsa/storage/offset_index.h"
#include "samsa/storage/time_index.h"
#include "samsa/storage/transaction_index.h"

namespace samsa::storage {

// `00000000000000000100` for offset 100.
std::string segment_file_stem(offset base);
// Parses a segment file name (`<20 digits>.<ext>`); nullopt when it is not one.
std::optional<offset> parse_segment_file_name(std::string_view file_name, std::string_view ext);

// One batch as the segment needs to know it to maintain its indexes.
struct batch_info {
    offset base_offset;
    offset last_offset;
    timestamp_ms max_timestamp;
    uint32_t size;  // bytes, header included
};

// Where a batch starts.
struct batch_position {
    uint32_t position;
    offset base_offset;
    offset last_offset;
    uint32_t size;
};

// What scan_from found.
struct segment_scan {
    uint64_t valid_end = 0;      // position after the last whole (and, if checked, valid) batch
    uint64_t bytes_scanned = 0;  // bytes of the batches walked
    std::string stop_reason;     // why the walk stopped before the end of the file; empty if it did not
};

class segment {
public:
    // Creates empty files for a new segment at `base` (truncating leftovers).
    static result<std::unique_ptr<segment>> create(const std::filesystem::path& dir, offset base,
                                                   int32_t index_interval_bytes);
    // Opens the files of an existing segment, reading only the .log's size.
    // Missing index files are created empty and reported by indexes_missing().
    static result<std::unique_ptr<segment>> open(const std::filesystem::path& dir, offset base,
                                                 int32_t index_interval_bytes);

    ~segment();
    segment(const segment&) = delete;
    segment& operator=(const segment&) = delete;

    offset base_offset() const { return base_offset_; }
    // One past the last offset written (the base offset when empty). Known
    // for the active segment and for segments that were scanned; for other
    // closed segments it is computed on first need (a scan from the last
    // offset index entry).
    result<offset> next_offset();
    uint64_t size_bytes() const { return size_; }
    bool empty() const { return size_ == 0; }
    const std::filesystem::path& log_path() const { return log_.path(); }
    bool indexes_missing() const { return indexes_missing_; }

    // The largest batch max timestamp and the last offset of its batch
    // ({-1, -1} when empty). Loaded lazily for closed segments.
    result<timestamp_and_last> max_timestamp();
    // When segment_ms started counting: the first append since this process
    // created the segment or, for a segment found on disk, its first batch's
    // max timestamp (Kafka's rule). nullopt while empty.
    result<std::optional<timestamp_ms>> roll_base_time();

    // Appends whole, stamped batches at the end of the file with one pwrite
    // and updates the in-memory indexes. `infos` describes the batches in order.
    status append(bytes_view batches, std::span<const batch_info> infos, timestamp_ms now);
    // Reserves blocks so that the file can grow to `end` bytes without
    // delayed allocation (see Preallocation above); `limit` is segment.bytes.
    // Best effort: a filesystem that refuses only costs the speed-up (the
    // segment stops asking), a write that then cannot find space fails as
    // it would have.
    void preallocate(uint64_t end, uint64_t limit);

    // The first batch whose last offset is >= target, found through the
    // offset index then a scan of headers; nullopt when there is none.
    result<std::optional<batch_position>> find(offset target);
    // Where the first batch whose last offset is >= target starts; like find
    // but answered without I/O when target is where the previous read ended
    // or where an append started (a consumer following the log). nullopt
    // when there is no such batch.
    result<std::optional<uint64_t>> find_position(offset target);
    // Remembers that the batch starting at `position` is the first one
    // holding offsets >= `next` (called by reads with where they ended).
    void remember_position(offset next, uint64_t position);

    // The first batch whose max timestamp is >= ts and whose last offset is
    // >= min_offset (the log start), through the time index; nullopt when
    // there is none.
    result<std::optional<std::pair<batch_position, timestamp_ms>>> find_by_timestamp(timestamp_ms ts,
                                                                                    offset min_offset);

    // The `.log` for a use that outlasts this call (a response that sends a
    // range of it with sendfile), or nullptr when the fd cache is full
    // (holding it would keep the broker over samsa.log.max.open.files) or the
    // file cannot be opened: the caller reads the bytes instead.
    std::shared_ptr<file> hold_log() const;
    // The base offset of the batch starting at `position` (a batch boundary),
    // from its first 8 bytes.
    result<offset> base_offset_at(uint64_t position) const;

    // Appends bytes [position, position + size), clamped to the segment's
    // size, to `out` with one pread.
    status read(uint64_t position, size_t size, bytes& out) const;

    // Loads both indexes if not yet in memory; a missing or corrupt index is
    // rebuilt from the log (returns true then).
    result<bool> ensure_indexes();
    // Rebuilds both indexes from the whole log, trusting its batches (they
    // are below the recovery point). Stops at an unreadable batch.
    result<segment_scan> rebuild_indexes();
    // Walks the batches from `start` (a batch boundary) to the end of the
    // file, adding index entries by the usual rule, and sets size, next
    // offset and max timestamp from what it found. The indexes must be loaded
    // and hold nothing past `start` (the caller truncated them). With
    // check_crc every batch goes through validate_batch; batches must also
    // follow `expected_next` (the previous batch's next offset). Does not
    // truncate: the caller decides what to do with a stop.
    result<segment_scan> scan_from(uint64_t start, bool check_crc, std::optional<offset> expected_next);
    // Cuts the log at `position` (a batch boundary found by a scan).
    status truncate_to(uint64_t position);

    // Writes the in-memory index entries not yet on disk (no fsync), after a
    // time index entry for the max timestamp so far.
    status write_pending_indexes();
    // write_pending_indexes, then fdatasync of the log (and of the indexes
    // when sync_indexes).
    status flush(bool sync_indexes);
    // Duplicates of the file descriptors to fsync elsewhere (background_flusher):
    // the log's, and the indexes' when with_indexes. The caller closes them.
    result<std::vector<int>> duplicate_fds(bool with_indexes);
    // Closes the index files (the segment stopped being active); they reopen when needed.
    void release_index_files() {
        index_.release_file();
        time_index_.release_file();
        txn_index_.release_file();
    }
    // This segment stops being active: final time index entry, then a flush
    // of all three files.
    status seal();
    // seal() without the fsyncs (they are left to background_flusher).
    status seal_without_sync();
    // Closes and removes the three files. The object must not be used afterwards.
    status remove_files();

    offset_index& index() { return index_; }
    time_index& timestamps() { return time_index_; }
    transaction_index& txn_index() { return txn_index_; }
    // The `.log`'s size on disk (not size_bytes(): recovery compares the two).
    result<uint64_t> file_size() const;

private:
    segment(offset base, std::filesystem::path log_path, offset_index index, time_index time_index,
            int32_t index_interval_bytes);
    // The `.log`, opened now if the cache had closed it.
    result<std::shared_ptr<file>> log_file() const { return log_.acquire(); }

    offset base_offset_;
    cached_file log_;
    offset_index index_;
    time_index time_index_;
    transaction_index txn_index_;
    int32_t index_interval_bytes_;
    bool indexes_missing_ = false;
    uint64_t size_ = 0;
    uint64_t preallocated_to_ = 0;     // blocks reserved up to here (0: none known)
    bool preallocation_refused_ = false;
    uint64_t last_index_position_ = 0;  // position of the last offset index entry (0 when none)
    std::optional<offset> next_offset_;
    std::optional<timestamp_and_last> max_timestamp_;
    std::optional<std::optional<timestamp_ms>> roll_base_time_;
    // Two remembered (offset, position) pairs: [0] the end of the last read,
    // [1] the start of the last append. Cleared on truncation.
    std::array<std::pair<offset, uint64_t>, 2> position_hints_{
        {{offset(-1), 0}, {offset(-1), 0}}};
};

}  // namespace samsa::storage
