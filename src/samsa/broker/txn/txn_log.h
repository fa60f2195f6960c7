#pragma once
// The coordinator's two outputs, as interfaces so that the unit tests drive
// the state machine with vectors: txn_log appends records to the partitions
// of `__transaction_state`; txn_markers writes the COMMIT/ABORT control
// batches into the partitions of a transaction (and, for
// `__consumer_offsets` partitions, completes the transaction's offsets).
//
// Thread: the I/O thread.

#include <cstdint>
#include <optional>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/broker/txn/txn_metadata.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/control_record.h"

namespace samsa::broker::txn {

inline constexpr const char* transaction_state_topic = "__transaction_state";

class txn_log {
public:
    virtual ~txn_log() = default;
    // Appends one record (value nullopt: a tombstone) to `partition`. Fails
    // with the storage's error; the coordinator then keeps its state.
    virtual status append(int32_t partition, bytes key, std::optional<bytes> value) = 0;
};

struct marker {
    producer_id producer{-1};
    producer_epoch epoch{-1};
    record::control_type type = record::control_type::abort;
    int32_t coordinator_epoch = 0;
};

class txn_markers {
public:
    virtual ~txn_markers() = default;
    // Writes the marker into `tp`. errc::not_found when the partition no
    // longer exists (the marker is then skipped, as Kafka skips deleted
    // topics); any other error is retried later.
    virtual status write(const topic_partition& tp, const marker& m) = 0;
};

}  // namespace samsa::broker::txn
