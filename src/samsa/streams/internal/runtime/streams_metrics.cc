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

const std::string client_group = "stream-metrics";
const std::string thread_group = "stream-thread-metrics";
const std::string task_group = "stream-task-metrics";
const std::string node_group = "stream-processor-node-metrics";
const std::string store_group = "stream-state-metrics";
const std::string cache_group = "stream-record-cache-metrics";
}  // namespace

namespace {
// The open metrics_round's reading on this thread; -1 outside a round.
thread_local int64_t round_now_ms = -1;

int64_t steady_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

int64_t metrics_now_ms() { return round_now_ms >= 0 ? round_now_ms : steady_now_ms(); }

metrics_round::metrics_round() { round_now_ms = steady_now_ms(); }

metrics_round::~metrics_round() { round_now_ms = -1; }

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

void streams_metrics::add_gauge(const metric_name& name, gauge read) {
    std::lock_guard lock(mutex_);
    metrics_.insert_or_assign(name, entry{nullptr, stat::value, std::move(read)});
}

void streams_metrics::add_text_gauge(const metric_name& name, text_gauge read) {
    std::lock_guard lock(mutex_);
    text_metrics_.insert_or_assign(name, std::move(read));
}

void streams_metrics::remove_gauge(const metric_name& name) {
    std::lock_guard lock(mutex_);
    if (auto it = metrics_.find(name); it != metrics_.end() && !it->second.source) metrics_.erase(it);
    text_metrics_.erase(name);
}

metrics_snapshot streams_metrics::snapshot(int64_t now_ms) const {
    metrics_snapshot out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, e] : metrics_) out.emplace(name, e.source ? e.source->measure(e.how, now_ms) : e.read());
    return out;
}

text_metrics_snapshot streams_metrics::text_snapshot() const {
    text_metrics_snapshot out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, read] : text_metrics_) out.emplace(name, read());
    return out;
}

void streams_metrics::add_rocksdb(rocksdb_metrics* r) {
    std::lock_guard lock(rocksdb_mutex_);
    rocksdb_.push_back(r);
}

void streams_metrics::remove_rocksdb(rocksdb_metrics* r) {
    std::lock_guard lock(rocksdb_mutex_);
    std::erase(rocksdb_, r);
}

void streams_metrics::maybe_record_rocksdb(int64_t now_ms) {
    std::lock_guard lock(rocksdb_mutex_);
    if (rocksdb_recorded_ms_ >= 0 && now_ms - rocksdb_recorded_ms_ < rocksdb_recording_interval_ms) return;
    rocksdb_recorded_ms_ = now_ms;
    for (rocksdb_metrics* r : rocksdb_) r->record(now_ms);
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
    for (const auto& name : gauges_) registry_->remove_gauge(name);
    for (const auto& s : owned_) registry_->remove_sensor(s.get());
}

void sensor_set::add_gauge(const metric_name& name, gauge read) {
    if (!registry_) return;
    registry_->add_gauge(name, std::move(read));
    gauges_.push_back(name);
}

