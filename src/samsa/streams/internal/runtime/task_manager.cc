#include "samsa/streams/internal/runtime/task_manager.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"

#include "samsa/streams/internal/runtime/streams_metrics.h"

namespace samsa::streams::internal {

task_manager::task_manager(task_environment env, group_consumer& consumer, stream_record_collector& collector,
                           changelog_reader& restorer, size_t max_buffered_per_partition,
                           std::chrono::milliseconds request_timeout)
    : env_(std::move(env)), consumer_(&consumer), collector_(&collector), restorer_(&restorer),
      max_buffered_(max_buffered_per_partition), timeout_(request_timeout) {}

task_manager::~task_manager() {
    for (auto& [id, t] : tasks_) t->close();
    for (auto& [id, t] : suspended_) t->close();
}

status task_manager::handle_assignment(const std::vector<topic_partition>& assigned) {
    std::vector<topic_partition> fresh;
    for (const auto& tp : assigned) {
        if (!by_partition_.count(tp)) fresh.push_back(tp);
    }
    auto grouped = env_.metadata->tasks_for(fresh);
    if (!grouped) return grouped.error();
    const committed_offsets committed = committed_metadata(fresh);
    for (auto& [id, tps] : *grouped) {
        if (tasks_.count(id)) {
            return make_error(errc::invalid_argument, "task " + id.to_string() + " assigned twice");
        }
        if (auto s = suspended_.find(id); s != suspended_.end() && s->second->inputs() == tps) {
            stream_task* task = s->second.get();
            task->resume();
            tasks_.emplace(id, std::move(s->second));
            suspended_.erase(s);
            for (const auto& tp : tps) by_partition_[tp] = task;
            // librdkafka keeps a partition's pause across assignments.
            consumer_->resume(std::vector<topic_partition>(tps.begin(), tps.end()));
            spdlog::info("[streams] resumed suspended task {}", id.to_string());
            continue;
        }
        auto t = stream_task::create(id, env_.metadata->subtopology(id.subtopology), tps, env_, committed);
        if (!t) return t.error();
        stream_task* task = t->get();
        tasks_.emplace(id, std::move(*t));
        for (const auto& tp : tps) by_partition_[tp] = task;
        consumer_->pause(std::vector<topic_partition>(tps.begin(), tps.end()));
        status st = restorer_->register_task(*task);
        if (!st) return st;
        if (env_.thread_metrics) record_if(env_.thread_metrics->task_created);
        spdlog::info("[streams] created task {} ({} changelogs)", id.to_string(), task->changelogs().size());
    }
    close_suspended();  // not reassigned: another member owns them now
    return ok();
}

committed_offsets task_manager::committed_metadata(const std::vector<topic_partition>& partitions) {
    auto committed = [&] {
        blocked_timer blocked(env_.thread_metrics);
        return consumer_->committed(partitions, timeout_);
    }();
    if (committed) return std::move(*committed);
    // The tasks start without their stream time and processor metadata, as
    // on a first start: an emit-on-window-close aggregate may emit windows
    // again that it emitted before.
    spdlog::warn("[streams] cannot read the committed offsets' metadata: {}", committed.error().message);
    return {};
}

status task_manager::handle_revocation(const std::vector<topic_partition>& revoked) {
    std::set<task_id> ids;
    for (const auto& tp : revoked) {
        if (auto it = by_partition_.find(tp); it != by_partition_.end()) ids.insert(it->second->id());
    }
    std::vector<stream_task*> running;
    for (const auto& id : ids) {
        stream_task* t = tasks_.at(id).get();
        if (t->current_state() == stream_task::state::running) running.push_back(t);
    }
    bool eos = collector_->exactly_once();
    // One transaction holds every task's output: all of them commit.
    if (eos) running = running_tasks();
    status st = commit_tasks(running, true);
    if (!st && eos) {
        // Nothing of the transaction may stay: every task is dirty now.
        abort_transaction();
        for (const auto& id : task_ids()) close_task(id, true);
        return st;
    }
    for (const auto& id : ids) {
        if (st && tasks_.at(id)->current_state() == stream_task::state::running) suspend_task(id);
        else close_task(id, !st);
    }
    return st;
}

void task_manager::suspend_task(const task_id& id) {
    auto it = tasks_.find(id);
    for (const auto& tp : it->second->inputs()) by_partition_.erase(tp);
    it->second->suspend();
    suspended_[id] = std::move(it->second);
    tasks_.erase(it);
    spdlog::info("[streams] suspended task {}", id.to_string());
}

void task_manager::close_suspended() {
    for (auto& [id, t] : suspended_) {
        t->close();
        if (env_.thread_metrics) record_if(env_.thread_metrics->task_closed);
        spdlog::info("[streams] closed suspended task {}", id.to_string());
    }
    suspended_.clear();
}

void task_manager::handle_lost(const std::vector<topic_partition>& lost) {
    std::set<task_id> ids;
    for (const auto& tp : lost) {
        if (auto it = by_partition_.find(tp); it != by_partition_.end()) ids.insert(it->second->id());
    }
    if (collector_->exactly_once()) {
        // The open transaction holds the other tasks' work too.
        abort_transaction();
        for (const auto& id : task_ids()) close_task(id, true);
    } else {
        for (const auto& id : ids) close_task(id, true);
    }
    close_suspended();
}

void task_manager::abort_transaction() {
    status st = collector_->abort_transaction(timeout_);
    if (!st) spdlog::warn("[streams] abort transaction: {}", st.error().message);
}

std::vector<stream_task*> task_manager::running_tasks() {
    std::vector<stream_task*> running;
    for (auto& [id, t] : tasks_) {
        if (t->current_state() == stream_task::state::running) running.push_back(t.get());
    }
    return running;
}

status task_manager::recover_all() {
    abort_transaction();
    std::vector<topic_partition> assigned;
    for (const auto& [tp, t] : by_partition_) assigned.push_back(tp);
    for (const auto& id : task_ids()) close_task(id, true);
    close_suspended();
    status st = consumer_->rewind_to_committed(assigned);
    if (!st) return st;
    spdlog::warn("[streams] transaction aborted: {} partitions re-read from their committed offsets, tasks "
                 "restored from the changelogs",
                 assigned.size());
    return handle_assignment(assigned);
}

void task_manager::close_task(const task_id& id, bool dirty) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    restorer_->unregister_task(id);
    for (const auto& tp : it->second->inputs()) by_partition_.erase(tp);
    it->second->close(dirty);
    tasks_.erase(it);
    if (env_.thread_metrics) record_if(env_.thread_metrics->task_closed);
    spdlog::info("[streams] closed task {}", id.to_string());
}

