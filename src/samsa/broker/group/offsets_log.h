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
#include "samsa/bytes/bytes.h"

namespace samsa::broker::group {

struct offsets_record {
    bytes key;
    std::optional<bytes> value;  // nullopt: a tombstone
};

class offsets_log {
public:
    virtual ~offsets_log() = default;
    // Appends the records as one batch (all or nothing) to `partition`.
    // Fails with the storage's error; the coordinator then answers with
    // Kafka's code and keeps its in-memory state unchanged.
    virtual status append(int32_t partition, const std::vector<offsets_record>& records) = 0;
};

}  // namespace samsa::broker::group
