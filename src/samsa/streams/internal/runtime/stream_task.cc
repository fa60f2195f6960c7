#include "samsa/streams/internal/runtime/stream_task.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"

#include "samsa/streams/internal/runtime/queryable_store_registry.h"
#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/internal/runtime/topic_partition_metadata.h"

namespace samsa::streams::internal {

namespace {
// Kafka's StateManagerUtil.OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT.
constexpr int64_t checkpoint_delta = 10000;

// Everything in a task directory but its lock file: the stores' files and
// the checkpoint.
void wipe_task_state(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().filename() == ".lock") continue;
        std::error_code rm;
        std::filesystem::remove_all(entry.path(), rm);
        if (rm) spdlog::warn("[streams] cannot wipe {}: {}", entry.path().string(), rm.message());
    }
}
// Whether e is one of Kafka's ExtractRecordMetadataTimestamp built-ins:
// they answer a record's own timestamp whenever it is not negative (their
// policies differ only for negative ones).
bool uses_record_timestamp(const timestamp_extractor* e) {
    return e == fail_on_invalid_timestamp().get() || e == log_and_skip_on_invalid_timestamp().get() ||
           e == use_partition_time_on_invalid_timestamp().get();
}
}  // namespace

stream_task::stream_task(task_id id, std::set<topic_partition> inputs, const task_environment& env)
    : id_(id), env_(&env), records_(inputs, id.to_string()), consumed_(inputs.size()) {}

stream_task::~stream_task() { close(); }

result<std::unique_ptr<stream_task>> stream_task::create(task_id id, const subtopology_info& s,
                                                         std::set<topic_partition> inputs,
                                                         const task_environment& env,
                                                         const committed_offsets& committed) {
    std::unique_ptr<stream_task> t(new stream_task(id, std::move(inputs), env));
    auto lock = env.state_dir->lock(id.to_string());
    if (!lock) return lock.error();
    t->lock_ = std::move(*lock);
    auto dir = env.state_dir->directory_for(id.to_string());
    if (!dir) return dir.error();
    t->checkpoint_ = std::make_unique<checkpoint_file>(*dir / ".checkpoint");
    t->dir_ = *dir;
    auto checkpointed = t->checkpoint_->read();
    if (!checkpointed) return checkpointed.error();
    if (env.exactly_once) {
        if (checkpointed->empty()) {
            // A crash or a dirty close: the stores may hold uncommitted writes.
            wipe_task_state(*dir);
        } else {
            t->checkpoint_->remove();
        }
    }

    const std::string& app = env.metadata->application_id();
    task_config config{.application_id = app,
                       .task_id = id.to_string(),
                       .partition = id.partition,
                       .task_dir = *dir,
                       .cache = env.cache,
                       .windowed_emit_interval_ms = env.windowed_emit_interval_ms,
                       .outer_join_emit_interval_ms = env.outer_join_emit_interval_ms,
                       .queryable_stores = env.queries != nullptr,
                       .metrics = env.metrics,
                       .thread_id = env.thread_id};
    t->context_ = std::make_unique<task_context>(config, *env.collector, env.wall_clock);
    if (env.metrics) {
        t->sensors_ = std::make_unique<task_sensors>(env.metrics, env.thread_id, id.to_string());
        t->context_->set_dropped_records_sensor(t->sensors_->dropped);
        if (t->sensors_->punctuate->should_record()) t->context_->set_punctuate_sensor(t->sensors_->punctuate);
        if (t->sensors_->cache_size->should_record()) t->context_->set_cache_size_sensor(t->sensors_->cache_size);
    }
    t->restore_committed_metadata(committed);
    try {
        for (const auto& [name, store] : env.global_stores) t->context_->add_global_store(name, store);
        const auto& builders = env.topo->internal_builder().stores();
        for (const auto& store : s.stores) t->context_->add_store(builders.at(store));
        t->graph_ = std::make_unique<task_graph>(env.topo->internal_builder(), s.nodes, app);
        if (env.metrics) t->graph_->enable_metrics(env.metrics, env.thread_id, id.to_string());
        const timestamp_extractor* fallback = env.default_timestamp_extractor ? env.default_timestamp_extractor.get()
                                                                              : fail_on_invalid_timestamp().get();
        for (const auto& tp : t->records_.partitions()) {
            t->input_sources_.push_back(t->graph_->find_source(tp.topic));
            const auto& source = t->input_sources_.back();
            const timestamp_extractor* e =
                source && source->node->extractor() ? source->node->extractor().get() : fallback;
            t->input_extractors_.push_back(e);
            t->record_time_extractor_.push_back(uses_record_timestamp(e));
        }
        t->graph_->init(*t->context_);
        // The producer learns where its sinks' partitions are now, not at the
        // first record (which would wait for librdkafka's next topic scan).
        for (const auto& topic : t->graph_->sink_topics()) env.collector->partition_count(topic);
    } catch (const std::exception& e) {
        return make_error(errc::invalid_argument, "cannot create task " + id.to_string() + ": " + e.what());
    }
    for (const auto& [store, topic] : s.changelogs) {
        changelog_partition c;
        c.store = store;
        c.tp = topic_partition{topic, id.partition};
        c.persistent = t->context_->store(store).persistent();
        auto it = checkpointed->find(c.tp);
        std::optional<samsa::offset> restored;
        if (c.persistent && it != checkpointed->end()) {
            c.start = it->second + 1;
            restored = it->second;
        }
        t->changelogs_.push_back(std::move(c));
        t->restored_.push_back(restored);
        t->checkpointed_.emplace_back();
    }
    t->register_for_queries();
    return t;
}

