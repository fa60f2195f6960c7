#pragma once
// txn_metadata: what the transaction coordinator knows about one
// transactional id — Kafka's TransactionMetadata: the producer id and epoch
// it hands out, the transaction's state, its partitions and timestamps.
//
// The states (Kafka's TransactionState, same ids and names):
//
//   Empty ──AddPartitions──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
//     ▲                        │  └──EndTxn(abort)/timeout──▶ PrepareAbort ──markers──▶ CompleteAbort
//     │                        └──InitProducerId: PrepareEpochFence (not persisted) ─▶ PrepareAbort
//     └──InitProducerId (epoch bump) from Empty / Complete*;  Dead: expired (a tombstone)
//
// Thread: the I/O thread (owned by txn_coordinator).

#include <compare>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "samsa/base/types.h"

namespace samsa::broker::txn {

enum class txn_state : int8_t {
    empty = 0,
    ongoing = 1,
    prepare_commit = 2,
    prepare_abort = 3,
    complete_commit = 4,
    complete_abort = 5,
    dead = 6,
    prepare_epoch_fence = 7,
};

// Kafka's names ("Empty", "Ongoing", "PrepareCommit", ...), as
// DescribeTransactions and ListTransactions report them.
std::string_view state_name(txn_state s);
std::optional<txn_state> state_from_name(std::string_view name);
std::optional<txn_state> state_from_id(int8_t id);

struct topic_partition {
    std::string topic;
    partition_id partition{0};
    auto operator<=>(const topic_partition&) const = default;
};

// Kafka's TransactionMetadata.isEpochExhausted: the last epochs of a
// producer id are kept for fencing, then a new producer id is handed out.
inline bool epoch_exhausted(producer_epoch e) { return e() >= INT16_MAX - 1; }

struct txn_metadata {
    std::string transactional_id;
    producer_id producer{-1};
    // The previous producer id and epoch: a retried InitProducerId (KIP-360)
    // whose answer was lost is recognised by them. Not persisted (as Kafka).
    producer_id last_producer{-1};
    producer_epoch epoch{-1};
    producer_epoch last_epoch{-1};
    int32_t timeout_ms = 0;
    txn_state state = txn_state::empty;
    std::set<topic_partition> partitions;
    timestamp_ms start{-1};        // when the current transaction began (-1: none)
    timestamp_ms last_update{-1};  // the last persisted change (expiration)

    bool in_transaction() const {
        return state == txn_state::ongoing || state == txn_state::prepare_commit || state == txn_state::prepare_abort;
    }
};

}  // namespace samsa::broker::txn
