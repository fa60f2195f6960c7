#pragma once
// streams_metrics: the metrics registry of one kafka_streams instance
// (Kafka's Metrics + StreamsMetricsImpl, simplified) and the sensors the
// runtime records into.
//
// A sensor (Kafka's Sensor) takes values, each one event: record(v). Its
// metrics read it through a stat:
//   rate_of_count  events per second over the sample window
//   rate_of_sum    sum of the values per second (process-rate counts
//                  records: one event carries a batch's count)
//   total_count / total_sum   cumulative since the sensor was made
//   avg / min / max   of the values over the sample window (NaN when empty)
//   value          the last value recorded (0 before any; Kafka's Value)
// The window is Kafka's default: 2 samples of 30 s (metrics.num.samples,
// metrics.sample.window.ms); a rate divides by the time since the oldest
// sample began, at least one full sample (Kafka's Rate.windowSize).
//
// Cost: record() is a few relaxed atomic loads and stores; sensors are
// resolved when a thread or task is made and kept as pointers, so no map
// is searched and no lock taken on the record path. A sensor above the
// recording level returns at once.
//
// Threads: one writer per sensor (its stream thread); snapshot() from any
// thread (the registry's mutex guards the name -> sensor map only). Values a
// snapshot reads while the writer rolls a sample may be off by that sample:
// metrics, not accounting.
//
// Gauges (Kafka's Gauge, a value provider read when metrics are read):
// alive-stream-threads, thread-start-time, blocked-time-ns-total ... A gauge
// is called by snapshot(), on the caller's thread, under the registry's
// mutex: it must not call the registry, and whatever it reads must stay
// alive until the gauge is removed (removal waits for a snapshot under way).
// Text gauges are the metrics Kafka gives string values (version, state,
// topology-description ...): metrics_snapshot holds numbers, so they have
// their own snapshot, text_snapshot() (metrics.h).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "samsa/streams/metrics.h"
#include "samsa/streams/state/metered_key_value_store.h"
#include "samsa/streams/state/rocksdb_metrics_recorder.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams::internal {

enum class stat { rate_of_count, rate_of_sum, total_count, total_sum, avg, min, max, value };

// The steady clock in ms that sensors' sample windows run on. Inside a
// metrics_round on this thread it is the round's reading instead: Kafka's
// StreamTask records a batch's per-record sensors (record-e2e-latency at
// sources and terminal nodes) at the one wall-clock time the TaskExecutor
// read for the batch, not a clock read per record.
int64_t metrics_now_ms();

// Fixes metrics_now_ms() on the constructing thread to one reading until
// destroyed (a processing round: a few ms, against 30 s sample windows).
// Threads: stack-scoped, on the thread that records; rounds do not nest.
class metrics_round {
public:
    metrics_round();
    ~metrics_round();
    metrics_round(const metrics_round&) = delete;
    metrics_round& operator=(const metrics_round&) = delete;
};

using gauge = std::function<double()>;
using text_gauge = std::function<std::string()>;

class sensor {
public:
    static constexpr int num_samples = 2;

    sensor(bool recording, int64_t sample_window_ms) : recording_(recording), window_ms_(sample_window_ms) {}
    bool should_record() const { return recording_; }
    void record(double value = 1.0) {
        if (recording_) record(value, metrics_now_ms());
    }
    void record(double value, int64_t now_ms);
    double measure(stat s, int64_t now_ms) const;

private:
    struct sample {
        std::atomic<int64_t> start_ms{-1};
        std::atomic<double> count{0};
        std::atomic<double> sum{0};
        std::atomic<double> min{std::numeric_limits<double>::infinity()};
        std::atomic<double> max{-std::numeric_limits<double>::infinity()};
    };
    bool live(const sample& s, int64_t now_ms) const;
    double rate(double amount, int64_t now_ms) const;

    const bool recording_;
    const int64_t window_ms_;
    std::array<sample, num_samples> samples_;
    std::atomic<int> current_{0};
    std::atomic<double> total_count_{0};
    std::atomic<double> total_sum_{0};
    std::atomic<double> last_{0};
};

class rocksdb_metrics;

class streams_metrics {
public:
    explicit streams_metrics(recording_level level, int64_t sample_window_ms = 30000)
        : level_(level), window_ms_(sample_window_ms) {}

    recording_level level() const { return level_; }
    bool records(recording_level sensor_level) const { return sensor_level <= level_; }