void stream_task::register_for_queries() {
    if (!env_->queries) return;
    std::map<std::string, synchronized_key_value_store*> stores;
    for (const auto& name : context_->store_names()) {
        // task_config::queryable_stores topped every store with the lock.
        stores[name] = &dynamic_cast<synchronized_key_value_store&>(context_->store(name));
    }
    env_->queries->add_task(id_.to_string(), id_.partition, stores);
}

void stream_task::set_queryable(bool running) {
    if (env_->queries) env_->queries->set_task_running(id_.to_string(), running);
}

void stream_task::restore_committed_metadata(const committed_offsets& committed) {
    std::map<std::string, int64_t> processor_metadata;
    for (const auto& [tp, position] : committed) {
        if (records_.partitions().count(tp) == 0) continue;
        topic_partition_metadata m = topic_partition_metadata::decode(position.metadata);
        if (m.partition_time >= 0) {
            spdlog::debug("[streams] task {}: committed partition time {} for {}", id_.to_string(), m.partition_time,
                          tp.to_string());
            records_.set_partition_time(tp, m.partition_time);
            context_->observe_timestamp(m.partition_time);
        }
        merge_processor_metadata(processor_metadata, m.processor_metadata);
    }
    for (const auto& [key, value] : processor_metadata) context_->set_processor_metadata(key, value);
}

committed_offsets stream_task::committable_offsets() const {
    committed_offsets out;
    size_t index = 0;
    for (const auto& tp : records_.partitions()) {
        if (const std::optional<samsa::offset>& next = consumed_[index++]) {
            topic_partition_metadata m{records_.partition_time(tp), context_->all_processor_metadata()};
            out[tp] = offset_and_metadata{*next, m.encode()};
        }
    }
    return out;
}

std::map<topic_partition, samsa::offset> stream_task::purgeable_offsets() const {
    std::map<topic_partition, samsa::offset> out;
    size_t index = 0;
    for (const auto& tp : records_.partitions()) {
        const std::optional<samsa::offset>& next = consumed_[index++];
        if (next && env_->metadata->is_repartition_topic(tp.topic)) out.emplace(tp, *next);
    }
    return out;
}