void task_manager::add_records(std::vector<consumed_record>& records) {
    // A poll returns runs of records of one partition: the task and the
    // partition's index in it are found once per run (by the name the task
    // keeps: the records' own views go with them).
    const topic_partition* run = nullptr;
    stream_task* task = nullptr;
    size_t index = 0;
    for (auto& r : records) {
        if (run == nullptr || r.tp.partition != run->partition || r.tp.topic != run->topic) {
            auto it = by_partition_.find(r.tp);
            if (it == by_partition_.end()) {  // revoked meanwhile; re-read by the new owner
                run = nullptr;
                continue;
            }
            run = &it->first;
            task = it->second;
            std::optional<size_t> i = task->input_index(r.tp);
            SAMSA_ASSERT(i.has_value(), "a task is registered for a partition it does not read");
            index = *i;
        }
        task->add_record(std::move(r), index);
    }
}

size_t task_manager::poll_budget() const {
    size_t buffered = 0;
    for (const auto& [id, t] : tasks_) buffered += t->buffered();
    size_t limit = max_buffered_ * by_partition_.size();
    return buffered >= limit ? 0 : limit - buffered;
}

status task_manager::restore(std::chrono::milliseconds poll_timeout, size_t max_records) {
    auto done = restorer_->restore(poll_timeout, max_records);
    if (!done) return done.error();
    for (stream_task* t : *done) {
        t->mark_running();
        consumer_->resume(std::vector<topic_partition>(t->inputs().begin(), t->inputs().end()));
        spdlog::info("[streams] task {} restored, running", t->id().to_string());
    }
    return ok();
}

size_t task_manager::process(size_t max_per_task) {
    size_t total = 0;
    // active-process-ratio: each task's share of the round, timed per task
    // as Kafka's TaskExecutor times each task's batch.
    const bool timed = env_.thread_metrics != nullptr;
    std::chrono::nanoseconds all_tasks{0};
    // The sensors recorded per record in this round (record-e2e-latency)
    // take one clock reading, as Kafka's do.
    std::optional<metrics_round> round;
    if (timed) round.emplace();
    for (auto& [id, t] : tasks_) {
        if (t->current_state() != stream_task::state::running) continue;
        const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        // max.task.idle.ms: a task may wait for its empty partitions.
        int64_t now = t->context().wall_clock_ms();
        // record-e2e-latency measures against this reading, as Kafka's
        // TaskExecutor hands one wall-clock time to a task's round.
        t->context().set_metrics_clock_ms(now);
        size_t taken = 0;
        size_t skipped_before = t->skipped_total();
        while (taken < max_per_task && t->is_processable(now) && t->process_one()) ++taken;
        // Skipped records count as dropped, not processed (Kafka skips them
        // before processing).
        size_t processed = taken - (t->skipped_total() - skipped_before);
        if (processed > 0) t->record_processed(processed);
        t->record_round();
        total += processed;
        if (timed) {
            const std::chrono::nanoseconds took = std::chrono::steady_clock::now() - start;
            t->add_process_time(took);
            all_tasks += took;
        }
    }
    if (timed) {
        for (auto& [id, t] : tasks_) {
            if (t->current_state() == stream_task::state::running) t->record_process_ratio(all_tasks);
        }
    }
    resume_drained_partitions();
    return total;
}

size_t task_manager::punctuate() {
    // After a round of processing, as Kafka's TaskManager.punctuate().
    size_t fired = 0;
    for (auto& [id, t] : tasks_) {
        if (t->current_state() != stream_task::state::running) continue;
        if (t->maybe_punctuate_stream_time()) ++fired;
        if (t->maybe_punctuate_wall_clock()) ++fired;
    }
    return fired;
}

