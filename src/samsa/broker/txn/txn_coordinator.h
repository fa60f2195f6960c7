#pragma once
// txn_coordinator: Kafka's transaction coordinator for every transactional
// id on this node (one node coordinates them all). It runs the state machine
// of txn_metadata.h: InitProducerId with a transactional id (epoch bumps,
// fencing, KIP-360's retry of a bump), AddPartitionsToTxn, AddOffsetsToTxn,
// EndTxn, the abort of transactions past their transaction.timeout.ms, and
// the expiration of idle transactional ids; it keeps every change in
// `__transaction_state` (txn_records.h) through a txn_log and rebuilds its
// state from that topic at start-up (load_record / finish_loading).
//
// Every transition is written before it is applied or answered. Ending a
// transaction is done in one go on the I/O thread, as Kafka does it over
// the network: PrepareCommit/PrepareAbort is written, the markers go into
// every partition of the transaction (txn_markers), then
// CompleteCommit/CompleteAbort is written. When a marker cannot be written
// the transaction stays prepared and the markers are retried on a timer;
// at start-up prepared transactions are completed the same way, so a crash
// at any point ends each transaction as its last written record decided.
//
//   txn_coordinator c(config, timers, log, markers, next_producer_id);
//   c.load_record(key, value) ...; c.finish_loading();   // start-up
//   auto r = c.init_producer_id("t", 60000, std::nullopt);
//
// Thread: the broker's I/O thread, everything: requests, timers, loading.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/broker/group/group_timers.h"
#include "samsa/broker/txn/txn_log.h"
#include "samsa/broker/txn/txn_metadata.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker::txn {

using protocol::error_code;

// Kafka's transaction.* broker keys.
struct txn_config {
    int32_t max_timeout_ms = 900'000;                          // transaction.max.timeout.ms
    int64_t id_expiration_ms = 604'800'000;                    // transactional.id.expiration.ms (7 days)
    int32_t log_partitions = 50;                               // transaction.state.log.num.partitions
    std::chrono::milliseconds abort_interval{10'000};          // transaction.abort.timed.out.transaction.cleanup.interval.ms
    std::chrono::milliseconds expiration_interval{3'600'000};  // transaction.remove.expired.transaction.cleanup.interval.ms
    std::chrono::milliseconds marker_retry{500};               // markers that failed are retried after this
    int32_t coordinator_epoch = 0;                             // one node: never moves
};

struct init_result {
    error_code error = error_code::none;
    producer_id producer{-1};
    producer_epoch epoch{-1};
};

// A producer's id and epoch as a request states them.
struct producer_and_epoch {
    producer_id producer{-1};
    producer_epoch epoch{-1};
};

struct listed_txn {
    std::string transactional_id;
    producer_id producer{-1};
    txn_state state = txn_state::empty;
};

struct list_result {
    error_code error = error_code::none;
    std::vector<std::string> unknown_state_filters;
    std::vector<listed_txn> transactions;
};

class txn_coordinator {
public:
    using id_source = std::function<result<producer_id>()>;

    // `timers`, `log` and `markers` must outlive the coordinator.
    txn_coordinator(txn_config config, group::group_timers& timers, txn_log& log, txn_markers& markers,
                    id_source next_producer_id);
    ~txn_coordinator();
    txn_coordinator(const txn_coordinator&) = delete;
    txn_coordinator& operator=(const txn_coordinator&) = delete;

    const txn_config& config() const { return config_; }

    // --- requests ---
    // `expected`: the id and epoch a v3+ client passes to bump its epoch
    // (KIP-360); nullopt for a first InitProducerId.
    init_result init_producer_id(const std::string& transactional_id, int32_t timeout_ms,
                                 std::optional<producer_and_epoch> expected);
    error_code add_partitions(const std::string& transactional_id, producer_and_epoch producer,
                              const std::vector<topic_partition>& partitions);
    error_code end_txn(const std::string& transactional_id, producer_and_epoch producer, bool commit);
    // Whether `tp` is in the ongoing transaction of the id (Kafka's
    // verification of transactional writes, KIP-890 part 1): NONE, or why
    // not (INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED,
    // CONCURRENT_TRANSACTIONS, INVALID_TXN_STATE).
    error_code verify(const std::string& transactional_id, producer_and_epoch producer,
                      const topic_partition& tp) const;

    // --- admin ---
    // nullptr when unknown (or expiring).
    const txn_metadata* describe(const std::string& transactional_id) const;
    // `duration_ms` >= 0: only transactions running longer than that.
    list_result list(const std::vector<std::string>& states, const std::vector<int64_t>& producer_ids,
                     int64_t duration_ms) const;

    // --- start-up ---
    // Applies one record of __transaction_state (value nullopt: tombstone).
    status load_record(bytes_view key, std::optional<bytes_view> value);
    // Ends loading: prepared transactions are completed (markers written),
    // the abort and expiration timers start.
    void finish_loading();
    bool loading() const { return loading_; }

    // --- timers (public for tests) ---
    // Aborts every Ongoing transaction older than its timeout, fencing its
    // producer (the epoch is bumped, as Kafka does).
    void abort_timed_out();
    // Writes tombstones for ids idle longer than transactional.id.expiration.ms.
    void expire_ids();

    int32_t partition_for(const std::string& transactional_id) const;
    size_t size() const { return txns_.size(); }
    void shutdown();

private:
    // Writes `next` as the id's record, then makes it the state.
    error_code persist(const txn_metadata& next);
    // EndTxn's body, also used by the timeout abort and InitProducerId's fence.
    error_code end(txn_metadata& m, producer_and_epoch producer, bool commit, bool from_client);
    // Markers into every partition left, then Complete*; on failure a retry timer.
    void complete(const std::string& transactional_id);
    void schedule_marker_retry();
    void schedule_abort_timer();
    void schedule_expiration_timer();

    txn_config config_;
    group::group_timers& timers_;
    txn_log& log_;
    txn_markers& markers_;
    id_source next_producer_id_;
    std::map<std::string, txn_metadata> txns_;
    bool loading_ = true;
    bool stopped_ = false;
    group::timer_id abort_timer_ = group::no_timer;
    group::timer_id expiration_timer_ = group::no_timer;
    group::timer_id retry_timer_ = group::no_timer;
};

}  // namespace samsa::broker::txn
