#pragma once
// time_index: the sparse `.timeindex` of a segment, mapping timestamps to
// offsets, for ListOffsets by time and time-based retention.
//
// Thread model: owned by a segment; its owner thread only.
//
// Format: 12-byte entries, big-endian, no header:
//
//   0                               8               12
//   +-------------------------------+---------------+
//   | timestamp  int64 (ms)         | relative off  |
//   |                               | uint32        |
//   +-------------------------------+---------------+
//
// An entry (T, o) says: the largest timestamp among the batches up to and
// including the one ending at offset o is T, and the batch ending at o is the
// one carrying T. Timestamps strictly increase from entry to entry (an entry
// is only written when the max timestamp grew); offsets do not decrease. The
// last entry of a closed segment is the segment's max timestamp.
//
// Worked example: segment 00000000000000000100 whose batch 157..160 raised
// the max timestamp to 1700000000123 (0x18bcfe5687b) has the entry
// `00 00 01 8b cf e5 68 7b | 00 00 00 3c`.
//
// Like offset_index: entries in memory, appended to the file at flush, roll
// and close; the file holds only real entries; closed segments load lazily.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/index_file.h"

namespace samsa::storage {

// A max timestamp and the last offset of the batch that carries it.
struct timestamp_and_last {
    timestamp_ms timestamp{-1};
    offset last_offset{-1};
};

class time_index {
public:
    static constexpr size_t entry_size = 12;

    using entry = timestamp_and_last;

    static result<time_index> open(const std::filesystem::path& path, offset base, bool& existed);

    // Reads and checks the file: length a multiple of 12, timestamps strictly
    // increasing, offsets not decreasing. errc::corrupt otherwise.
    status load();
    bool loaded() const { return loaded_; }
    status reset();

    // Adds (timestamp, last offset) when timestamp is above the last entry's.
    void maybe_append(timestamp_ms timestamp, offset last_offset);
    // The last entry whose timestamp is < ts; nullopt when none (start the
    // scan at the segment's beginning). Requires loaded().
    std::optional<entry> last_before(timestamp_ms ts) const;
    std::optional<entry> last_entry() const;
    size_t entry_count() const { return entries_.size(); }

    // Drops the entries whose offset is >= o.
    status truncate_to_offset(offset o);

    status flush(bool sync);
    status remove_file() { return file_.remove(); }
    const std::filesystem::path& path() const { return file_.path(); }
    // The file's descriptor, opening it if need be (for background_flusher).
    result<int> open_fd() { return file_.open_fd(); }
    // Closes the file; it is reopened when next needed. Closed segments keep
    // no index descriptors open (only their .log).
    void release_file() { file_.release(); }

private:
    time_index(std::filesystem::path path, offset base) : file_(std::move(path)), base_(base) {}

    index_file file_;
    offset base_;
    std::vector<entry> entries_;
    size_t persisted_ = 0;
    bool loaded_ = false;
};

}  // namespace samsa::storage
