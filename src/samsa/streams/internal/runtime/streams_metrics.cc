#include "samsa/streams/internal/runtime/streams_metrics.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace samsa::streams {

const char* to_string(recording_level l) {
    switch (l) {
        case recording_level::info: return "INFO";
        case recording_level::debug: return "DEBUG";
        case recording_level::trace: return "TRACE";
    }
    return "?";
}

std::optional<recording_level> parse_recording_level(std::string_view s) {
    if (s == "INFO") return recording_level::info;
    if (s == "DEBUG") return recording_level::debug;
    if (s == "TRACE") return recording_level::trace;
    return std::nullopt;
}

std::string metric_name::to_string() const {
    std::string out = name + "{" + group + "}[";
    bool first = true;
    for (const auto& [k, v] : tags) {
        if (!first) out += ",";
        first = false;
        out += k + "=" + v;
    }
    return out + "]";
}

}  // namespace samsa::streams

namespace samsa::streams::internal {

namespace {
constexpr auto relaxed = std::memory_order_relaxed;

const std::string thread_group = "stream-thread-metrics";
const std::string task_group = "stream-task-metrics";
const std::string node_group = "stream-processor-node-metrics";
const std::string store_group = "stream-state-metrics";
const std::string cache_group = "stream-record-cache-metrics";
}  // namespace

int64_t metrics_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void sensor::record(double value, int64_t now_ms) {
    if (!recording_) return;
    int index = current_.load(relaxed);
    sample* s = &samples_[index];
    int64_t start = s->start_ms.load(relaxed);
    if (start < 0 || now_ms >= start + window_ms_) {
        // The current sample is full: the next one (the oldest) starts over.
        if (start >= 0) index = (index + 1) % num_samples;
        s = &samples_[index];
        s->count.store(0, relaxed);
        s->sum.store(0, relaxed);
        s->min.store(std::numeric_limits<double>::infinity(), relaxed);
        s->max.store(-std::numeric_limits<double>::infinity(), relaxed);
        s->start_ms.store(now_ms, relaxed);
        current_.store(index, relaxed);
    }
    // One writer: load and store, no read-modify-write needed.
    s->count.store(s->count.load(relaxed) + 1, relaxed);
    s->sum.store(s->sum.load(relaxed) + value, relaxed);
    if (value < s->min.load(relaxed)) s->min.store(value, relaxed);
    if (value > s->max.load(relaxed)) s->max.store(value, relaxed);
    total_count_.store(total_count_.load(relaxed) + 1, relaxed);
    total_sum_.store(total_sum_.load(relaxed) + value, relaxed);
    last_.store(value, relaxed);
}

bool sensor::live(const sample& s, int64_t now_ms) const {
    int64_t start = s.start_ms.load(relaxed);
    // Kafka purges samples older than all the samples' windows together.
    return start >= 0 && now_ms - start < int64_t{num_samples} * window_ms_;
}

double sensor::rate(double amount, int64_t now_ms) const {
    int64_t oldest = now_ms;
    for (const auto& s : samples_) {
        if (live(s, now_ms)) oldest = std::min(oldest, s.start_ms.load(relaxed));
    }
    // Kafka's Rate.windowSize: the elapsed time, topped up with whole windows
    // to at least num_samples - 1 of them, so a young sensor does not report
    // a burst as a huge rate.
    int64_t elapsed = now_ms - oldest;
    int64_t full_windows = elapsed / window_ms_;
    if (full_windows < num_samples - 1) elapsed += (num_samples - 1 - full_windows) * window_ms_;
    return amount / (static_cast<double>(elapsed) / 1000.0);
}

double sensor::measure(stat how, int64_t now_ms) const {
    double count = 0, sum = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
    for (const auto& s : samples_) {
        if (!live(s, now_ms)) continue;
        count += s.count.load(relaxed);
        sum += s.sum.load(relaxed);
        min = std::min(min, s.min.load(relaxed));
        max = std::max(max, s.max.load(relaxed));
    }
    switch (how) {
        case stat::rate_of_count: return rate(count, now_ms);
        case stat::rate_of_sum: return rate(sum, now_ms);
        case stat::total_count: return total_count_.load(relaxed);
        case stat::total_sum: return total_sum_.load(relaxed);
        case stat::avg: return count > 0 ? sum / count : std::nan("");
        case stat::min: return count > 0 ? min : std::nan("");
        case stat::max: return count > 0 ? max : std::nan("");
        case stat::value: return last_.load(relaxed);
    }
    return std::nan("");
}

std::shared_ptr<sensor> streams_metrics::add_sensor(recording_level sensor_level,
                                                    const std::vector<std::pair<metric_name, stat>>& metrics) {
    auto s = std::make_shared<sensor>(records(sensor_level), window_ms_);
    std::lock_guard lock(mutex_);
    for (const auto& [name, how] : metrics) metrics_.insert_or_assign(name, entry{s, how});
    return s;
}

void streams_metrics::remove_sensor(const sensor* s) {
    std::lock_guard lock(mutex_);
    std::erase_if(metrics_, [s](const auto& kv) { return kv.second.source.get() == s; });
}

metrics_snapshot streams_metrics::snapshot(int64_t now_ms) const {
    metrics_snapshot out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, e] : metrics_) out.emplace(name, e.source->measure(e.how, now_ms));
    return out;
}

