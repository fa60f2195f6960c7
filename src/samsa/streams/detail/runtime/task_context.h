#pragma once
// task_context: what a task gives its processors: its state stores (opened
// from their builders), the record being processed, stream time, the
// wall-clock, punctuation schedules and the record collector (Kafka Streams'
// ProcessorContextImpl and StreamTask's bookkeeping, minus the consumer).
//
// Threads: one task is run by one stream thread (or the test driver) and is
// never shared, so nothing here is locked.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "samsa/streams/export.h"
#include "samsa/streams/processor/punctuation.h"
#include "samsa/streams/record.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/detail/runtime/record_collector.h"

namespace samsa::streams::internal {

class processor_node_base;
class sensor;
class sensor_set;
class store_sensors;
class registry_store_sensor;
class streams_metrics;

struct task_config {
    std::string application_id;
    std::string task_id = "0_0";
    int32_t partition = 0;
    std::filesystem::path task_dir;
    // The record caches' budget, shared by the thread's tasks (not owned;
    // outlives the task). nullptr: caching layers budget for themselves.
    thread_cache* cache = nullptr;
    // How often emit-on-window-close aggregations look for closed windows.
    int64_t windowed_emit_interval_ms = 1000;
    // How often left/outer stream-stream joins look for closed windows.
    int64_t outer_join_emit_interval_ms = 1000;
    // Interactive queries read the stores from other threads: each is
    // topped with a synchronized_key_value_store (the runtime; the test
    // driver's queries run on its own thread).
    bool queryable_stores = false;
    // Built-in metrics (streams_metrics.h): with a registry, add_store()
    // tops each store with a metered layer (stream-state-metrics, tagged
    // with thread_id and task_id). nullptr: no metrics (the test driver).
    streams_metrics* metrics = nullptr;
    std::string thread_id;
};

class SAMSA_STREAMS_API task_context final : public changelog_sink, public record_context_holder {
public:
    task_context(task_config config, record_collector& collector, std::function<int64_t()> wall_clock);
    ~task_context() override;

    const std::string& application_id() const { return config_.application_id; }
    const std::string& task_id() const { return config_.task_id; }
    const std::string& thread_id() const { return config_.thread_id; }
    int32_t partition() const { return config_.partition; }
    record_collector& collector() { return *collector_; }

    // Stores. add_store() builds and opens one; errors at init are fatal at
    // start-up and thrown as std::runtime_error. synchronized: wrapped in a
    // mutex (global stores, which stream threads read concurrently); task
    // stores are also when task_config::queryable_stores.
    void add_store(const store_builder& builder, bool synchronized = false);
    void add_global_store(const std::string& name, key_value_bytes_store* store);
    // Throws std::logic_error when no store of that name is reachable.
    key_value_bytes_store& store(const std::string& name);
    bool has_store(const std::string& name) const;
    std::vector<std::string> store_names() const;
    // Caches only (every commit) / caches and the stores below (checkpoints).
    void flush_caches();
    void flush_stores();
    void close_stores();
    // A slot per store and value type for what the task's readers and writers
    // of that store share (table_store_spec::open puts key_value_store's
    // decoded cache there, so rows decoded or written by one processor are
    // not decoded again by the next). Per task: never shared across threads.
    std::shared_ptr<void>& shared_slot(const std::string& store, std::type_index type) {
        return shared_slots_[{store, type}];
    }

    // The record being processed (record_context_holder: stores read it, a
    // cache flush sets an entry's while it forwards).
    void set_current(std::optional<record_metadata> metadata, int64_t timestamp, record_headers headers);
    const std::optional<record_metadata>& current_metadata() const { return current_.metadata; }
    int64_t current_timestamp() const { return current_.timestamp; }
    const record_headers& current_headers() const { return current_.headers; }
    const record_context& current_record() const override { return current_; }
    record_context exchange_current_record(record_context context) override {
        return std::exchange(current_, std::move(context));
    }

    // Stream time: the largest timestamp seen; -1 before the first record.
    int64_t stream_time() const { return stream_time_; }
    void observe_timestamp(int64_t ts) {
        if (ts > stream_time_) stream_time_ = ts;
    }
    int64_t wall_clock_ms() const { return wall_clock_(); }
    // The wall clock as last read for the record-e2e-latency metrics (Kafka
    // reads it once per record processed, not at every node).
    int64_t metrics_clock_ms() const { return metrics_clock_ms_; }
    void set_metrics_clock_ms(int64_t now) { metrics_clock_ms_ = now; }
    int64_t windowed_emit_interval_ms() const { return config_.windowed_emit_interval_ms; }
    int64_t outer_join_emit_interval_ms() const { return config_.outer_join_emit_interval_ms; }