void sensor_set::add_text_gauge(const metric_name& name, text_gauge read) {
    if (!registry_) return;
    registry_->add_text_gauge(name, std::move(read));
    gauges_.push_back(name);
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

client_sensors::client_sensors(streams_metrics* registry, client_metrics_config config) : set(registry) {
    const std::map<std::string, std::string> tags{{"client-id", config.client_id}};
    auto fixed = [](std::string value) { return [value = std::move(value)] { return value; }; };
    set.add_text_gauge(metric_name{"version", client_group, tags}, fixed(std::move(config.version)));
    set.add_text_gauge(metric_name{"commit-id", client_group, tags}, fixed(std::move(config.commit_id)));
    set.add_text_gauge(metric_name{"application-id", client_group, tags}, fixed(std::move(config.application_id)));
    set.add_text_gauge(metric_name{"topology-description", client_group, tags},
                       fixed(std::move(config.topology_description)));
    set.add_text_gauge(metric_name{"state", client_group, tags}, std::move(config.state));
    set.add_gauge(metric_name{"alive-stream-threads", client_group, tags}, std::move(config.alive_threads));
    // Kafka's failedStreamThreadSensor: a cumulative sum named without -total.
    failed_threads = set.add(recording_level::info, {{metric_name{"failed-stream-threads", client_group, tags}, stat::total_sum}});
}

thread_sensors::thread_sensors(streams_metrics* registry, const std::string& thread_id, int64_t start_time_ms)
    : set(registry) {
    const std::map<std::string, std::string> tags{{"thread-id", thread_id}};
    const auto info = recording_level::info;
    process = set.add(info, rate_and_sum("process", thread_group, tags));
    process_latency = set.add(info, avg_and_max_latency("process", thread_group, tags));
    poll = set.add(info, invocations_with_latency("poll", thread_group, tags));
    commit = set.add(info, invocations_with_latency("commit", thread_group, tags));
    punctuate = set.add(info, invocations_with_latency("punctuate", thread_group, tags));
    task_created = set.add(info, rate_and_count("task-created", thread_group, tags));
    task_closed = set.add(info, rate_and_count("task-closed", thread_group, tags));
    poll_records = set.add(info, {{metric_name{"poll-records-avg", thread_group, tags}, stat::avg},
                                  {metric_name{"poll-records-max", thread_group, tags}, stat::max}});
    process_records = set.add(info, {{metric_name{"process-records-avg", thread_group, tags}, stat::avg},
                                     {metric_name{"process-records-max", thread_group, tags}, stat::max}});
    auto ratio = [&](const std::string& op) {
        return set.add(info, {{metric_name{op + "-ratio", thread_group, tags}, stat::value}});
    };
    process_ratio = ratio("process");
    punctuate_ratio = ratio("punctuate");
    poll_ratio = ratio("poll");
    commit_ratio = ratio("commit");
    set.add_gauge(metric_name{"thread-start-time", thread_group, tags},
                  [start = static_cast<double>(start_time_ms)] { return start; });
    set.add_gauge(metric_name{"blocked-time-ns-total", thread_group, tags},
                  [this] { return static_cast<double>(blocked_ns.load(std::memory_order_relaxed)); });
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
    active_process_ratio =
        set.add(recording_level::info, {{metric_name{"active-process-ratio", task_group, tags}, stat::value}});
    punctuate = set.add(recording_level::debug, invocations_with_latency("punctuate", task_group, tags));
    restore = set.add(recording_level::debug, {{metric_name{"restore-rate", task_group, tags}, stat::rate_of_count},
                                               {metric_name{"restore-total", task_group, tags}, stat::total_sum}});
    restore_remaining = set.add(
        recording_level::info, {{metric_name{"restore-remaining-records-total", task_group, tags}, stat::total_sum}});
    cache_size = set.add(recording_level::debug, {{metric_name{"cache-size-bytes-total", task_group, tags}, stat::value}});
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

rocksdb_metrics::rocksdb_metrics(streams_metrics* registry, std::map<std::string, std::string> tags)
    : registry_(registry), tags_(std::move(tags)), statistics_(registry->records(recording_level::debug)),
      set_(registry) {
    registry_->add_rocksdb(this);
}

rocksdb_metrics::~rocksdb_metrics() {
    // First: a recording under way uses the sensors set_ drops.
    registry_->remove_rocksdb(this);
}

void rocksdb_metrics::add_db(rocksdb_db_probe* db) {
    {
        std::lock_guard lock(mutex_);
        dbs_.push_back(db);
    }
    if (!registered_) {
        registered_ = true;
        register_metrics();
    }
}

void rocksdb_metrics::remove_db(rocksdb_db_probe* db) {
    // Waits for a gauge or a recording reading the database.
    std::lock_guard lock(mutex_);
    std::erase(dbs_, db);
}

uint64_t rocksdb_metrics::property_sum(const std::string& name) const {
    std::lock_guard lock(mutex_);
    uint64_t sum = 0;
    for (const rocksdb_db_probe* db : dbs_) sum += db->int_property(name).value_or(0);
    return sum;
}

void rocksdb_metrics::register_metrics() {
    // Kafka 3.8's RocksDBMetrics: property gauges at INFO, statistics at DEBUG.
    for (const char* property :
         {"num-entries-active-mem-table", "num-entries-imm-mem-tables", "num-deletes-active-mem-table",
          "num-deletes-imm-mem-tables", "num-immutable-mem-table", "cur-size-active-mem-table",
          "cur-size-all-mem-tables", "size-all-mem-tables", "mem-table-flush-pending", "num-running-flushes",
          "compaction-pending", "num-running-compactions", "estimate-pending-compaction-bytes",
          "total-sst-files-size", "live-sst-files-size", "num-live-versions", "block-cache-capacity",
          "block-cache-usage", "block-cache-pinned-usage", "estimate-num-keys", "estimate-table-readers-mem",
          "background-errors"}) {
        set_.add_gauge(metric_name{property, store_group, tags_},
                       [this, name = std::string(property)] { return static_cast<double>(property_sum(name)); });
    }
    const auto debug = recording_level::debug;
    auto value = [&](const std::string& name) { return set_.add(debug, {{metric_name{name, store_group, tags_}, stat::value}}); };
    bytes_written_ = set_.add(debug, rate_and_sum("bytes-written", store_group, tags_));
    bytes_read_ = set_.add(debug, rate_and_sum("bytes-read", store_group, tags_));
    memtable_bytes_flushed_ = set_.add(debug, rate_and_sum("memtable-bytes-flushed", store_group, tags_));
    memtable_hit_ratio_ = value("memtable-hit-ratio");
    write_stall_duration_ = set_.add(debug, {{metric_name{"write-stall-duration-avg", store_group, tags_}, stat::avg},
                                             {metric_name{"write-stall-duration-total", store_group, tags_}, stat::total_sum}});
    block_cache_data_hit_ratio_ = value("block-cache-data-hit-ratio");
    block_cache_index_hit_ratio_ = value("block-cache-index-hit-ratio");
    block_cache_filter_hit_ratio_ = value("block-cache-filter-hit-ratio");
    bytes_read_compaction_ =
        set_.add(debug, {{metric_name{"bytes-read-compaction-rate", store_group, tags_}, stat::rate_of_sum}});
    bytes_written_compaction_ =
        set_.add(debug, {{metric_name{"bytes-written-compaction-rate", store_group, tags_}, stat::rate_of_sum}});
    // A sum named without -total (Kafka's), of opens minus closes: the files open now.
    number_open_files_ = set_.add(debug, {{metric_name{"number-open-files", store_group, tags_}, stat::total_sum}});
    number_file_errors_ =
        set_.add(debug, {{metric_name{"number-file-errors-total", store_group, tags_}, stat::total_sum}});
}

void rocksdb_metrics::record(int64_t now_ms) {
    std::lock_guard record_lock(record_mutex_);
    if (!statistics_ || !bytes_written_) return;
    rocksdb_tickers sum;
    {
        std::lock_guard lock(mutex_);
        if (dbs_.empty()) return;
        for (rocksdb_db_probe* db : dbs_) {
            const rocksdb_tickers t = db->take_tickers();
            sum.bytes_written += t.bytes_written;
            sum.bytes_read += t.bytes_read;
            sum.memtable_bytes_flushed += t.memtable_bytes_flushed;
            sum.memtable_hits += t.memtable_hits;
            sum.memtable_misses += t.memtable_misses;
            sum.block_cache_data_hits += t.block_cache_data_hits;
            sum.block_cache_data_misses += t.block_cache_data_misses;
            sum.block_cache_index_hits += t.block_cache_index_hits;
            sum.block_cache_index_misses += t.block_cache_index_misses;
            sum.block_cache_filter_hits += t.block_cache_filter_hits;
            sum.block_cache_filter_misses += t.block_cache_filter_misses;
            sum.write_stall_micros += t.write_stall_micros;
            sum.compaction_bytes_written += t.compaction_bytes_written;
            sum.compaction_bytes_read += t.compaction_bytes_read;
            sum.file_opens += t.file_opens;
            sum.file_closes += t.file_closes;
            sum.file_errors += t.file_errors;
        }
    }
    // Kafka's computeHitRatio: 0 without hits.
    auto ratio = [](uint64_t hits, uint64_t misses) {
        return hits == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses);
    };
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    bytes_written_->record(d(sum.bytes_written), now_ms);
    bytes_read_->record(d(sum.bytes_read), now_ms);
    memtable_bytes_flushed_->record(d(sum.memtable_bytes_flushed), now_ms);
    memtable_hit_ratio_->record(ratio(sum.memtable_hits, sum.memtable_misses), now_ms);
    // STALL_MICROS as it comes, as Kafka records it.
    write_stall_duration_->record(d(sum.write_stall_micros), now_ms);
    block_cache_data_hit_ratio_->record(ratio(sum.block_cache_data_hits, sum.block_cache_data_misses), now_ms);
    block_cache_index_hit_ratio_->record(ratio(sum.block_cache_index_hits, sum.block_cache_index_misses), now_ms);
    block_cache_filter_hit_ratio_->record(ratio(sum.block_cache_filter_hits, sum.block_cache_filter_misses), now_ms);
    bytes_written_compaction_->record(d(sum.compaction_bytes_written), now_ms);
    bytes_read_compaction_->record(d(sum.compaction_bytes_read), now_ms);
    number_open_files_->record(d(sum.file_opens) - d(sum.file_closes), now_ms);
    number_file_errors_->record(d(sum.file_errors), now_ms);
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
    // Kafka's e2ELatencySensor, iteratorDurationSensor, addNumOpenIteratorsGauge
    // and addOldestOpenIteratorGauge.
    meters_.e2e_latency = adapt(set_.add(recording_level::trace,
                                         {{metric_name{"record-e2e-latency-avg", store_group, tags_}, stat::avg},
                                          {metric_name{"record-e2e-latency-min", store_group, tags_}, stat::min},
                                          {metric_name{"record-e2e-latency-max", store_group, tags_}, stat::max}}));
    meters_.iterator_duration =
        adapt(set_.add(recording_level::debug, {{metric_name{"iterator-duration-avg", store_group, tags_}, stat::avg},
                                                {metric_name{"iterator-duration-max", store_group, tags_}, stat::max}}));
    if (registry) {
        meters_.iterators = &iterators_;
        set_.add_gauge(metric_name{"num-open-iterators", store_group, tags_},
                       [this] { return static_cast<double>(iterators_.count()); });
        set_.add_gauge(metric_name{"oldest-iterator-open-since-ms", store_group, tags_}, [this] {
            auto oldest = iterators_.oldest();
            return oldest ? static_cast<double>(*oldest) : std::nan("");
        });
    }
    meters_.e2e_on_remove = kind == store_kind::window || kind == store_kind::timestamped_window;
    if (registry && scope.starts_with("rocksdb")) rocksdb_ = std::make_unique<rocksdb_metrics>(registry, tags_);
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
    adapters_.push_back(std::make_unique<registry_store_sensor>(s));
    return adapters_.back().get();
}

}  // namespace samsa::streams::internal