std::vector<std::pair<metric_name, stat>> rate_and_count(const std::string& op, const std::string& group,
                                                         const std::map<std::string, std::string>& tags) {
    return {{metric_name{op + "-rate", group, tags}, stat::rate_of_count},
            {metric_name{op + "-total", group, tags}, stat::total_count}};
}

std::vector<std::pair<metric_name, stat>> rate_and_sum(const std::string& op, const std::string& group,
                                                       const std::map<std::string, std::string>& tags) {
    return {{metric_name{op + "-rate", group, tags}, stat::rate_of_sum},
            {metric_name{op + "-total", group, tags}, stat::total_sum}};
}

std::vector<std::pair<metric_name, stat>> avg_and_max_latency(const std::string& op, const std::string& group,
                                                              const std::map<std::string, std::string>& tags) {
    return {{metric_name{op + "-latency-avg", group, tags}, stat::avg},
            {metric_name{op + "-latency-max", group, tags}, stat::max}};
}

sensor_set::~sensor_set() {
    if (!registry_) return;
    for (const auto& s : owned_) registry_->remove_sensor(s.get());
}

sensor* sensor_set::add(recording_level level, std::vector<std::pair<metric_name, stat>> metrics) {
    if (!registry_) return nullptr;
    owned_.push_back(registry_->add_sensor(level, metrics));
    return owned_.back().get();
}

namespace {
// Kafka's invocationRateAndCountAndAvgAndMaxLatencySensor.
std::vector<std::pair<metric_name, stat>> invocations_with_latency(const std::string& op, const std::string& group,
                                                                   const std::map<std::string, std::string>& tags) {
    auto metrics = rate_and_count(op, group, tags);
    for (auto& m : avg_and_max_latency(op, group, tags)) metrics.push_back(std::move(m));
    return metrics;
}
}  // namespace

thread_sensors::thread_sensors(streams_metrics* registry, const std::string& thread_id) : set(registry) {
    const std::map<std::string, std::string> tags{{"thread-id", thread_id}};
    const auto info = recording_level::info;
    process = set.add(info, rate_and_sum("process", thread_group, tags));
    process_latency = set.add(info, avg_and_max_latency("process", thread_group, tags));
    poll = set.add(info, invocations_with_latency("poll", thread_group, tags));
    commit = set.add(info, invocations_with_latency("commit", thread_group, tags));
    punctuate = set.add(info, invocations_with_latency("punctuate", thread_group, tags));
    task_created = set.add(info, rate_and_count("task-created", thread_group, tags));
    task_closed = set.add(info, rate_and_count("task-closed", thread_group, tags));
}