size_t task_manager::running_count() const {
    size_t n = 0;
    for (const auto& [id, t] : tasks_) n += t->current_state() == stream_task::state::running ? 1 : 0;
    return n;
}

status task_manager::commit() { return commit_tasks(running_tasks(), false); }

std::map<topic_partition, samsa::offset> task_manager::purgeable_offsets() {
    std::map<topic_partition, samsa::offset> out;
    for (stream_task* t : running_tasks()) out.merge(t->purgeable_offsets());
    return out;
}

status task_manager::commit_tasks(const std::vector<stream_task*>& tasks, bool enforce_checkpoint) {
    if (tasks.empty() && !collector_->in_transaction()) return ok();
    for (stream_task* t : tasks) t->prepare_commit();
    // The flush and the commit wait on Kafka: blocked-time-ns-total.
    std::optional<blocked_timer> blocked(std::in_place, env_.thread_metrics);
    status st = collector_->flush(timeout_);
    if (!st) return st;
    committed_offsets offsets;
    for (stream_task* t : tasks) offsets.merge(t->committable_offsets());
    // Kafka's order (TaskManager.commit): offsets first, checkpoints after. A
    // checkpoint written before a commit that then fails would say the store
    // holds more than the committed offsets account for.
    if (collector_->exactly_once()) {
        // Only offsets that moved: an idle thread must not commit an empty
        // transaction every 100 ms (Kafka commits only tasks that processed).
        committed_offsets moved;
        for (const auto& [tp, off] : offsets) {
            if (auto it = committed_.find(tp); it == committed_.end() || it->second != off) moved.emplace(tp, off);
        }
        auto group = consumer_->group_metadata();
        st = collector_->commit_transaction(moved, group.get(), timeout_);
        if (!st) return st;
        for (const auto& [tp, off] : moved) committed_[tp] = off;
    } else if (!offsets.empty()) {
        st = consumer_->commit(offsets);
        if (!st) return st;
    }
    blocked.reset();  // checkpoints are local work
    for (stream_task* t : tasks) {
        st = t->post_commit(enforce_checkpoint);
        if (!st) return st;
    }
    return ok();
}

void task_manager::close_all(bool clean) {
    bool dirty = !clean;
    if (clean) {
        status st = commit_tasks(running_tasks(), true);
        if (!st) spdlog::warn("[streams] commit on close failed: {}", st.error().message);
        // Under exactly-once the uncommitted work is aborted, so the stores
        // (which hold it) must go too.
        if (!st && collector_->exactly_once()) dirty = true;
    }
    if (dirty && collector_->exactly_once()) abort_transaction();
    std::vector<task_id> ids = task_ids();
    for (const auto& id : ids) close_task(id, dirty);
    close_suspended();
}

bool task_manager::restoring() const {
    for (const auto& [id, t] : tasks_) {
        if (t->current_state() != stream_task::state::running) return true;
    }
    return false;
}

bool task_manager::pause_full_partitions_of_idle_tasks() {
    std::vector<topic_partition> full;
    bool any = false;
    for (const auto& [id, t] : tasks_) {
        if (t->current_state() != stream_task::state::running || t->buffered() == 0) continue;
        if (t->is_processable(t->context().wall_clock_ms())) continue;
        for (const auto& tp : t->inputs()) {
            if (t->buffered(tp) < max_buffered_) continue;
            any = true;
            if (paused_for_idle_.insert(tp).second) full.push_back(tp);
        }
    }
    if (!full.empty()) consumer_->pause(full);
    return any;
}

void task_manager::resume_drained_partitions() {
    if (paused_for_idle_.empty()) return;
    std::vector<topic_partition> drained;
    for (auto it = paused_for_idle_.begin(); it != paused_for_idle_.end();) {
        auto owner = by_partition_.find(*it);
        if (owner == by_partition_.end()) {  // revoked meanwhile: its next owner starts unpaused
            it = paused_for_idle_.erase(it);
        } else if (owner->second->buffered(*it) < max_buffered_) {
            drained.push_back(*it);
            it = paused_for_idle_.erase(it);
        } else {
            ++it;
        }
    }
    if (!drained.empty()) consumer_->resume(drained);
}

bool task_manager::has_processable() {
    for (const auto& [id, t] : tasks_) {
        if (t->current_state() != stream_task::state::running || t->buffered() == 0) continue;
        if (t->is_processable(t->context().wall_clock_ms())) return true;
    }
    return false;
}

bool task_manager::has_buffered() const {
    for (const auto& [id, t] : tasks_) {
        if (t->current_state() == stream_task::state::running && t->buffered() > 0) return true;
    }
    return false;
}

std::vector<task_id> task_manager::task_ids() const {
    std::vector<task_id> out;
    for (const auto& [id, t] : tasks_) out.push_back(id);
    return out;
}

stream_task* task_manager::task(const task_id& id) {
    auto it = tasks_.find(id);
    return it == tasks_.end() ? nullptr : it->second.get();
}

}  // namespace samsa::streams::internal
