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

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "samsa/streams/metrics.h"
#include "samsa/streams/state/metered_key_value_store.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams::internal {

enum class stat { rate_of_count, rate_of_sum, total_count, total_sum, avg, min, max, value };

int64_t metrics_now_ms();

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
    metrics_snapshot snapshot() const { return snapshot(metrics_now_ms()); }
    metrics_snapshot snapshot(int64_t now_ms) const;

private:
    struct entry {
        std::shared_ptr<sensor> source;
        stat how;
    };
    const recording_level level_;
    const int64_t window_ms_;
    mutable std::mutex mutex_;
    std::map<metric_name, entry> metrics_;
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

// A set of sensors that unregisters them when dropped.
class sensor_set {
public:
    sensor_set() = default;
    explicit sensor_set(streams_metrics* registry) : registry_(registry) {}
    ~sensor_set();
    sensor_set(const sensor_set&) = delete;
    sensor_set& operator=(const sensor_set&) = delete;
    // nullptr without a registry (the test driver): callers check.
    sensor* add(recording_level level, std::vector<std::pair<metric_name, stat>> metrics);

private:
    streams_metrics* registry_ = nullptr;
    std::vector<std::shared_ptr<sensor>> owned_;
};

// Thread level (Kafka's ThreadMetrics), group stream-thread-metrics, tag
// thread-id. All INFO.
struct thread_sensors {
    explicit thread_sensors(streams_metrics* registry, const std::string& thread_id);
    sensor_set set;
    sensor* process = nullptr;          // value: records processed in a round
    sensor* process_latency = nullptr;  // value: ms per record in a round
    sensor* poll = nullptr;             // value: poll latency ms
    sensor* commit = nullptr;           // value: commit latency ms per task
    sensor* punctuate = nullptr;        // value: punctuate latency ms per punctuation
    sensor* task_created = nullptr;
    sensor* task_closed = nullptr;
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

// State-store level (Kafka's StateStoreMetrics), group stream-state-metrics,
// tags thread-id, task-id, <scope>-state-id; all DEBUG. Each sensor is
// <op>-rate, <op>-latency-avg and <op>-latency-max (ns), as Kafka's
// throughputAndLatencySensor. Key-value stores: put, put-if-absent, put-all,
// get, delete, range, all, prefix-scan, flush, restore; window stores: put,
// fetch, flush, restore; session stores: put, fetch, remove, flush, restore.
// A cached store also has the record cache's hit ratio (Kafka's
// NamedCacheMetrics): group stream-record-cache-metrics, tags thread-id,
// task-id, record-cache-id (the store name), hit-ratio-avg/-min/-max, DEBUG.
class store_sensors {
public:
    store_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id,
                  const std::string& scope, const std::string& store, store_kind kind, bool cached);
    const store_meters& meters() const { return meters_; }
    store_sensor* cache_hit_ratio() const { return hit_ratio_; }

private:
    // store_sensor over a registry sensor.
    class adapter final : public store_sensor {
    public:
        explicit adapter(sensor* s) : s_(s) {}
        bool should_record() const override { return s_->should_record(); }
        void record(double latency_ns) override { s_->record(latency_ns); }

    private:
        sensor* s_;
    };
    store_sensor* add(const std::string& op);
    store_sensor* adapt(sensor* s);

    sensor_set set_;
    std::map<std::string, std::string> tags_;
    std::vector<std::unique_ptr<adapter>> adapters_;
    store_meters meters_;
    store_sensor* hit_ratio_ = nullptr;
};

inline void record_if(sensor* s, double value = 1.0) {
    if (s) s->record(value);
}

}  // namespace samsa::streams::internal