task_sensors::task_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id)
    : set(registry) {
    const std::map<std::string, std::string> tags{{"thread-id", thread_id}, {"task-id", task_id}};
    process = set.add(recording_level::debug, rate_and_sum("process", task_group, tags));
    dropped = set.add(recording_level::info, rate_and_count("dropped-records", task_group, tags));
    // Kafka's TaskMetrics: processLatencySensor, recordLatenessSensor, activeBufferedRecordsSensor.
    process_latency = set.add(recording_level::debug, avg_and_max_latency("process", task_group, tags));
    record_lateness = set.add(recording_level::debug, {{metric_name{"record-lateness-avg", task_group, tags}, stat::avg},
                                                       {metric_name{"record-lateness-max", task_group, tags}, stat::max}});
    buffer_count = set.add(recording_level::debug, {{metric_name{"active-buffer-count", task_group, tags}, stat::value}});
    enforced_processing = set.add(recording_level::debug, rate_and_sum("enforced-processing", task_group, tags));
}

node_sensors::node_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id,
                           const std::string& node_id, bool source)
    : set(registry) {
    const std::map<std::string, std::string> tags{
        {"thread-id", thread_id}, {"task-id", task_id}, {"processor-node-id", node_id}};
    if (source) process = set.add(recording_level::debug, rate_and_count("process", node_group, tags));
    e2e_latency = set.add(recording_level::info,
                                {{metric_name{"record-e2e-latency-avg", node_group, tags}, stat::avg},
                                 {metric_name{"record-e2e-latency-min", node_group, tags}, stat::min},
                                 {metric_name{"record-e2e-latency-max", node_group, tags}, stat::max}});
}

store_sensors::store_sensors(streams_metrics* registry, const std::string& thread_id, const std::string& task_id,
                             const std::string& scope, const std::string& store, store_kind kind, bool cached)
    : set_(registry), tags_{{"thread-id", thread_id}, {"task-id", task_id}, {scope + "-state-id", store}} {
    if (cached) {
        const std::map<std::string, std::string> cache_tags{
            {"thread-id", thread_id}, {"task-id", task_id}, {"record-cache-id", store}};
        hit_ratio_ = adapt(set_.add(recording_level::debug,
                                    {{metric_name{"hit-ratio-avg", cache_group, cache_tags}, stat::avg},
                                     {metric_name{"hit-ratio-min", cache_group, cache_tags}, stat::min},
                                     {metric_name{"hit-ratio-max", cache_group, cache_tags}, stat::max}}));
    }
    meters_.put = add("put");
    meters_.flush = add("flush");
    meters_.restore = add("restore");
    switch (kind) {
        case store_kind::key_value:
        case store_kind::timestamped_key_value:
            meters_.put_if_absent = add("put-if-absent");
            meters_.put_all = add("put-all");
            meters_.get = add("get");
            meters_.remove = add("delete");
            meters_.range = add("range");
            meters_.all = add("all");
            meters_.prefix_scan = add("prefix-scan");
            return;
        case store_kind::window:
        case store_kind::timestamped_window:
        case store_kind::session: {
            // Kafka's window and session stores have put and fetch (and a
            // session store remove); every read here is a fetch.
            store_sensor* fetch = add("fetch");
            meters_.get = meters_.range = meters_.all = meters_.prefix_scan = fetch;
            meters_.put_if_absent = meters_.put_all = meters_.put;
            meters_.remove = kind == store_kind::session ? add("remove") : meters_.put;
            return;
        }
    }
}

store_sensor* store_sensors::add(const std::string& op) {
    std::vector<std::pair<metric_name, stat>> metrics{{metric_name{op + "-rate", store_group, tags_}, stat::rate_of_count}};
    for (auto& m : avg_and_max_latency(op, store_group, tags_)) metrics.push_back(std::move(m));
    return adapt(set_.add(recording_level::debug, std::move(metrics)));
}

store_sensor* store_sensors::adapt(sensor* s) {
    if (!s) return nullptr;
    adapters_.push_back(std::make_unique<adapter>(s));
    return adapters_.back().get();
}

}  // namespace samsa::streams::internal
