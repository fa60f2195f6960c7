#include "samsa/streams/internal/runtime/changelog_reader.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

changelog_reader::changelog_reader(partition_reader& reader, std::chrono::milliseconds request_timeout)
    : reader_(&reader), timeout_(request_timeout) {}

status changelog_reader::register_task(stream_task& task) {
    int pending = 0;
    for (const auto& c : task.changelogs()) {
        auto marks = reader_->watermarks(c.tp, timeout_);
        if (!marks) return marks.error();
        auto [low, high] = *marks;
        samsa::offset start = c.start == beginning_offset ? low : std::max(c.start, low);
        if (start >= high) continue;
        status st = reader_->assign(c.tp, start);
        if (!st) return st;
        spdlog::info("[streams] task {} restores {} from {} to {}", task.id().to_string(), c.tp.to_string(), start(),
                     high());
        active_[c.tp] = entry{&task, c, high};
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
    reader_->unassign(tp);
    active_.erase(it);
    if (--pending_per_task_[task->id()] == 0) {
        pending_per_task_.erase(task->id());
        completed_.push_back(task);
    }
}

result<std::vector<stream_task*>> changelog_reader::restore(std::chrono::milliseconds poll_timeout,
                                                            size_t max_records) {
    if (!active_.empty()) {
        auto records = reader_->poll(poll_timeout, max_records);
        if (!records) return records.error();
        for (const auto& r : *records) {
            auto it = active_.find(r.tp);
            if (it == active_.end()) continue;  // unassigned meanwhile
            it->second.task->restore(it->second.changelog, r);
            ++restored_records_;
            if (r.offset + 1 >= it->second.end) finish(r.tp);
        }
    }
    std::vector<stream_task*> done;
    done.swap(completed_);
    return done;
}

}  // namespace samsa::streams::internal
