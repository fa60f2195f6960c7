#pragma once
// txn_service: the transaction coordinator as the broker runs it — on asio
// timers, writing to the internal topic `__transaction_state` (created with
// transaction.state.log.num.partitions partitions and cleanup.policy=compact
// at the first write), writing the transaction markers into the partitions
// of each transaction, and replaying `__transaction_state` when the broker
// starts (before it listens).
//
// A marker goes into a partition like this (partition_markers.cc): the
// partition's producer state checks the producer and coordinator epochs
// (a stale marker is skipped), the control batch is appended, the producer
// state closes the transaction (and the last stable offset moves), an
// aborted transaction goes into the segment's `.txnindex`, committed
// offsets of `__consumer_offsets` become visible (or are dropped), and
// parked fetches of the partition are woken.
//
// Thread: the I/O thread (constructed on the main thread before the I/O
// loop runs, which then becomes the I/O thread).

#include <memory>

#include "samsa/broker/txn/txn_coordinator.h"

namespace samsa::broker {
class broker;
}

namespace samsa::broker::group {
class asio_group_timers;
}

namespace samsa::broker::txn {

// The coordinator's settings from the broker's keys (Kafka's names).
txn_config make_txn_config(const broker& b);

class txn_service {
public:
    explicit txn_service(broker& b);
    ~txn_service();

    txn_coordinator& coordinator() { return *coordinator_; }
    // Replays __transaction_state (if it exists), then completes the
    // transactions it left prepared and starts the timers.
    void load();
    void shutdown();

private:
    class topic_txn_log;
    class partition_markers;

    broker& broker_;
    std::unique_ptr<group::asio_group_timers> timers_;
    std::unique_ptr<topic_txn_log> log_;
    std::unique_ptr<partition_markers> markers_;
    std::unique_ptr<txn_coordinator> coordinator_;
};

}  // namespace samsa::broker::txn
