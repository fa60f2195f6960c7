#pragma once
// transaction_index: the `.txnindex` of a segment, Kafka's index of aborted
// transactions. A read_committed fetch answers with the aborted transactions
// that overlap the batches it returns; the consumer drops those batches.
//
// Thread model: owned by a segment; its owner thread only.
//
// Format: 34-byte entries, big-endian, no header, in increasing last_offset
// order, written when the ABORT marker lands in this segment:
//
//   0      2              10             18             26             34
//   +------+--------------+--------------+--------------+--------------+
//   | ver  | producer_id  | first_offset | last_offset  | last_stable  |
//   | i16=0| i64          | i64          | i64          | i64          |
//   +------+--------------+--------------+--------------+--------------+
//
//   first_offset  the first offset of the aborted transaction's data in the
//                 partition (it may lie in an earlier segment)
//   last_offset   the offset of its ABORT marker, in this segment
//   last_stable   the partition's last stable offset once the marker was
//                 written: no transaction that a fetch below it could
//                 overlap is missing from the indexes up to this entry
//
// Worked example: producer 7 aborts a transaction whose data starts at
// offset 100 with a marker at 250, while no other transaction is open:
//   00 00 | 00..00 07 | 00..00 64 | 00..00 fa | 00..00 fb      (34 bytes)
//
// Unlike the offset and time indexes, an entry is written to the file (not
// fsynced) as soon as it is appended, like the marker itself, so a killed
// broker keeps it. The file exists only once an entry was written (as in
// Kafka); closed segments read it on first use and keep the entries in
// memory (they are few: one per aborted transaction). Like the other indexes
// (index_file.h) it holds no descriptor between flushes, so the broker's
// open-file cap (fd_cache.h) holds with many partitions.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/storage/index_file.h"

namespace samsa::storage {

struct aborted_txn {
    producer_id producer{-1};
    offset first_offset{-1};
    offset last_offset{-1};
    offset last_stable_offset{-1};
    bool operator==(const aborted_txn&) const = default;
};

// What collect() found in one segment: the entries overlapping the range,
// and whether the search is complete (an entry's last_stable reached the
// range's end, so later segments cannot add any).
struct aborted_txn_search {
    std::vector<aborted_txn> found;
    bool complete = false;
};

class transaction_index {
public:
    static constexpr size_t entry_size = 34;

    explicit transaction_index(std::filesystem::path path) : path_(path), file_(std::move(path)) {}

    // Appends an entry (written through to the file). Its last_offset must
    // be greater than the previous entry's: invalid_argument otherwise.
    status append(const aborted_txn& txn);
    // Kafka's collectAbortedTxns: the entries with last_offset >= from and
    // first_offset < upper_bound.
    result<aborted_txn_search> collect(offset from, offset upper_bound);
    result<std::vector<aborted_txn>> all();
    // Drops the entries whose last_offset is >= o (the log was truncated).
    status truncate_to(offset o);
    status remove_file();
    // fdatasync of what was written since the last sync (segment flushes),
    // then the descriptor is closed.
    status sync();
    // The descriptor for a background fsync (background_flusher), reopened
    // if need be, when entries were written since the last sync; -1 when
    // there is nothing to sync.
    result<int> unsynced_fd();
    // Closes the descriptor; reopened when next needed.
    void release_file() { file_.release(); }
    const std::filesystem::path& path() const { return path_; }

    // Reads and checks the file: whole entries, version 0, last offsets
    // increasing. errc::corrupt otherwise.
    status load();

    // The file format: `name` is for error messages. serialize(parse(x)) == x
    // for every x that parses.
    static result<std::vector<aborted_txn>> parse(bytes_view data, const std::string& name);
    static bytes serialize(const std::vector<aborted_txn>& entries);

private:
    status ensure_loaded();
    status rewrite();

    std::filesystem::path path_;
    index_file file_;  // created by the first append
    std::vector<aborted_txn> entries_;
    bool loaded_ = false;
};

}  // namespace samsa::storage
