#include "samsa/streams/internal/runtime/global_stream_thread.h"

#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/source_node.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

// Global processors keep a store; they never produce. Anything sent is a
// topology error worth a loud log, not a crash.
class global_stream_thread::null_collector final : public record_collector {
public:
    void send(produced_record r) override {
        spdlog::warn("[streams] a global processor sent a record to {}; dropped", r.topic);
    }
};

global_stream_thread::global_stream_thread(const streams_config& config, const topology& t,
                                           const state_directory& dirs, std::unique_ptr<partition_reader> reader,
                                           std::function<int64_t()> wall_clock)
    : config_(&config), topology_(&t), dirs_(&dirs), reader_(std::move(reader)), wall_clock_(std::move(wall_clock)),
      collector_(std::make_unique<null_collector>()) {}

global_stream_thread::~global_stream_thread() {
    shutdown();
    join();
    for (auto& n : nodes_) n->close();
    for (auto& [name, s] : stores_) {
        if (s->is_open()) s->close();
    }
}

status global_stream_thread::initialize(const std::map<std::string, int>& partition_counts) {
    const auto& b = topology_->internal_builder();
    auto lock = dirs_->lock("global");
    if (!lock) return lock.error();
    lock_ = std::move(*lock);
    auto dir = dirs_->directory_for("global");
    if (!dir) return dir.error();
    checkpoint_ = std::make_unique<checkpoint_file>(*dir / ".checkpoint");
    auto checkpointed = checkpoint_->read();
    if (!checkpointed) return checkpointed.error();

    task_config tc{config_->application_id, "global", 0, *dir};
    context_ = std::make_unique<task_context>(tc, *collector_, wall_clock_);
    for (const auto& [name, builder] : b.global_store_builders()) {
        auto store = std::make_unique<synchronized_key_value_store>(builder.build());
        store_context sc;
        sc.application_id = config_->application_id;
        sc.task_dir = *dir;
        sc.partition = 0;
        sc.changelog = nullptr;
        sc.record_timestamp = [this] { return context_->current_timestamp(); };
        sc.cache_max_bytes = config_->cache_max_bytes;
        status st = store->init(sc);
        if (!st) return make_error(st.error().code, "cannot open global store " + name + ": " + st.error().message);
        context_->add_global_store(name, store.get());
        stores_.emplace(name, std::move(store));
    }
    std::set<std::string> global_nodes;
    for (const auto& g : b.global_stores()) {
        global_nodes.insert(g.source_name);
        global_nodes.insert(g.processor_name);
        topic_store_[g.topic] = g.store_name;
    }
    std::map<std::string, processor_node_base*> by_name;
    try {
        for (const auto& f : b.nodes()) {
            if (!global_nodes.count(f.name)) continue;
            std::unique_ptr<processor_node_base> node;
            if (f.kind == node_kind::source) {
                auto src = f.make_source();
                for (const auto& topic : f.topics) sources_[topic] = src.get();
                node = std::move(src);
            } else {
                node = f.make_processor();
            }
            for (const auto& p : f.predecessors) by_name.at(p)->add_child(node.get());
            by_name[f.name] = node.get();
            nodes_.push_back(std::move(node));
        }
        for (auto& n : nodes_) n->init(*context_);
    } catch (const std::exception& e) {
        return make_error(errc::invalid_argument, std::string("cannot build the global topology: ") + e.what());
    }
    for (const auto& [topic, store] : topic_store_) {
        auto c = partition_counts.find(topic);
        if (c == partition_counts.end()) {
            return make_error(errc::not_found, "global topic " + topic + " does not exist");
        }
        bool persistent = stores_.at(store)->persistent();
        for (int32_t p = 0; p < c->second; ++p) {
            topic_partition tp{topic, p};
            partitions_.push_back(tp);
            if (auto it = checkpointed->find(tp); persistent && it != checkpointed->end()) positions_[tp] = it->second;
        }
    }
    return ok();
}

std::map<std::string, key_value_bytes_store*> global_stream_thread::stores() const {
    std::map<std::string, key_value_bytes_store*> out;
    for (const auto& [name, s] : stores_) out[name] = s.get();
    return out;
}

void global_stream_thread::start() { thread_ = std::thread([this] { run(); }); }

void global_stream_thread::join() {
    if (thread_.joinable()) thread_.join();
}

std::exception_ptr global_stream_thread::failure() const {
    std::lock_guard l(failure_mutex_);
    return failure_;
}

void global_stream_thread::apply(const consumed_record& r) {
    positions_[r.tp] = r.offset;
    auto src = sources_.find(r.tp.topic);
    if (src == sources_.end()) return;
    raw_record raw;
    raw.key = r.key;
    raw.value = r.value;
    raw.timestamp = r.timestamp;
    raw.headers = r.headers;
    raw.metadata = record_metadata{r.tp.topic, r.tp.partition, r.offset()};
    context_->observe_timestamp(raw.timestamp);
    context_->set_current(raw.metadata, raw.timestamp, raw.headers);
    try {
        src->second->process_raw(raw);
    } catch (const serde_error& e) {
        if (config_->on_deserialization_error == deserialization_handler_response::continue_processing) {
            spdlog::warn("[streams] global thread skips a record it cannot deserialize at {}@{}: {}",
                         r.tp.to_string(), r.offset(), e.what());
            return;
        }
        throw std::runtime_error("global thread: deserialization error at " + r.tp.to_string() + "@" +
                                 std::to_string(r.offset()) + ": " + e.what());
    }
}

void global_stream_thread::bootstrap() {
    std::map<topic_partition, samsa::offset> ends;
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
        for (const auto& r : *records) {
            apply(r);
            if (auto it = ends.find(r.tp); it != ends.end() && r.offset + 1 >= it->second) ends.erase(it);
        }
    }
    status st = flush_and_checkpoint();
    if (!st) throw std::runtime_error("global thread: " + st.error().message);
}

size_t global_stream_thread::poll_once(std::chrono::milliseconds timeout) {
    auto records = reader_->poll(timeout, 10000);
    if (!records) throw std::runtime_error("global thread: " + records.error().message);
    for (const auto& r : *records) apply(r);
    return records->size();
}

status global_stream_thread::flush_and_checkpoint() {
    std::map<topic_partition, samsa::offset> out;
    for (auto& [name, s] : stores_) s->flush();
    for (const auto& [tp, off] : positions_) {
        if (stores_.at(topic_store_.at(tp.topic))->persistent()) out[tp] = off;
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
