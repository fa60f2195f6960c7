#include "samsa/streams/internal/runtime/stream_task.h"

#include <spdlog/spdlog.h>

#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal {

stream_task::stream_task(task_id id, std::set<topic_partition> inputs, const task_environment& env)
    : id_(id), env_(&env), records_(inputs) {}

stream_task::~stream_task() { close(); }

result<std::unique_ptr<stream_task>> stream_task::create(task_id id, std::set<topic_partition> inputs,
                                                         const task_environment& env) {
    std::unique_ptr<stream_task> t(new stream_task(id, std::move(inputs), env));
    auto lock = env.state_dir->lock(id.to_string());
    if (!lock) return lock.error();
    t->lock_ = std::move(*lock);
    auto dir = env.state_dir->directory_for(id.to_string());
    if (!dir) return dir.error();
    t->checkpoint_ = std::make_unique<checkpoint_file>(*dir / ".checkpoint");
    auto checkpointed = t->checkpoint_->read();
    if (!checkpointed) return checkpointed.error();

    const subtopology_info& s = env.metadata->subtopology(id.subtopology);
    task_config config{env.metadata->application_id(), id.to_string(), id.partition, *dir, env.cache_max_bytes};
    t->context_ = std::make_unique<task_context>(config, *env.collector, env.wall_clock);
    try {
        for (const auto& [name, store] : env.global_stores) t->context_->add_global_store(name, store);
        const auto& builders = env.topo->internal_builder().stores();
        for (const auto& store : s.stores) t->context_->add_store(builders.at(store));
        t->build_nodes(s);
    } catch (const std::exception& e) {
        return make_error(errc::invalid_argument, "cannot create task " + id.to_string() + ": " + e.what());
    }
    for (const auto& [store, topic] : s.changelogs) {
        changelog_partition c;
        c.store = store;
        c.tp = topic_partition{topic, id.partition};
        c.persistent = t->context_->store(store).persistent();
        auto it = checkpointed->find(c.tp);
        if (c.persistent && it != checkpointed->end()) {
            c.start = it->second + 1;
            t->restored_[c.tp] = it->second;
        }
        t->changelogs_.push_back(std::move(c));
    }
    return t;
}

void stream_task::build_nodes(const subtopology_info& s) {
    const auto& b = env_->topo->internal_builder();
    const std::string& app = env_->metadata->application_id();
    std::map<std::string, processor_node_base*> by_name;
    for (const auto& name : s.nodes) {
        const auto& f = b.node(name);
        std::unique_ptr<processor_node_base> node;
        switch (f.kind) {
            case node_kind::source: {
                auto src = f.make_source();
                for (const auto& topic : f.topics) sources_[b.is_internal_topic(topic) ? app + "-" + topic : topic] = src.get();
                node = std::move(src);
                break;
            }
            case node_kind::processor:
                node = f.make_processor();
                break;
            case node_kind::sink:
                node = f.make_sink(f.extractor.empty() && b.is_internal_topic(f.topic) ? app + "-" + f.topic : f.topic);
                break;
        }
        for (const auto& p : f.predecessors) by_name.at(p)->add_child(node.get());
        by_name[f.name] = node.get();
        nodes_.push_back(std::move(node));
    }
    for (auto& n : nodes_) n->init(*context_);
}

void stream_task::restore(const changelog_partition& c, const consumed_record& r) {
    std::optional<bytes_view> value;
    if (r.value) value = bytes_view(*r.value);
    bytes_view key = r.key ? bytes_view(*r.key) : bytes_view();
    context_->store(c.store).restore(key, value, r.timestamp);
    restored_[c.tp] = r.offset;
}

bool stream_task::process_one() {
    std::optional<consumed_record> r = records_.next();
    if (!r) return false;
    consumed_[r->tp] = r->offset + 1;
    if (r->timestamp < 0) {
        ++skipped_;
        spdlog::warn("[streams] task {} skips a record with negative timestamp {} at {}@{}", id_.to_string(),
                     r->timestamp, r->tp.to_string(), r->offset());
        return true;
    }
    auto src = sources_.find(r->tp.topic);
    if (src == sources_.end()) throw task_failure("task " + id_.to_string() + " has no source for " + r->tp.topic);
    raw_record raw;
    raw.key = std::move(r->key);
    raw.value = std::move(r->value);
    raw.timestamp = r->timestamp;
    raw.headers = std::move(r->headers);
    raw.metadata = record_metadata{r->tp.topic, r->tp.partition, r->offset()};
    context_->observe_timestamp(raw.timestamp);
    context_->set_current(raw.metadata, raw.timestamp, raw.headers);
    try {
        src->second->process_raw(raw);
        context_->maybe_punctuate_stream_time();
    } catch (const serde_error& e) {
        // The source deserializes inside process_raw(), so a serde_error from
        // a processor further down is treated the same way (see the README).
        if (env_->on_deserialization_error == deserialization_handler_response::continue_processing) {
            ++skipped_;
            spdlog::warn("[streams] task {} skips a record it cannot deserialize at {}@{}: {}", id_.to_string(),
                         r->tp.to_string(), r->offset(), e.what());
            return true;
        }
        throw task_failure("task " + id_.to_string() + ": deserialization error at " + r->tp.to_string() + "@" +
                           std::to_string(r->offset()) + " (default.deserialization.exception.handler=logAndFail): " +
                           e.what());
    } catch (const task_failure&) {
        throw;
    } catch (const std::exception& e) {
        throw task_failure("task " + id_.to_string() + ": exception processing " + r->tp.to_string() + "@" +
                           std::to_string(r->offset()) + ": " + e.what());
    }
    return true;
}

bool stream_task::maybe_punctuate_wall_clock() {
    try {
        return context_->maybe_punctuate_system_time();
    } catch (const task_failure&) {
        throw;
    } catch (const std::exception& e) {
        throw task_failure("task " + id_.to_string() + ": exception in a punctuator: " + e.what());
    }
}

void stream_task::flush_stores() {
    try {
        context_->flush_stores();
    } catch (const task_failure&) {
        throw;
    } catch (const std::exception& e) {
        throw task_failure("task " + id_.to_string() + ": cannot flush its stores: " + e.what());
    }
}

status stream_task::write_checkpoint(const stream_record_collector& collector) {
    std::map<topic_partition, samsa::offset> out;
    for (const auto& c : changelogs_) {
        if (!c.persistent) continue;
        std::optional<samsa::offset> off;
        if (auto it = restored_.find(c.tp); it != restored_.end()) off = it->second;
        if (auto sent = collector.last_offset(c.tp); sent && (!off || *sent > *off)) off = sent;
        if (off) out[c.tp] = *off;
    }
    if (out.empty()) return ok();
    return checkpoint_->write(out);
}

void stream_task::close() {
    if (state_ == state::closed) return;
    state_ = state::closed;
    for (auto& n : nodes_) {
        try {
            n->close();
        } catch (const std::exception& e) {
            spdlog::warn("[streams] task {}: processor {} failed to close: {}", id_.to_string(), n->name(), e.what());
        }
    }
    if (context_) context_->close_stores();
    nodes_.clear();
    context_.reset();
    lock_.reset();
}

}  // namespace samsa::streams::internal
