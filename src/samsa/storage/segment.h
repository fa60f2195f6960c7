#pragma once
// segment: one `.log` file with its `.index` and `.timeindex`.
//
// Thread model: owned by a partition_log; used only on its owner thread.
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

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/storage/file.h"
#include "samsa/storage/offset_index.h"
#include "samsa/storage/time_index.h"

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

class segment {
public:
    // Creates empty files for a new segment at `base`. `now` starts segment_ms.
    static result<std::unique_ptr<segment>> create(const std::filesystem::path& dir, offset base,
                                                   int32_t index_interval_bytes, timestamp_ms now);
    // Opens the files of an existing segment without reading its contents;
    // a missing index file is created empty and marked for rebuild.
    static result<std::unique_ptr<segment>> open(const std::filesystem::path& dir, offset base,
                                                 int32_t index_interval_bytes);

    ~segment();
    segment(const segment&) = delete;
    segment& operator=(const segment&) = delete;

    offset base_offset() const { return base_offset_; }
    // One past the last offset written; meaningful for the active segment and
    // after recover()/load_tail(); for closed segments opened after a clean
    // shutdown it is computed on first need (scanning from the last index entry).
    result<offset> next_offset();
    uint64_t size_bytes() const { return size_; }
    bool empty() const { return size_ == 0; }
    const std::filesystem::path& log_path() const { return log_.path(); }

    // The largest batch max timestamp and the last offset of its batch
    // (-1 / base when empty). Loaded lazily for closed segments.
    result<timestamp_and_last> max_timestamp();
    // When segment_ms started counting: the first append since this process
    // created the segment, or, for an existing segment, its first batch's max
    // timestamp (Kafka's rule). nullopt for an empty segment.
    std::optional<timestamp_ms> roll_base_time() const { return roll_base_time_; }

    // Appends whole, stamped batches at the end of the file in one pwrite and
    // updates the in-memory indexes. `infos` describes the batches in order.
    status append(bytes_view batches, std::span<const batch_info> infos, timestamp_ms now);

    // Finds the first batch whose last offset is >= target, using the offset
    // index then scanning headers. nullopt when no batch in this segment has
    // one (target past the segment's end).
    result<std::optional<batch_position>> find(offset target);
    // Finds the first batch whose max timestamp is >= ts, via the time index.
    result<std::optional<std::pair<batch_position, timestamp_ms>>> find_by_timestamp(timestamp_ms ts);

    // Reads bytes [position, position + size) clamped to the segment's size.
    status read(uint32_t position, size_t size, bytes& out) const;

    // Truncates the log to `position` bytes (recovery); indexes follow.
    status truncate_to(uint32_t position, offset next);
    // Writes the in-memory index entries not yet on disk, then fsyncs all three files.
    status flush();
    // This segment stops being active: final time index entry, flush, trim.
    status seal();
    // Removes the three files. The object must not be used afterwards.
    status remove_files();

    offset_index& index() { return index_; }
    time_index& time_idx() { return time_index_; }
    file& log_file() { return log_; }

    // Recovery support (recovery.cc): set what a scan established.
    void set_scanned_state(uint64_t size, offset next, timestamp_and_last max_ts, std::optional<timestamp_ms> roll_base);

private:
    segment(offset base, file log, offset_index index, time_index time_index, int32_t index_interval_bytes);

    offset base_offset_;
    file log_;
    offset_index index_;
    time_index time_index_;
    int32_t index_interval_bytes_;
    uint64_t size_ = 0;
    uint64_t bytes_since_index_entry_ = 0;
    std::optional<offset> next_offset_;
    std::optional<timestamp_and_last> max_timestamp_;
    std::optional<timestamp_ms> roll_base_time_;
};

}  // namespace samsa::storage
