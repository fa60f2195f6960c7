#include "samsa/streams/internal/runtime/partition_group.h"

#include <cassert>

namespace samsa::streams::internal {

partition_group::partition_group(const std::set<topic_partition>& partitions) : partitions_(partitions) {
    for (const auto& tp : partitions) queues_[tp];
}

void partition_group::add(consumed_record r) {
    auto it = queues_.find(r.tp);
    assert(it != queues_.end() && "record of a partition the task does not own");
    it->second.push_back(std::move(r));
    ++buffered_;
}

std::optional<consumed_record> partition_group::next() {
    std::deque<consumed_record>* best = nullptr;
    for (auto& [tp, q] : queues_) {
        if (q.empty()) continue;
        if (best == nullptr || q.front().timestamp < best->front().timestamp) best = &q;
    }
    if (best == nullptr) return std::nullopt;
    consumed_record r = std::move(best->front());
    best->pop_front();
    --buffered_;
    if (r.timestamp > stream_time_) stream_time_ = r.timestamp;
    return r;
}

void partition_group::clear() {
    for (auto& [tp, q] : queues_) q.clear();
    buffered_ = 0;
}

}  // namespace samsa::streams::internal
