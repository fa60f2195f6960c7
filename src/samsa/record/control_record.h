#pragma once
// Control records: the transaction markers the broker writes into data
// partitions (and __consumer_offsets) when a transaction ends. A control
// batch has attribute bits 4 (transactional) and 5 (control) set, the
// producer id and epoch of the transaction, base sequence -1, and exactly one
// record:
//
//   key    int16 version = 0 | int16 type   (0 = ABORT, 1 = COMMIT)
//   value  int16 version = 0 | int32 coordinator_epoch
//
// Worked example: a COMMIT marker of coordinator epoch 0 has key
// 00 00 00 01 and value 00 00 00 00 00 00; the record takes 17 bytes (length,
// attributes, two deltas, key and value with their lengths, no headers), the
// batch 61 + 17 = 78.
//
// Consumers never see control records: clients skip control batches, and a
// read_committed consumer uses ABORT markers to close aborted transactions.
//
// Thread: any; pure functions.

#include <cstdint>
#include <optional>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"

namespace samsa::record {

enum class control_type : int16_t { abort = 0, commit = 1 };

struct end_txn_marker {
    control_type type = control_type::abort;
    int32_t coordinator_epoch = 0;
    bool operator==(const end_txn_marker&) const = default;
};

// The whole control batch (base offset 0: the log stamps it).
bytes build_end_txn_marker_batch(producer_id id, producer_epoch epoch, const end_txn_marker& marker,
                                 timestamp_ms now);

// The marker of a control batch (the whole batch, as stored). Fails with
// errc::corrupt when it is not a readable control batch with a marker
// record; std::nullopt for a control batch without records (the cleaner
// leaves such batches) or one of another control type (Kafka reserves
// types above 1, e.g. LEADER_CHANGE = 2 in KRaft logs).
result<std::optional<end_txn_marker>> read_end_txn_marker(bytes_view batch);

}  // namespace samsa::record