void stream_task::restore(const changelog_partition& c, const consumed_record& r) {
    context_->store(c.store).restore(r.key.value_or(bytes_view()), r.value, r.timestamp);
    for (size_t i = 0; i < changelogs_.size(); ++i) {
        if (changelogs_[i].tp == c.tp) restored_[i] = r.offset;
    }
}

void stream_task::mark_running() {
    state_ = state::running;
    set_queryable(true);
    // What the stores hold once restored is what a checkpoint would say.
    for (size_t i = 0; i < changelogs_.size(); ++i) checkpointed_[i] = changelog_offset(i);
}

void stream_task::add_record(consumed_record r) {
    const std::optional<size_t> index = records_.index_of(r.tp);
    if (!index) throw task_failure("task " + context_->task_id() + " does not own " + r.tp.to_string());
    add_record(std::move(r), *index);
}

void stream_task::add_record(consumed_record r, size_t index) {
    SAMSA_ASSERT(index < input_sources_.size(), "input partition index out of range");
    const std::optional<task_graph::source_ref>& source = input_sources_[index];
    if (!source) throw task_failure("task " + context_->task_id() + " has no source for " + std::string(r.tp.topic));
    if (r.timestamp >= 0 && record_time_extractor_[index]) {
        // What the extractor would answer (uses_record_timestamp).
        records_.add(index, std::move(r));
        return;
    }
    std::optional<int64_t> ts = graph_->extract_timestamp(r, *source, records_.partition_time(index), *context_,
                                                          *input_extractors_[index]);
    if (!ts) {
        // Dropped. Nothing earlier waits on its partition: it counts as
        // consumed, so the next commit moves past it.
        if (records_.buffered(index) == 0) consumed_[index] = r.offset + 1;
        return;
    }
    r.timestamp = *ts;
    records_.add(index, std::move(r));
}

bool stream_task::process_one() {
    size_t index = 0;
    std::optional<consumed_record> r = records_.next(index);
    if (!r) return false;
    consumed_[index] = r->offset + 1;
    // add_record() saw the source.
    const task_graph::source_ref& source = *input_sources_[index];
    if (sensors_ && sensors_->process_latency->should_record()) {
        process_measured(std::move(*r), source);
        return true;
    }
    if (graph_->process(std::move(*r), source, *context_, env_->on_deserialization_error) ==
        record_outcome::skipped) {
        ++skipped_;
    }
    return true;
}

// Kafka's StreamTask.doProcess times the record's way through the topology
// in ns, and PartitionGroup.nextRecord records how far the record is behind
// stream time (0 when it moves stream time on). next() has already moved
// stream time, which gives the same value. A record the deserialization
// handler skips records neither: Kafka drops it before both.
void stream_task::process_measured(consumed_record r, const task_graph::source_ref& source) {
    const int64_t lateness = records_.stream_time() - r.timestamp;
    const auto start = std::chrono::steady_clock::now();
    if (graph_->process(std::move(r), source, *context_, env_->on_deserialization_error) ==
        record_outcome::skipped) {
        ++skipped_;
        return;
    }
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    sensors_->process_latency->record(static_cast<double>(took.count()));
    sensors_->record_lateness->record(static_cast<double>(lateness));
}

void stream_task::record_processed(size_t n) {
    if (sensors_ && sensors_->process->should_record()) sensors_->process->record(static_cast<double>(n));
}

void stream_task::record_round() {
    if (!sensors_ || !sensors_->buffer_count->should_record()) return;
    sensors_->buffer_count->record(static_cast<double>(records_.buffered()));
    const int64_t enforced = records_.enforced_processing_total();
    if (enforced > enforced_recorded_) {
        sensors_->enforced_processing->record(static_cast<double>(enforced - enforced_recorded_));
        enforced_recorded_ = enforced;
    }
}