    // A sensor of the given level with its metrics (name, stat) registered.
    std::shared_ptr<sensor> add_sensor(recording_level sensor_level,
                                       const std::vector<std::pair<metric_name, stat>>& metrics);
    // Unregisters every metric of the sensor (a task or thread gone).
    void remove_sensor(const sensor* s);
    // A metric read from read() at each snapshot (replaces one so named).
    void add_gauge(const metric_name& name, gauge read);
    void add_text_gauge(const metric_name& name, text_gauge read);
    // Removes a gauge or text gauge; waits for a snapshot reading it.
    void remove_gauge(const metric_name& name);
    metrics_snapshot snapshot() const { return snapshot(metrics_now_ms()); }
    metrics_snapshot snapshot(int64_t now_ms) const;
    text_metrics_snapshot text_snapshot() const;

    // The RocksDB stores' statistics recorders (rocksdb_metrics below).
    void add_rocksdb(rocksdb_metrics* r);
    void remove_rocksdb(rocksdb_metrics* r);  // waits for a recording under way
    // Kafka's RocksDBMetricsRecordingTrigger: at DEBUG every recorder records
    // its statistics once a minute (the first call records at once). Any
    // stream thread calls it from its loop; one of them records.
    static constexpr int64_t rocksdb_recording_interval_ms = 60000;
    void maybe_record_rocksdb(int64_t now_ms);

private:
    struct entry {
        std::shared_ptr<sensor> source;  // null for a gauge
        stat how = stat::value;
        gauge read;
    };
    const recording_level level_;
    const int64_t window_ms_;
    mutable std::mutex mutex_;
    std::map<metric_name, entry> metrics_;
    std::map<metric_name, text_gauge> text_metrics_;
    std::mutex rocksdb_mutex_;  // rocksdb_, rocksdb_recorded_ms_; never taken with mutex_
    std::vector<rocksdb_metrics*> rocksdb_;
    int64_t rocksdb_recorded_ms_ = -1;
};

// Kafka's sensor shapes, named as StreamsMetricsImpl names their metrics.
// <op>-rate and <op>-total: invocations.
std::vector<std::pair<metric_name, stat>> rate_and_count(const std::string& op, const std::string& group,
                                                         const std::map<std::string, std::string>& tags);
// <op>-rate and <op>-total of the values' sum (process-rate counts records).
std::vector<std::pair<metric_name, stat>> rate_and_sum(const std::string& op, const std::string& group,
                                                       const std::map<std::string, std::string>& tags);
// <op>-latency-avg and <op>-latency-max.
std::vector<std::pair<metric_name, stat>> avg_and_max_latency(const std::string& op, const std::string& group,
                                                              const std::map<std::string, std::string>& tags);

// A set of sensors and gauges that unregisters them when dropped (declare it
// after what its gauges read, so that it goes first).
class sensor_set {
public:
    sensor_set() = default;
    explicit sensor_set(streams_metrics* registry) : registry_(registry) {}
    ~sensor_set();
    sensor_set(const sensor_set&) = delete;
    sensor_set& operator=(const sensor_set&) = delete;
    // nullptr without a registry (the test driver): callers check.
    sensor* add(recording_level level, std::vector<std::pair<metric_name, stat>> metrics);
    // No-ops without a registry.
    void add_gauge(const metric_name& name, gauge read);
    void add_text_gauge(const metric_name& name, text_gauge read);

private:
    streams_metrics* registry_ = nullptr;
    std::vector<std::shared_ptr<sensor>> owned_;
    std::vector<metric_name> gauges_;
};

// Client level (Kafka's ClientMetrics), group stream-metrics, tag client-id,
// all INFO, for the life of the kafka_streams instance:
//   version, commit-id, application-id, topology-description, state (text)
//   alive-stream-threads   gauge: stream threads neither dead nor shutting down
//   failed-stream-threads  sum of failed_threads' recordings (one per thread
//                          that died of an exception)
struct client_metrics_config {
    std::string client_id;
    std::string application_id;
    std::string version;
    std::string commit_id;
    std::string topology_description;
    text_gauge state;    // the instance's state, RUNNING ...
    gauge alive_threads;
};
struct client_sensors {
    client_sensors(streams_metrics* registry, client_metrics_config config);
    sensor_set set;
    sensor* failed_threads = nullptr;
};

// A registry sensor as the state library sees it (store_sensor.h).
class registry_store_sensor final : public store_sensor {
public:
    explicit registry_store_sensor(sensor* s) : s_(s) {}
    bool should_record() const override { return s_->should_record(); }
    void record(double value) override { s_->record(value); }

private:
    sensor* s_;
};

