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
// Threads: owned by one task, on its stream thread.

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal {

class partition_group {
public:
    explicit partition_group(const std::set<topic_partition>& partitions);

    // Records of a partition outside the group are a programmer error.
    void add(consumed_record r);
    std::optional<consumed_record> next();

    size_t buffered() const { return buffered_; }
    size_t buffered(const topic_partition& tp) const { return queues_.at(tp).size(); }
    bool empty() const { return buffered_ == 0; }
    // The largest timestamp handed out so far (stream time); -1 before any.
    int64_t stream_time() const { return stream_time_; }
    const std::set<topic_partition>& partitions() const { return partitions_; }
    void clear();

private:
    using queue = std::deque<consumed_record>;
    // java.util.PriorityQueue's offer() and poll() (siftUp / siftDown).
    void offer(queue* q);
    queue* poll();
    static bool earlier(const queue* a, const queue* b) {
        return a->front().timestamp < b->front().timestamp;
    }

    std::set<topic_partition> partitions_;
    std::map<topic_partition, queue> queues_;
    std::vector<queue*> heap_;  // the non-empty queues
    size_t buffered_ = 0;
    int64_t stream_time_ = -1;
};

}  // namespace samsa::streams::internal