void stream_task::record_process_ratio(std::chrono::nanoseconds all_tasks) {
    if (sensors_ && all_tasks.count() > 0) {
        sensors_->active_process_ratio->record(static_cast<double>(process_time_.count()) /
                                               static_cast<double>(all_tasks.count()));
    }
    process_time_ = std::chrono::nanoseconds{0};
}

void stream_task::record_restoration(int64_t records, bool init_remaining) {
    if (!sensors_) return;
    if (init_remaining) {
        sensors_->restore_remaining->record(static_cast<double>(records));
        return;
    }
    sensors_->restore->record(static_cast<double>(records));
    sensors_->restore_remaining->record(-static_cast<double>(records));
}

template<class F>
void stream_task::guarded(const char* what, F&& f) {
    try {
        f();
    } catch (const task_failure&) {
        throw;
    } catch (const std::exception& e) {
        throw task_failure("task " + id_.to_string() + ": " + what + ": " + e.what(), std::current_exception());
    }
}

bool stream_task::maybe_punctuate_stream_time() {
    bool fired = false;
    guarded("exception in a punctuator", [&] { fired = context_->maybe_punctuate_stream_time(); });
    return fired;
}

bool stream_task::maybe_punctuate_wall_clock() {
    bool fired = false;
    guarded("exception in a punctuator", [&] { fired = context_->maybe_punctuate_system_time(); });
    return fired;
}

void stream_task::prepare_commit() {
    guarded("cannot flush its record caches", [&] { context_->flush_caches(); });
}

std::optional<samsa::offset> stream_task::changelog_offset(size_t index) const {
    std::optional<samsa::offset> off = restored_[index];
    if (auto sent = env_->collector->last_offset(changelogs_[index].tp); sent && (!off || *sent > *off)) off = sent;
    return off;
}

int64_t stream_task::changelog_records_since_checkpoint() const {
    int64_t moved = 0;
    for (size_t i = 0; i < changelogs_.size(); ++i) {
        auto off = changelog_offset(i);
        if (!off) continue;
        moved += (*off)() - (checkpointed_[i] ? (*checkpointed_[i])() : int64_t{-1});
    }
    return moved;
}

void stream_task::resume() {
    state_ = state::running;
    set_queryable(true);
    // The checkpoint written at suspension stops being true with the next
    // (uncommitted) write.
    if (env_->exactly_once) checkpoint_->remove();
}

status stream_task::post_commit(bool enforce_checkpoint) {
    if (env_->exactly_once && !enforce_checkpoint) return ok();
    // Counted without building the offsets' map: the test driver commits
    // after every record.
    if (!enforce_checkpoint && changelog_records_since_checkpoint() <= checkpoint_delta) return ok();
    std::vector<std::optional<samsa::offset>> now(changelogs_.size());
    for (size_t i = 0; i < changelogs_.size(); ++i) now[i] = changelog_offset(i);
    guarded("cannot flush its stores", [&] { context_->flush_stores(); });
    checkpointed_ = now;
    std::map<topic_partition, samsa::offset> persistent;
    for (size_t i = 0; i < changelogs_.size(); ++i) {
        if (changelogs_[i].persistent && now[i]) persistent.emplace(changelogs_[i].tp, *now[i]);
    }
    if (persistent.empty()) return ok();
    return checkpoint_->write(persistent);
}

void stream_task::close(bool dirty) {
    if (state_ == state::closed) return;
    state_ = state::closed;
    // Before the stores close: waits for queries reading them.
    if (env_->queries && context_) env_->queries->remove_task(id_.to_string());
    if (graph_) graph_->close(id_.to_string());
    if (context_) context_->close_stores();
    graph_.reset();
    context_.reset();
    sensors_.reset();
    if (dirty && env_->exactly_once && !dir_.empty()) {
        spdlog::info("[streams] task {} closed dirty under exactly-once: wiping its state", id_.to_string());
        wipe_task_state(dir_);
    }
    lock_.reset();
}

}  // namespace samsa::streams::internal
