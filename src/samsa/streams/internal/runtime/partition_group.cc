#include "samsa/streams/internal/runtime/partition_group.h"

#include "samsa/base/assert.h"

namespace samsa::streams::internal {

partition_group::partition_group(const std::set<topic_partition>& partitions) : partitions_(partitions) {
    for (const auto& tp : partitions) queues_[tp];
    heap_.reserve(partitions.size());
}

void partition_group::add(consumed_record r) {
    auto it = queues_.find(r.tp);
    SAMSA_ASSERT(it != queues_.end(), "record of a partition the task does not own");
    bool was_empty = it->second.empty();
    it->second.push_back(std::move(r));
    ++buffered_;
    if (was_empty) offer(&it->second);
}

std::optional<consumed_record> partition_group::next() {
    queue* q = poll();
    if (q == nullptr) return std::nullopt;
    consumed_record r = std::move(q->front());
    q->pop_front();
    --buffered_;
    if (!q->empty()) offer(q);
    if (r.timestamp > stream_time_) stream_time_ = r.timestamp;
    return r;
}

void partition_group::clear() {
    for (auto& [tp, q] : queues_) q.clear();
    heap_.clear();
    buffered_ = 0;
}

void partition_group::offer(queue* q) {
    size_t k = heap_.size();
    heap_.push_back(q);
    while (k > 0) {
        size_t parent = (k - 1) / 2;
        if (!earlier(q, heap_[parent])) break;
        heap_[k] = heap_[parent];
        k = parent;
    }
    heap_[k] = q;
}

partition_group::queue* partition_group::poll() {
    if (heap_.empty()) return nullptr;
    queue* top = heap_.front();
    queue* last = heap_.back();
    heap_.pop_back();
    size_t n = heap_.size();
    if (n == 0) return top;
    size_t k = 0;
    while (k < n / 2) {
        size_t child = 2 * k + 1;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], last)) break;
        heap_[k] = heap_[child];
        k = child;
    }
    heap_[k] = last;
    return top;
}

}  // namespace samsa::streams::internal
