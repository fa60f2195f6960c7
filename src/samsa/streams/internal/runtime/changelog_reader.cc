#include "samsa/streams/internal/runtime/changelog_reader.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"

namespace samsa::streams::internal {

changelog_reader::changelog_reader(partition_reader& reader, std::chrono::milliseconds request_timeout)
    : reader_(&reader), timeout_(request_timeout) {}

status changelog_reader::register_task(stream_task& task) {
    int pending = 0;
    for (const auto& c : task.changelogs()) {
        auto marks = [&] {
            blocked_timer blocked(sensors_);
            return reader_->watermarks(c.tp, timeout_);
        }();
        if (!marks) return marks.error();
        auto [low, high] = *marks;
        samsa::offset start = c.start == beginning_offset ? low : std::max(c.start, low);
        // Kafka's StoreChangelogReader: restore-remaining-records-total
        // starts at end - start (offsets, so markers and compacted gaps are
        // in it and it may never reach 0).
        if (sensors_) task.record_restoration(std::max<int64_t>(high() - start(), 0), true);
        if (start >= high) continue;
        status st = reader_->assign(c.tp, start);
        if (!st) return st;
        spdlog::info("[streams] task {} restores {} from {} to {}", task.id().to_string(), c.tp.to_string(), start(),
                     high());
        active_[c.tp] = entry{&task, c, high};
        if (listener_) listener_->on_restore_start(c.tp.topic, c.tp.partition, c.store, start(), high());
        ++pending;
    }
    task.start_restoring();
    if (pending == 0) completed_.push_back(&task);
    else pending_per_task_[task.id()] = pending;
    return ok();
}

void changelog_reader::unregister_task(const task_id& id) {
    for (auto it = active_.begin(); it != active_.end();) {
        if (it->second.task->id() == id) {
            reader_->unassign(it->first);
            it = active_.erase(it);
        } else {
            ++it;
        }
    }
    pending_per_task_.erase(id);
    std::erase_if(completed_, [&](stream_task* t) { return t->id() == id; });
}

void changelog_reader::finish(const topic_partition& tp) {
    auto it = active_.find(tp);
    stream_task* task = it->second.task;
    if (listener_) listener_->on_restore_end(tp.topic, tp.partition, it->second.changelog.store, it->second.restored);
    reader_->unassign(tp);
    active_.erase(it);
    if (--pending_per_task_[task->id()] == 0) {
        pending_per_task_.erase(task->id());
        completed_.push_back(task);
    }
}

void changelog_reader::report_batches(const std::map<topic_partition, std::pair<int64_t, int64_t>>& batches) {
    if (!listener_) return;
    for (const auto& [tp, b] : batches) {
        listener_->on_batch_restored(tp.topic, tp.partition, active_.at(tp).changelog.store, b.first, b.second);
    }
}

result<std::vector<stream_task*>> changelog_reader::restore(std::chrono::milliseconds poll_timeout,
                                                            size_t max_records) {
    if (!active_.empty()) {
        auto records = [&] {
            blocked_timer blocked(sensors_);
            return reader_->poll(poll_timeout, max_records);
        }();
        if (!records) return records.error();
        // Per partition: the batch's last offset and record count, reported
        // before a partition's end (Kafka's order).
        std::map<topic_partition, std::pair<int64_t, int64_t>> batches;
        std::vector<topic_partition> ended;
        for (const auto& r : *records) {
            auto it = active_.find(r.tp);
            if (it == active_.end()) continue;  // unassigned meanwhile
            const topic_partition& tp = it->first;  // the record's topic is a view
            if (r.end_of_partition) {
                // Past the last record: markers and aborted records follow it.
                if (r.offset >= it->second.end && !std::count(ended.begin(), ended.end(), tp)) ended.push_back(tp);
                continue;
            }
            it->second.task->restore(it->second.changelog, r);
            ++restored_records_;
            ++it->second.restored;
            auto& b = batches[tp];
            b.first = r.offset();
            ++b.second;
            if (r.offset + 1 >= it->second.end && !std::count(ended.begin(), ended.end(), tp)) ended.push_back(tp);
        }
        report_batches(batches);
        // Kafka records each changelog partition's batch: restore-rate counts
        // batches, restore-total records, and the remaining drop by as many.
        if (sensors_) {
            for (const auto& [tp, b] : batches) active_.at(tp).task->record_restoration(b.second, false);
        }
        for (const auto& tp : ended) finish(tp);
    }
    std::vector<stream_task*> done;
    done.swap(completed_);
    return done;
}

}  // namespace samsa::streams::internal
