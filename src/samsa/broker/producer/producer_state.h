#pragma once
// producer_state: what one partition remembers about idempotent producers,
// Kafka's ProducerStateManager / ProducerAppendInfo for non-transactional
// producers. Per producer id: the current epoch and the metadata of the last
// five batches appended (first/last sequence, first/last offset, timestamp).
//
// The rules, checked per batch before anything is written (check()):
//
//   batch                                             answer
//   ------------------------------------------------  ------------------------------
//   producer_id -1 (not idempotent)                   append
//   epoch < current epoch                             INVALID_PRODUCER_EPOCH (fenced)
//   epoch == current, same first+last sequence as     duplicate: success with the
//     one of the five retained batches                ORIGINAL offsets, not written
//   epoch == current, first seq == last seq + 1       append
//     (or 0 after INT32_MAX)
//   epoch == current, any other sequence              OUT_OF_ORDER_SEQUENCE_NUMBER
//   epoch > current (a bumped or new epoch), seq 0    append (the old batches are dropped)
//   epoch > current, seq != 0, producer known         OUT_OF_ORDER_SEQUENCE_NUMBER
//   producer unknown, seq != 0                        UNKNOWN_PRODUCER_ID
//   not transactional while the producer has an       INVALID_TXN_STATE
//     open transaction in this partition
//
// Transactions (Kafka's ProducerAppendInfo): a producer's first
// transactional batch opens its transaction in the partition at that
// batch's base offset; the COMMIT or ABORT marker the coordinator writes
// closes it (record_marker). The last stable offset (LSO) is the first
// offset of the oldest open transaction, or the high watermark when none is
// open: read_committed consumers read below it. A marker from an older
// producer epoch is INVALID_PRODUCER_EPOCH, from an older coordinator epoch
// TRANSACTION_COORDINATOR_FENCED; a marker with a newer epoch (the
// coordinator fenced the producer) moves the producer to that epoch.
//
// Kafka answers a v2 duplicate with success and the original base offset
// (not DUPLICATE_SEQUENCE_NUMBER), which is what librdkafka and the Java
// client expect after a retry.
//
// Snapshot file `<20-digit offset>.snapshot` in the partition dir: the state
// after every batch below that offset. Big-endian, written crash-safely
// (temporary file, fsync, rename):
//
//   offset  size  field
//   ------  ----  --------------------------------------------
//        0     2  version                 = 2 (1 is still read)
//        2     4  crc                     CRC-32C of bytes [6, end)
//        6     4  producer_count
//       10     …  producers, each:
//                   8  producer_id
//                   2  producer_epoch
//                   8  last_timestamp     newest batch max timestamp (expiry)
//                   4  coordinator_epoch  of the last marker, -1: none (v2+)
//                   8  current_txn_first  first offset of the open transaction, -1: none (v2+)
//                   1  batch_count        0..5 (v1: 1..5), oldest first
//                   …  batches, each 32 bytes:
//                        4 first_seq  4 last_seq
//                        8 first_offset  8 last_offset  8 timestamp
//
// Worked example: one producer (id 7, epoch 0) with one batch of sequences
// 0..2 at offsets 10..12 is 10 + 31 + 32 = 73 bytes.
//
// Expiry (Kafka's producer.id.expiration.ms): a producer whose newest batch
// timestamp is older than that is forgotten; if it comes back with a
// sequence other than 0 it gets UNKNOWN_PRODUCER_ID, as in Kafka.
//
// Thread: the I/O thread (the owner of the partition).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/error_code.h"
#include "samsa/record/record_batch.h"

namespace samsa::broker::producer {

// Kafka's ProducerStateEntry.NumBatchesToRetain.
inline constexpr size_t batches_to_retain = 5;

struct batch_metadata {
    int32_t first_seq = 0;
    int32_t last_seq = 0;
    offset first_offset{0};
    offset last_offset{0};
    timestamp_ms timestamp{-1};
    bool operator==(const batch_metadata&) const = default;
};

struct producer_entry {
    producer_epoch epoch{-1};
    timestamp_ms last_timestamp{-1};     // newest batch max timestamp
    std::deque<batch_metadata> batches;  // oldest first, at most batches_to_retain
    int32_t coordinator_epoch = -1;      // of the last transaction marker
    std::optional<offset> current_txn_first_offset;  // the open transaction, if any
    bool operator==(const producer_entry&) const = default;
};

// A transaction a marker closed (Kafka's CompletedTxn).
struct completed_txn {
    producer_id producer{-1};
    offset first_offset{-1};
    offset last_offset{-1};  // the marker's offset
    bool aborted = false;
};

// What check() decided for one batch.
struct batch_verdict {
    protocol::error_code error = protocol::error_code::none;
    std::string message;
    // Set when the batch was appended before: answer with these, write nothing.
    std::optional<batch_metadata> duplicate;
    bool ok() const { return error == protocol::error_code::none; }
};

// The sequence after `seq` (wraps to 0 after INT32_MAX, as Kafka's).
int32_t next_sequence(int32_t seq);
// The last sequence a batch covers.
int32_t last_sequence(const record::record_batch_header& batch);

class partition_producer_state {
public:
    // The rules in the table above; checks nothing for producer_id -1.
    batch_verdict check(const record::record_batch_header& batch) const;
    // Records an appended batch (its base offset already assigned) with the
    // timestamp the response carries. No-op for producer_id -1 and for
    // control batches (record_marker). Also used to replay the log, where no
    // rule is checked.
    void record(const record::record_batch_header& batch, offset first, timestamp_ms timestamp);

    // A write of `producer` under `epoch` that skips the sequence rules (the
    // coordinator's own transactional offset commits): refused when the
    // partition has seen a newer epoch.
    batch_verdict check_epoch(producer_id producer, producer_epoch epoch) const;
    // Checks a transaction marker about to be written for `producer`.
    batch_verdict check_marker(producer_id producer, producer_epoch epoch, int32_t coordinator_epoch) const;
    // Records a marker written at `at`: closes the producer's open
    // transaction (returned, if there was one) and takes the marker's epochs.
    std::optional<completed_txn> record_marker(producer_id producer, producer_epoch epoch, int32_t coordinator_epoch,
                                               offset at, timestamp_ms timestamp);
    // The first offset of the oldest open transaction (the LSO bound).
    std::optional<offset> first_unstable_offset() const {
        if (ongoing_.empty()) return std::nullopt;
        return ongoing_.begin()->first;
    }

    // Forgets producers whose last_timestamp is before now - expiration
    // (never one with an open transaction); returns how many.
    size_t expire(timestamp_ms now, int64_t expiration_ms);

    const std::map<producer_id, producer_entry>& producers() const { return producers_; }
    bool empty() const { return producers_.empty(); }
    // Changed since the last snapshot was taken (set by record()).
    bool dirty() const { return dirty_; }
    void mark_clean() { dirty_ = false; }

    // The snapshot format above.
    bytes encode_snapshot() const;
    static result<partition_producer_state> decode_snapshot(bytes_view data);

private:
    std::map<producer_id, producer_entry> producers_;
    // Open transactions: first offset -> producer, oldest first.
    std::map<offset, producer_id> ongoing_;
    bool dirty_ = false;
};

// `<20 digits>.snapshot`; nullopt when `file_name` is not a snapshot name.
std::string snapshot_file_name(offset at);
std::optional<offset> parse_snapshot_file_name(std::string_view file_name);

}  // namespace samsa::broker::producer