    cancellable schedule(processor_node_base* node, int64_t interval_ms, punctuation_type type, punctuator fn);
    // Fire due punctuators; return whether any fired.
    bool maybe_punctuate_stream_time();
    bool maybe_punctuate_system_time();

    // Values processors keep across restarts, keyed by store name (Kafka's
    // ProcessorMetadata: an emit-on-window-close aggregate's last emitted
    // close time). Committed with every input offset and read back when the
    // task is created (topic_partition_metadata.h); a set raises nothing
    // else, the next commit carries it.
    std::optional<int64_t> processor_metadata(const std::string& key) const {
        auto it = processor_metadata_.find(key);
        if (it == processor_metadata_.end()) return std::nullopt;
        return it->second;
    }
    void set_processor_metadata(const std::string& key, int64_t value) { processor_metadata_[key] = value; }
    const std::map<std::string, int64_t>& all_processor_metadata() const { return processor_metadata_; }

    // Records dropped by operators (null keys on joins and aggregations ...),
    // Kafka's dropped-records metric.
    void record_dropped() {
        ++dropped_records_;
        if (dropped_sensor_) record_dropped_metric();
    }
    // Sensors operators make for their nodes at init (node_metrics.h),
    // unregistered with the task. Without a registry its add() gives nullptr.
    sensor_set& operator_sensors() { return *operator_sensors_; }
    // The task's dropped-records sensor (streams_metrics.h), if any.
    void set_dropped_records_sensor(sensor* s) { dropped_sensor_ = s; }
    // The task's punctuate sensor (DEBUG), when it records: each punctuator
    // call is timed into it in ns, as Kafka's StreamTask.punctuate.
    void set_punctuate_sensor(sensor* s) { punctuate_sensor_ = s; }
    // The task's cache-size-bytes-total sensor (DEBUG), when it records:
    // handed to the caching layer of every store added after.
    void set_cache_size_sensor(sensor* s);
    int64_t dropped_records() const { return dropped_records_; }

    // changelog_sink: change-logging stores write through the collector.
    void send(std::string_view changelog_topic, int32_t partition, bytes_view key, std::optional<bytes_view> value,
              int64_t timestamp) override;
    void send_with_headers(std::string_view changelog_topic, int32_t partition, bytes_view key,
                           std::optional<bytes_view> value, int64_t timestamp, const record_headers& headers) override;

private:
    struct schedule_entry {
        processor_node_base* node;
        int64_t interval;
        punctuation_type type;
        int64_t next;
        punctuator fn;
        std::shared_ptr<bool> cancelled;
    };
    bool punctuate(punctuation_type type, int64_t now);
    std::unique_ptr<key_value_bytes_store> metered(const store_builder& builder,
                                                   std::unique_ptr<key_value_bytes_store> s);
    // The builder as declared, without its caching layer when the record
    // caches have no budget (statestore.cache.max.bytes = 0).
    store_builder effective_builder(const store_builder& builder) const;

    task_config config_;
    record_collector* collector_;
    std::function<int64_t()> wall_clock_;
    int64_t metrics_clock_ms_ = 0;
    // Before stores_: a metered store records into them until it is gone.
    std::vector<std::unique_ptr<store_sensors>> store_sensors_;
    std::unique_ptr<registry_store_sensor> cache_size_sensor_;  // likewise
    std::unique_ptr<sensor_set> operator_sensors_;
    // In the order they were added (the topology's), which is the order
    // caches are flushed in, as Kafka's state manager flushes them.
    std::vector<std::unique_ptr<key_value_bytes_store>> stores_;
    std::map<std::string, key_value_bytes_store*, std::less<>> store_index_;
    std::map<std::string, key_value_bytes_store*> global_stores_;
    std::map<std::pair<std::string, std::type_index>, std::shared_ptr<void>> shared_slots_;
    record_context current_;
    int64_t stream_time_ = -1;
    std::map<std::string, int64_t> processor_metadata_;
    std::vector<schedule_entry> schedules_;
    int64_t dropped_records_ = 0;
    sensor* dropped_sensor_ = nullptr;
    sensor* punctuate_sensor_ = nullptr;
    void record_dropped_metric();
};

}  // namespace samsa::streams::internal
