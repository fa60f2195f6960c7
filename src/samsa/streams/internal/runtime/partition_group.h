#pragma once
// partition_group: the records a task has received but not processed, one
// queue per input partition, handed out in timestamp order across partitions
// (Kafka Streams' PartitionGroup): next() takes the head of the queue whose
// head record has the smallest timestamp. Within a partition, offset order
// is kept whatever the timestamps.
//
//   words-0: [ts 5, ts 9]     words-1: [ts 7]
//   next() -> words-0@5, words-1@7, words-0@9
//
// Ties follow Kafka exactly, because the test driver's outputs must equal
// Kafka's: the non-empty queues sit in a binary heap ordered by head
// timestamp that behaves as java.util.PriorityQueue does (a queue joins when
// it becomes non-empty, and again after next() if records remain), so two
// queues with equal heads come out in the order they joined.
//
// Enforced processing (Kafka's max.task.idle.ms, PartitionGroup.
// readyToProcess): with some partitions buffered and others empty, taking
// the smallest head now could process a record before an earlier one still
// on the broker for an empty partition. So ready_to_process() says "wait"
// while an empty partition's lag is unknown (nothing fetched yet) or
// positive (records on the broker not yet polled), and, when its lag is 0,
// until max.task.idle.ms has passed since the task first found it empty.
// Then it gives up waiting: processing is "enforced" (counted, and logged at
// debug level with Kafka's words). max.task.idle.ms = -1 never waits; the
// default 0 waits only for records known to be on the broker.
//
//   max.task.idle.ms = 0      words-0: [ts 5]  words-1: [] lag 3  -> wait
//                             words-0: [ts 5]  words-1: [] lag 0  -> enforced
//   max.task.idle.ms = 1000   words-0: [ts 5]  words-1: [] lag 0  -> wait until
//                             1000 ms after the first call, then enforced
//
// Partition time: the largest timestamp added per partition (the extracted
// one: stream_task extracts before add()), -1 before any; what the
// timestamp extractor is given as partition_time.
//
// Threads: owned by one task, on its stream thread.

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal {

class partition_group {
public:
    // A partition's lag as the consumer last fetched it: records on the
    // broker past those it returned; nullopt when not known yet.
    using lag_provider = std::function<std::optional<int64_t>(const topic_partition&)>;

    // task: names the task in logs.
    explicit partition_group(const std::set<topic_partition>& partitions, std::string task = {});
    // Not copyable: the by-index tables point into its own maps.
    partition_group(const partition_group&) = delete;
    partition_group& operator=(const partition_group&) = delete;

    // Records of a partition outside the group are a programmer error.
    void add(consumed_record r);
    std::optional<consumed_record> next();

    // The same by a partition's index (its rank in partitions(), fixed for
    // the group's life), for the task's record path, which finds a record's
    // partition once instead of by name at every step. index_of: nullopt
    // for a partition outside the group.
    std::optional<size_t> index_of(partition_ref tp) const;
    void add(size_t index, consumed_record r);
    int64_t partition_time(size_t index) const { return *times_[index]; }
    size_t buffered(size_t index) const { return by_index_[index]->records.size(); }
    // next(), and the index of the record's partition.
    std::optional<consumed_record> next(size_t& index);

    // Every buffered record that views bytes it does not own (no owner: the
    // test driver's records read back from its output queues) gets copies
    // of its own, for when what it views may go (the driver after a failure).
    void copy_borrowed();

    size_t buffered() const { return buffered_; }
    size_t buffered(const topic_partition& tp) const { return queues_.at(tp).records.size(); }
    bool empty() const { return buffered_ == 0; }
    // The largest timestamp handed out so far (stream time); -1 before any.
    int64_t stream_time() const { return stream_time_; }
    const std::set<topic_partition>& partitions() const { return partitions_; }
    int64_t partition_time(const topic_partition& tp) const { return partition_times_.at(tp); }
    // A restarted task's partition time, from its committed metadata
    // (Kafka's PartitionGroup.setPartitionTime); stream time follows.
    void set_partition_time(const topic_partition& tp, int64_t time);
    // Whether next() may run now (see above); now: wall clock in ms. A
    // missing lag provider reports every partition caught up (lag 0).
    bool ready_to_process(int64_t now, int64_t max_task_idle_ms, const lag_provider& lag);
    // How many times ready_to_process() gave up waiting (Kafka's
    // enforced-processing-total).
    int64_t enforced_processing_total() const { return enforced_processing_total_; }
    void clear();

private:
    struct queue {
        std::deque<consumed_record> records;
        size_t index = 0;
    };
    // java.util.PriorityQueue's offer() and poll() (siftUp / siftDown).
    void offer(queue* q);
    queue* poll();
    static bool earlier(const queue* a, const queue* b) {
        return a->records.front().timestamp < b->records.front().timestamp;
    }
    // Asks the CPU to bring r into the cache (see the .cc).
    static void prefetch(const consumed_record& r);
    // Kafka's debug line for a round that gave up waiting.
    void log_enforced_processing() const;

    std::set<topic_partition> partitions_;
    std::string task_;
    std::map<topic_partition, queue, partition_less> queues_;
    std::map<topic_partition, int64_t> partition_times_;
    // By index: when the wait for an empty, caught-up partition ends
    // (nullopt: not waiting). Indexed, not keyed by name: ready_to_process
    // runs every processing round for every empty partition.
    std::vector<std::optional<int64_t>> idle_deadlines_;
    int64_t enforced_processing_total_ = 0;
    // By index: the map nodes above, which never move.
    std::vector<queue*> by_index_;
    std::vector<int64_t*> times_;
    std::vector<queue*> heap_;  // the non-empty queues
    size_t buffered_ = 0;
    int64_t stream_time_ = -1;
};

}  // namespace samsa::streams::internal
