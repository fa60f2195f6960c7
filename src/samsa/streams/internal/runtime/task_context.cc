#include "samsa/streams/detail/runtime/task_context.h"

#include <chrono>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"

namespace samsa::streams::internal {

task_context::task_context(task_config config, record_collector& collector, std::function<int64_t()> wall_clock)
    : config_(std::move(config)),
      collector_(&collector),
      wall_clock_(std::move(wall_clock)),
      operator_sensors_(std::make_unique<sensor_set>(config_.metrics)) {
    // A record a punctuator forwards before the first processing round
    // measures its end-to-end latency against the creation time.
    if (config_.metrics) metrics_clock_ms_ = wall_clock_();
}

task_context::~task_context() { close_stores(); }

// Kafka strips every caching layer when statestore.cache.max.bytes is 0
// (InternalTopologyBuilder.rewriteTopology in Kafka 3.8): a caching layer
// with no budget would still differ, e.g. drop a tombstone for an absent key,
// which Kafka forwards downstream (to a foreign-key join, for one).
store_builder task_context::effective_builder(const store_builder& builder) const {
    store_builder b = builder;
    if (config_.cache && config_.cache->max_bytes() == 0) b.with_caching_disabled();
    return b;
}

void task_context::add_store(const store_builder& declared, bool synchronized) {
    if (store_index_.count(declared.name())) return;
    const store_builder builder = effective_builder(declared);
    std::unique_ptr<key_value_bytes_store> s = builder.build();
    if (cache_size_sensor_) s->set_cache_size_sensor(cache_size_sensor_.get());
    rocksdb_metrics_recorder* rocksdb = nullptr;
    if (config_.metrics && !builder.metrics_scope().empty()) {
        s = metered(builder, std::move(s));
        rocksdb = store_sensors_.back()->rocksdb();
    }
    if (synchronized || config_.queryable_stores) s = std::make_unique<synchronized_key_value_store>(std::move(s));
    store_context ctx;
    ctx.application_id = config_.application_id;
    ctx.task_dir = config_.task_dir;
    ctx.partition = config_.partition;
    ctx.changelog = this;
    ctx.cache = config_.cache;
    ctx.rocksdb_metrics = rocksdb;
    // A synchronized (global) store is read by other threads, which must not
    // touch this task's record context (a cache evicting on their read).
    ctx.records = synchronized ? nullptr : this;
    status st = s->init(ctx);
    if (!st) throw std::runtime_error("cannot open state store '" + builder.name() + "': " + st.error().message);
    store_index_.emplace(builder.name(), s.get());
    stores_.push_back(std::move(s));
}

std::unique_ptr<key_value_bytes_store> task_context::metered(const store_builder& builder,
                                                             std::unique_ptr<key_value_bytes_store> s) {
    store_sensors_.push_back(std::make_unique<store_sensors>(config_.metrics, config_.thread_id, config_.task_id,
                                                             builder.metrics_scope(), builder.name(),
                                                             builder.kind(), builder.caching_enabled()));
    const store_sensors& sensors = *store_sensors_.back();
    if (sensors.cache_hit_ratio()) s->set_cache_hit_ratio_sensor(sensors.cache_hit_ratio());
    return std::make_unique<metered_key_value_store>(std::move(s), sensors.meters());
}

void task_context::add_global_store(const std::string& name, key_value_bytes_store* store) {
    global_stores_[name] = store;
}

key_value_bytes_store& task_context::store(const std::string& name) {
    if (auto it = store_index_.find(name); it != store_index_.end()) return *it->second;
    if (auto it = global_stores_.find(name); it != global_stores_.end()) return *it->second;
    throw std::logic_error("state store '" + name + "' is not available to this task");
}

bool task_context::has_store(const std::string& name) const {
    return store_index_.count(name) > 0 || global_stores_.count(name) > 0;
}

std::vector<std::string> task_context::store_names() const {
    std::vector<std::string> out;
    for (const auto& s : stores_) out.push_back(s->name());
    return out;
}

void task_context::flush_caches() {
    for (auto& s : stores_) s->flush_cache();
}

void task_context::flush_stores() {
    for (auto& s : stores_) s->flush();
}

void task_context::close_stores() {
    shared_slots_.clear();
    // Every store is closed even when one fails: closing a caching store
    // flushes it, and that can forward into a processor whose store is
    // already closed (a task closed dirty after a failure). Kafka's dirty
    // close likewise logs and swallows store close errors; a clean close has
    // flushed the caches in its commit already.
    for (auto& s : stores_) {
        if (!s->is_open()) continue;
        try {
            s->close();
        } catch (const std::exception& e) {
            spdlog::warn("[streams] task {}: state store {} failed to close: {}", config_.task_id, s->name(), e.what());
        }
    }
}

void task_context::set_current(std::optional<record_metadata> metadata, int64_t timestamp, record_headers headers) {
    current_.metadata = std::move(metadata);
    current_.timestamp = timestamp;
    current_.headers = std::move(headers);
}

cancellable task_context::schedule(processor_node_base* node, int64_t interval_ms, punctuation_type type,
                                   punctuator fn) {
    if (interval_ms < 1) throw std::invalid_argument("punctuation interval must be at least 1 ms");
    auto cancelled = std::make_shared<bool>(false);
    // As Kafka's StreamTask: stream time is aligned to 0 and fires as soon as
    // there is data; wall-clock time fires one interval from now.
    int64_t first = type == punctuation_type::stream_time ? 0 : wall_clock_ms() + interval_ms;
    schedules_.push_back(schedule_entry{node, interval_ms, type, first, std::move(fn), cancelled});
    return cancellable(cancelled);
}

bool task_context::punctuate(punctuation_type type, int64_t now) {
    bool fired = false;
    // Index loop: a punctuator may schedule more punctuators.
    for (size_t i = 0; i < schedules_.size(); ++i) {
        if (schedules_[i].type != type || *schedules_[i].cancelled || schedules_[i].next > now) continue;
        // A punctuator's record context: its time, no topic, no headers.
        record_context saved = exchange_current_record(record_context{now, std::nullopt, {}});
        punctuator fn = schedules_[i].fn;
        try {
            if (punctuate_sensor_) {
                const auto start = std::chrono::steady_clock::now();
                fn(now);
                const auto took = std::chrono::steady_clock::now() - start;
                punctuate_sensor_->record(static_cast<double>(std::chrono::nanoseconds(took).count()));
            } else {
                fn(now);
            }
        } catch (...) {
            exchange_current_record(std::move(saved));
            throw;
        }
        exchange_current_record(std::move(saved));
        auto& s = schedules_[i];
        // Kafka's PunctuationSchedule.next(): skip missed intervals, keep the
        // alignment.
        int64_t next = s.next + s.interval;
        if (now >= next) next = now - ((now - s.next) % s.interval) + s.interval;
        s.next = next;
        fired = true;
    }
    std::erase_if(schedules_, [](const schedule_entry& s) { return *s.cancelled; });
    return fired;
}

bool task_context::maybe_punctuate_stream_time() {
    if (stream_time_ < 0) return false;
    return punctuate(punctuation_type::stream_time, stream_time_);
}

bool task_context::maybe_punctuate_system_time() { return punctuate(punctuation_type::wall_clock_time, wall_clock_ms()); }

void task_context::send(std::string_view changelog_topic, int32_t partition, bytes_view key,
                        std::optional<bytes_view> value, int64_t timestamp) {
    send_with_headers(changelog_topic, partition, key, value, timestamp, {});
}

void task_context::send_with_headers(std::string_view changelog_topic, int32_t partition, bytes_view key,
                                     std::optional<bytes_view> value, int64_t timestamp,
                                     const record_headers& headers) {
    produced_record r;
    r.headers = headers;
    r.topic = changelog_topic;  // the store's own name: lives as long as the task
    r.partition = partition;
    r.key = bytes(key.begin(), key.end());
    if (value) r.value = bytes(value->begin(), value->end());
    r.timestamp = timestamp;
    collector_->send(std::move(r));
}

void task_context::record_dropped_metric() { dropped_sensor_->record(); }

void task_context::set_cache_size_sensor(sensor* s) {
    cache_size_sensor_ = s ? std::make_unique<registry_store_sensor>(s) : nullptr;
}

}  // namespace samsa::streams::internal
