#pragma once
// offsets_log: where the coordinator writes its records — the partitions of
// `__consumer_offsets` in the broker (broker_offsets_log.h), a vector in the
// unit tests. A group's records all go to partition
// offsets_partition_for(group, partitions), in order, so replaying one
// partition front to back rebuilds its groups (a later record replaces an
// earlier one with the same key; a null value deletes).
//
// Thread: the I/O thread.

#include <cstdint>
#include <optional>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"

namespace samsa::broker::group {

struct offsets_record {
    bytes key;
    std::optional<bytes> value;  // nullopt: a tombstone
};

// The transactional producer of a TxnOffsetCommit.
struct txn_producer {
    producer_id id{-1};
    producer_epoch epoch{-1};
};

class offsets_log {
public:
    virtual ~offsets_log() = default;
    // Appends the records as one batch (all or nothing) to `partition`.
    // Fails with the storage's error; the coordinator then answers with
    // Kafka's code and keeps its in-memory state unchanged.
    virtual status append(int32_t partition, const std::vector<offsets_record>& records) = 0;
    // The same as one transactional batch of `producer` (TxnOffsetCommit):
    // replay counts its records only once a COMMIT marker of the producer
    // follows them in the partition.
    virtual status append_transactional(int32_t partition, const std::vector<offsets_record>& records,
                                        txn_producer producer) = 0;
};

}  // namespace samsa::broker::group
