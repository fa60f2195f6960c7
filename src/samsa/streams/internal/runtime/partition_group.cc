#include "samsa/streams/internal/runtime/partition_group.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/streams/state/prefetch.h"

namespace samsa::streams::internal {

partition_group::partition_group(const std::set<topic_partition>& partitions, std::string task)
    : partitions_(partitions), task_(std::move(task)) {
    for (const auto& tp : partitions) {
        queue& q = queues_[tp];
        q.index = by_index_.size();
        by_index_.push_back(&q);
        times_.push_back(&(partition_times_[tp] = -1));
    }
    heap_.reserve(partitions.size());
    idle_deadlines_.resize(partitions.size());
}

std::optional<size_t> partition_group::index_of(partition_ref tp) const {
    auto it = queues_.find(tp);
    if (it == queues_.end()) return std::nullopt;
    return it->second.index;
}

void partition_group::add(consumed_record r) {
    std::optional<size_t> index = index_of(r.tp);
    SAMSA_ASSERT(index.has_value(), "record of a partition the task does not own");
    add(*index, std::move(r));
}

void partition_group::add(size_t index, consumed_record r) {
    SAMSA_ASSERT(index < by_index_.size() && by_index_[index]->index == index, "partition index out of range");
    queue& q = *by_index_[index];
    bool was_empty = q.records.empty();
    int64_t& partition_time = *times_[index];
    if (r.timestamp > partition_time) partition_time = r.timestamp;
    q.records.push_back(std::move(r));
    ++buffered_;
    if (was_empty) offer(&q);
}

void partition_group::set_partition_time(const topic_partition& tp, int64_t time) {
    SAMSA_ASSERT(partition_times_.count(tp) != 0, "partition time of a partition the task does not own");
    partition_times_[tp] = time;
    if (time > stream_time_) stream_time_ = time;
}

// A buffered record is cold by the time it is handed out: the poll wrote a
// batch of ~1000, and processing each record in between (stores, caches,
// serdes) evicts them. Reading the head record missed the cache on nearly
// every next() (most of next()'s 2-3% of the stream thread at the issue
// scale, s20-hM). The record after the new head is fetched ahead: it is
// handed out no sooner than one record's processing later. prefetch_line,
// not __builtin_prefetch: GCC 12 at -O1 dropped every call to this function
// when it used the builtin (state/prefetch.h).
void partition_group::prefetch(const consumed_record& r) {
    const char* p = reinterpret_cast<const char*>(&r);
    for (size_t line = 0; line < sizeof(consumed_record); line += 64) prefetch_line(p + line);
}

std::optional<consumed_record> partition_group::next() {
    size_t index = 0;
    return next(index);
}

std::optional<consumed_record> partition_group::next(size_t& index) {
    queue* q = poll();
    if (q == nullptr) return std::nullopt;
    index = q->index;
    consumed_record r = std::move(q->records.front());
    q->records.pop_front();
    --buffered_;
    if (q->records.size() > 1) prefetch(q->records[1]);
    if (!q->records.empty()) offer(q);
    if (r.timestamp > stream_time_) stream_time_ = r.timestamp;
    return r;
}

namespace {

std::string list(const std::vector<topic_partition>& tps) {
    std::string out;
    for (const auto& tp : tps) out += (out.empty() ? "" : ", ") + tp.to_string();
    return "[" + out + "]";
}

}  // namespace

bool partition_group::ready_to_process(int64_t now, int64_t max_task_idle_ms, const lag_provider& lag) {
    if (heap_.size() == queues_.size()) {  // every partition buffered
        std::fill(idle_deadlines_.begin(), idle_deadlines_.end(), std::nullopt);
        return true;
    }
    if (max_task_idle_ms < 0) return true;  // Kafka's MAX_TASK_IDLE_MS_DISABLED
    bool any_queued = false;
    for (const auto& [tp, q] : queues_) {
        std::optional<int64_t>& deadline = idle_deadlines_[q.index];
        if (!q.records.empty()) {
            deadline.reset();
            any_queued = true;
            continue;
        }
        std::optional<int64_t> fetched_lag = lag ? lag(tp) : std::optional<int64_t>(0);
        if (!fetched_lag || *fetched_lag > 0) {
            // Unknown: wait for the first fetch; positive: wait for the poll
            // to bring what is known to be on the broker.
            deadline.reset();
            return false;
        }
        if (!deadline) deadline = now + max_task_idle_ms;
        if (now < *deadline) return false;
    }
    if (!any_queued) return false;
    ++enforced_processing_total_;
    if (spdlog::should_log(spdlog::level::debug)) log_enforced_processing();
    return true;
}

// Called when ready_to_process() gives up: every partition is either
// buffered or empty with a deadline that has passed.
void partition_group::log_enforced_processing() const {
    std::vector<topic_partition> queued;
    std::string gave_up;
    for (const auto& [tp, q] : queues_) {
        if (!q.records.empty()) {
            queued.push_back(tp);
            continue;
        }
        gave_up += (gave_up.empty() ? "" : ", ") + tp.to_string() + "=" + std::to_string(*idle_deadlines_[q.index]);
    }
    spdlog::debug("[streams] task {}: Continuing to process although some partitions are empty on the broker. "
                  "There may be out-of-order processing for this task as a result. Partitions with local data: "
                  "{}. Partitions we gave up waiting for, with their corresponding deadlines: {{{}}}.",
                  task_, list(queued), gave_up);
}

void partition_group::copy_borrowed() {
    for (auto& [tp, q] : queues_) {
        for (consumed_record& r : q.records) {
            if (r.owner) continue;
            std::optional<bytes> key, value;
            if (r.key) key = bytes(r.key->begin(), r.key->end());
            if (r.value) value = bytes(r.value->begin(), r.value->end());
            r = consumed_record::copy_of(r.tp.topic, r.tp.partition, r.offset, std::move(key), std::move(value),
                                         r.timestamp, std::move(r.headers));
        }
    }
}

void partition_group::clear() {
    for (auto& [tp, q] : queues_) q.records.clear();
    heap_.clear();
    std::fill(idle_deadlines_.begin(), idle_deadlines_.end(), std::nullopt);
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
