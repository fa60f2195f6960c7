#pragma once
// recovery: bringing a partition's segments to a consistent state at open.
//
// Thread model: runs inside partition_log::open, on the caller's thread.
//
// After a clean shutdown (log_manager's `.kafka_cleanshutdown` marker) the
// files are trusted: only the active segment's tail after its last offset
// index entry is walked (headers only, no CRC) to find the log end offset and
// the max timestamp. Cost: one index file read and a few KiB of log.
//
// After an unclean shutdown, starting at the segment holding the recovery
// point (from the last persisted index entry below it, or the segment start):
//   1. every batch is checked: length within the file, magic 2, CRC
//      (protocol::validate_batch), base offset not below the previous batch's
//      next offset;
//   2. the log is truncated at the first bad or partial batch, and every later
//      segment is deleted;
//   3. the offset and time index entries of everything scanned are rebuilt.
// Segments wholly below the recovery point are trusted like after a clean
// shutdown, except that a missing or corrupt index is rebuilt (also found
// lazily, at first lookup).

#include <optional>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/segment.h"

namespace samsa::storage {

struct segment_scan {
    uint64_t valid_bytes = 0;       // bytes of whole, valid batches from the start of the scan
    uint64_t bytes_scanned = 0;
    std::optional<offset> next_offset;  // after the last valid batch; nullopt when none
    std::string stop_reason;        // why the scan stopped before the end; empty when it did not
};

// Validates every batch of `seg` from `position` (a batch boundary) on and
// re-adds index entries for them (the indexes must already be truncated to
// below `position`). Stops at the first bad or partial batch; does not truncate.
// `expected_next`: the offset the first batch must not start below.
result<segment_scan> validate_and_index(segment& seg, uint32_t position, std::optional<offset> expected_next,
                                        bool check_crc);

// Rebuilds both indexes of `seg` from its whole log (trusting the batches).
status rebuild_indexes(segment& seg);

}  // namespace samsa::storage
