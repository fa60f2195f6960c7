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
//      (record::validate_batch), base offset not below the previous batch's
//      next offset;
//   2. the log is truncated at the first bad or partial batch, and every later
//      segment is deleted;
//   3. the offset and time index entries of everything scanned are rebuilt
//      (the walk starts at the batch of the last index or time index entry
//      below the recovery point, whichever comes first, so the max timestamp
//      so far is exact).
// Segments wholly below the recovery point are trusted like after a clean
// shutdown, except that a missing or corrupt index is rebuilt (also found
// lazily, at first lookup).

#include <filesystem>
#include <memory>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/partition_log.h"
#include "samsa/storage/segment.h"

namespace samsa::storage {

struct recovery_outcome {
    offset log_end_offset;
    offset recovery_point;  // = log_end_offset: everything is checked now
    recovery_summary summary;
};

// Brings `segments` (sorted by base offset, at least one) to a consistent
// state as described above: may truncate the last valid segment and delete
// (files and list entries) the segments after it.
result<recovery_outcome> recover_segments(std::vector<std::unique_ptr<segment>>& segments, const recovery_hint& hint);

}  // namespace samsa::storage