// Thread level (Kafka's ThreadMetrics), group stream-thread-metrics, tag
// thread-id. All INFO. Besides the sensors: thread-start-time (wall-clock ms
// when the thread was made, fixed) and blocked-time-ns-total (a gauge of
// blocked_ns, the ns the thread spent waiting on Kafka: add_blocked()).
struct thread_sensors {
    thread_sensors(streams_metrics* registry, const std::string& thread_id, int64_t start_time_ms = 0);
    // Written by the stream thread only; read by the gauge. Before set: the
    // set (and the gauge) goes first.
    std::atomic<int64_t> blocked_ns{0};
    sensor_set set;
    sensor* process = nullptr;          // value: records processed in a round
    sensor* process_latency = nullptr;  // value: ms per record in a round
    sensor* poll = nullptr;             // value: poll latency ms
    sensor* commit = nullptr;           // value: commit latency ms per task
    sensor* punctuate = nullptr;        // value: punctuate latency ms per punctuation
    sensor* task_created = nullptr;
    sensor* task_closed = nullptr;
    sensor* poll_records = nullptr;     // value: records a poll returned (not recorded when none)
    sensor* process_records = nullptr;  // value: records processed in one loop (0 too)
    // value: the share of one loop's time spent on each step (Kafka's Value).
    sensor* process_ratio = nullptr;
    sensor* punctuate_ratio = nullptr;
    sensor* poll_ratio = nullptr;
    sensor* commit_ratio = nullptr;

    void add_blocked(std::chrono::nanoseconds d) {
        blocked_ns.store(blocked_ns.load(std::memory_order_relaxed) + d.count(), std::memory_order_relaxed);
    }
};

// Adds the time from construction to destruction to the thread's
// blocked-time-ns-total: around a call that waits on Kafka (consumer poll,
// commit, committed; producer flush and transactions; restore reads).
class blocked_timer {
public:
    explicit blocked_timer(thread_sensors* s)
        : sensors_(s), start_(s ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{}) {}
    ~blocked_timer() {
        if (sensors_) sensors_->add_blocked(std::chrono::steady_clock::now() - start_);
    }
    blocked_timer(const blocked_timer&) = delete;
    blocked_timer& operator=(const blocked_timer&) = delete;

private:
    thread_sensors* sensors_;
    std::chrono::steady_clock::time_point start_;
};

// Task level (Kafka's TaskMetrics), group stream-task-metrics, tags
// thread-id and task-id.
struct task_sensors {
    task_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id);
    sensor_set set;
    sensor* process = nullptr;  // DEBUG; value: records processed in a round
    sensor* dropped = nullptr;  // INFO
    // DEBUG, one recording per record taken: process-latency-avg/-max (ns
    // through the topology) and record-lateness-avg/-max (ms behind stream time).
    sensor* process_latency = nullptr;
    sensor* record_lateness = nullptr;
    sensor* buffer_count = nullptr;  // DEBUG; value: records buffered after a round
    // DEBUG; value: times processing was enforced in a round (rate and total
    // of the sum: Kafka's per-time count, recorded once a round).
    sensor* enforced_processing = nullptr;
    // INFO; value: the task's share of the time all the thread's tasks spent
    // processing in one loop (active-process-ratio, Kafka's Value).
    sensor* active_process_ratio = nullptr;
    // DEBUG; value: ns one punctuator call took (punctuate-rate/-total,
    // punctuate-latency-avg/-max).
    sensor* punctuate = nullptr;
    // DEBUG; value: records one changelog batch restored (restore-rate counts
    // batches, restore-total sums records; Kafka's invocationRateAndTotal).
    sensor* restore = nullptr;
    // INFO; restore-remaining-records-total, a cumulative sum: + records to
    // restore when a changelog is registered, - each batch restored.
    sensor* restore_remaining = nullptr;
    // DEBUG; cache-size-bytes-total (Kafka's Value): the bytes of the task's
    // record cache that changed last (caching_key_value_store records it).
    sensor* cache_size = nullptr;
};

// Processor-node level (Kafka's ProcessorNodeMetrics), group
// stream-processor-node-metrics, tags thread-id, task-id, processor-node-id.
// A source node has both sensors, a terminal node (no children) only the
// end-to-end latency; other nodes have none (Kafka 3.8 likewise).
struct node_sensors {
    node_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id,
                 const std::string& node_id, bool source);
    sensor_set set;
    sensor* process = nullptr;      // DEBUG, source nodes: process-rate/-total
    sensor* e2e_latency = nullptr;  // INFO: record-e2e-latency-avg/-min/-max (ms)
};

