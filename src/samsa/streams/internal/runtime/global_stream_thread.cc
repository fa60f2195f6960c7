#include "samsa/streams/internal/runtime/global_stream_thread.h"

#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

global_stream_thread::global_stream_thread(const streams_config& config, const topology& t,
                                           const state_directory& dirs, std::unique_ptr<partition_reader> reader,
                                           std::function<int64_t()> wall_clock)
    : config_(&config), topology_(&t), dirs_(&dirs), reader_(std::move(reader)), wall_clock_(std::move(wall_clock)) {}

global_stream_thread::~global_stream_thread() {
    shutdown();
    join();
    task_.reset();
}

status global_stream_thread::initialize(const std::map<std::string, int>& partition_counts) {
    auto lock = dirs_->lock("global");
    if (!lock) return lock.error();
    lock_ = std::move(*lock);
    auto dir = dirs_->directory_for("global");
    if (!dir) return dir.error();
    checkpoint_ = std::make_unique<checkpoint_file>(*dir / ".checkpoint");
    auto checkpointed = checkpoint_->read();
    if (!checkpointed) return checkpointed.error();
    global_task_options options;
    options.application_id = config_->application_id;
    options.dir = *dir;
    options.wall_clock = wall_clock_;
    options.on_deserialization_error = config_->on_deserialization_error;
    options.synchronized_stores = true;  // stream threads read them
    auto task = global_state_task::create(*topology_, std::move(options));
    if (!task) return task.error();
    task_ = std::move(*task);
    for (const auto& [topic, store] : task_->topic_stores()) {
        auto c = partition_counts.find(topic);
        if (c == partition_counts.end()) {
            return make_error(errc::not_found, "global topic " + topic + " does not exist");
        }
        bool persistent = task_->context().store(store).persistent();
        for (int32_t p = 0; p < c->second; ++p) {
            topic_partition tp{topic, p};
            partitions_.push_back(tp);
            if (auto it = checkpointed->find(tp); persistent && it != checkpointed->end()) positions_[tp] = it->second;
        }
    }
    return ok();
}

std::map<std::string, key_value_bytes_store*> global_stream_thread::stores() const { return task_->stores(); }

// Kafka names it <client id>-GlobalStreamThread; samsa's client id prefix
// is the application id, as for the stream threads' names.
std::string global_stream_thread::name() const { return config_->application_id + "-GlobalStreamThread"; }

void global_stream_thread::start() {
    thread_.start(name(), [this] { run(); });
}

void global_stream_thread::join() { thread_.join(); }

std::exception_ptr global_stream_thread::failure() const {
    std::lock_guard l(failure_mutex_);
    return failure_;
}

void global_stream_thread::apply(consumed_record&& r) {
    if (auto it = positions_.find(r.tp); it != positions_.end()) it->second = r.offset;
    else positions_.emplace(r.tp.owned(), r.offset);
    if (!task_->has_topic(r.tp.topic)) return;
    task_->update(std::move(r));
}

void global_stream_thread::bootstrap() {
    std::map<topic_partition, samsa::offset, partition_less> ends;
    for (const auto& tp : partitions_) {
        auto marks = reader_->watermarks(tp, config_->request_timeout);
        if (!marks) throw std::runtime_error("global thread: " + marks.error().message);
        samsa::offset start = marks->first;
        if (auto it = positions_.find(tp); it != positions_.end() && it->second + 1 > start) start = it->second + 1;
        status st = reader_->assign(tp, start);
        if (!st) throw std::runtime_error("global thread: " + st.error().message);
        if (start < marks->second) ends[tp] = marks->second;
    }
    while (!ends.empty() && !stop_requested_) {
        auto records = reader_->poll(config_->poll_time, 10000);
        if (!records) throw std::runtime_error("global thread: " + records.error().message);
        for (auto& r : *records) {
            samsa::offset next = r.end_of_partition ? r.offset : r.offset + 1;
            if (auto it = ends.find(r.tp); it != ends.end() && next >= it->second) ends.erase(it);
            if (!r.end_of_partition) apply(std::move(r));
        }
    }
    status st = flush_and_checkpoint();
    if (!st) throw std::runtime_error("global thread: " + st.error().message);
}

size_t global_stream_thread::poll_once(std::chrono::milliseconds timeout) {
    auto records = reader_->poll(timeout, 10000);
    if (!records) throw std::runtime_error("global thread: " + records.error().message);
    size_t applied = 0;
    for (auto& r : *records) {
        if (r.end_of_partition) continue;
        apply(std::move(r));
        ++applied;
    }
    return applied;
}

status global_stream_thread::flush_and_checkpoint() {
    std::map<topic_partition, samsa::offset> out;
    task_->flush();
    for (const auto& [tp, off] : positions_) {
        if (task_->context().store(task_->topic_stores().at(tp.topic)).persistent()) out[tp] = off;
    }
    if (out.empty()) return ok();
    return checkpoint_->write(out);
}

void global_stream_thread::run() {
    try {
        bootstrap();
        ready_ = true;
        spdlog::info("[streams] global stores bootstrapped");
        auto last = std::chrono::steady_clock::now();
        while (!stop_requested_) {
            poll_once(config_->poll_time);
            auto now = std::chrono::steady_clock::now();
            if (now - last >= config_->commit_interval) {
                status st = flush_and_checkpoint();
                if (!st) throw std::runtime_error("global thread: " + st.error().message);
                last = now;
            }
        }
        status st = flush_and_checkpoint();
        if (!st) spdlog::warn("[streams] global checkpoint on close: {}", st.error().message);
    } catch (const std::exception& e) {
        spdlog::error("[streams] global thread failed: {}", e.what());
        {
            std::lock_guard l(failure_mutex_);
            failure_ = std::current_exception();
        }
        dead_ = true;
        if (on_failure_) on_failure_(failure());
        return;
    }
    dead_ = true;
}

}  // namespace samsa::streams::internal