// The RocksDB metrics of one RocksDB-backed store (Kafka 3.8's RocksDBMetrics
// and RocksDBMetricsRecorder), group stream-state-metrics, the store's tags
// (rocksdb-state-id, rocksdb-window-state-id, rocksdb-session-state-id).
// Registered when the store's first database opens, as Kafka's recorder
// does; the values sum the store's databases (a window or session store has
// one per segment).
//   INFO gauges of RocksDB's properties: num-entries-active-mem-table,
//     estimate-num-keys, size-all-mem-tables, block-cache-usage ...
//   DEBUG sensors of the statistics, recorded once a minute
//     (streams_metrics::maybe_record_rocksdb) from the tickers since the last
//     recording: bytes-written-rate/-total, bytes-read-rate/-total,
//     memtable-bytes-flushed-rate/-total, memtable-hit-ratio,
//     write-stall-duration-avg/-total, block-cache-{data,index,filter}-hit-ratio,
//     bytes-read-compaction-rate, bytes-written-compaction-rate,
//     number-open-files, number-file-errors-total
// Threads: add_db/remove_db on the store's stream thread; record() on the
// thread that triggers it; the gauges on a snapshot's. mutex_ guards dbs_.
class rocksdb_metrics final : public rocksdb_metrics_recorder {
public:
    rocksdb_metrics(streams_metrics* registry, std::map<std::string, std::string> tags);
    ~rocksdb_metrics() override;
    rocksdb_metrics(const rocksdb_metrics&) = delete;
    rocksdb_metrics& operator=(const rocksdb_metrics&) = delete;

    bool statistics_enabled() const override { return statistics_; }
    void add_db(rocksdb_db_probe* db) override;
    void remove_db(rocksdb_db_probe* db) override;
    // The tickers since the last call into the DEBUG sensors.
    void record(int64_t now_ms);

private:
    void register_metrics();  // at the first add_db, with no lock held
    uint64_t property_sum(const std::string& name) const;

    streams_metrics* registry_;
    const std::map<std::string, std::string> tags_;
    const bool statistics_;
    mutable std::mutex mutex_;
    std::vector<rocksdb_db_probe*> dbs_;
    bool registered_ = false;      // the stream thread's only
    std::mutex record_mutex_;      // one record() at a time: sensors have one writer
    sensor_set set_;               // after what its gauges read: goes first
    sensor* bytes_written_ = nullptr;
    sensor* bytes_read_ = nullptr;
    sensor* memtable_bytes_flushed_ = nullptr;
    sensor* memtable_hit_ratio_ = nullptr;
    sensor* write_stall_duration_ = nullptr;
    sensor* block_cache_data_hit_ratio_ = nullptr;
    sensor* block_cache_index_hit_ratio_ = nullptr;
    sensor* block_cache_filter_hit_ratio_ = nullptr;
    sensor* bytes_read_compaction_ = nullptr;
    sensor* bytes_written_compaction_ = nullptr;
    sensor* number_open_files_ = nullptr;
    sensor* number_file_errors_ = nullptr;
};

// State-store level (Kafka's StateStoreMetrics), group stream-state-metrics,
// tags thread-id, task-id, <scope>-state-id; all DEBUG. Each sensor is
// <op>-rate, <op>-latency-avg and <op>-latency-max (ns), as Kafka's
// throughputAndLatencySensor. Key-value stores: put, put-if-absent, put-all,
// get, delete, range, all, prefix-scan, flush, restore; window stores: put,
// fetch, flush, restore; session stores: put, fetch, remove, flush, restore.
// Besides, as Kafka 3.8's metered stores: record-e2e-latency-avg/-min/-max
// (TRACE; ms from the record's timestamp to the wall clock at a put),
// iterator-duration-avg/-max (DEBUG; ns an iterator was open), and the
// gauges num-open-iterators and oldest-iterator-open-since-ms (INFO; the
// wall-clock ms the oldest open iterator was opened, NaN with none open:
// Kafka's gauge gives null).
// A cached store also has the record cache's hit ratio (Kafka's
// NamedCacheMetrics): group stream-record-cache-metrics, tags thread-id,
// task-id, record-cache-id (the store name), hit-ratio-avg/-min/-max, DEBUG.
class store_sensors {
public:
    store_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id,
                  const std::string& scope, const std::string& store, store_kind kind, bool cached);
    const store_meters& meters() const { return meters_; }
    store_sensor* cache_hit_ratio() const { return hit_ratio_; }
    // For a RocksDB store's store_context (scope rocksdb*); else nullptr.
    rocksdb_metrics* rocksdb() const { return rocksdb_.get(); }

private:
    store_sensor* add(const std::string& op);
    store_sensor* adapt(sensor* s);

    // Before set_: its gauges read it.
    open_iterators iterators_;
    std::unique_ptr<rocksdb_metrics> rocksdb_;
    sensor_set set_;
    std::map<std::string, std::string> tags_;
    std::vector<std::unique_ptr<registry_store_sensor>> adapters_;
    store_meters meters_;
    store_sensor* hit_ratio_ = nullptr;
};

inline void record_if(sensor* s, double value = 1.0) {
    if (s) s->record(value);
}

}  // namespace samsa::streams::internal
