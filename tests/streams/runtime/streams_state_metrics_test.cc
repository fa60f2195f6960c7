// State-store metrics (stream-state-metrics): the metered layer over an
// in-memory store, with the sensors the runtime makes for it. Names, tags
// and levels are Kafka 3.8's StateStoreMetrics; each operation's rate counts
// its calls exactly (a snapshot taken at once divides by one 30 s sample).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <thread>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/metered_key_value_store.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"

namespace samsa::streams::internal {
namespace {

const std::string group = "stream-state-metrics";

bytes b(const std::string& s) { return bytes(s.begin(), s.end()); }

metric_name store_metric(const std::string& name, const std::string& scope = "in-memory",
                         const std::string& store = "counts") {
    return metric_name{name, group, {{"thread-id", "app-StreamThread-1"}, {"task-id", "0_1"}, {scope + "-state-id", store}}};
}

// Calls of an operation: its rate times the 30 s a young sensor divides by.
long calls(const metrics_snapshot& snap, const std::string& op) {
    return std::lround(snap.at(store_metric(op + "-rate")) * 30.0);
}

struct metered_fixture {
    explicit metered_fixture(recording_level level, store_kind kind = store_kind::key_value)
        : registry(level),
          sensors(&registry, "app-StreamThread-1", "0_1", "in-memory", "counts", kind, false),
          store(std::make_unique<in_memory_key_value_store>("counts"), sensors.meters()) {
        EXPECT_TRUE(store.init(store_context{}));
    }
    void exercise() {
        store.put(b("a"), b("1"));
        store.put(b("b"), b("2"));
        store.put(b("c"), b("3"));
        store.get(b("a"));
        store.get(b("zz"));
        store.put_if_absent(b("d"), b("4"));
        std::vector<bytes_entry> batch{{b("e"), b("5")}, {b("f"), b("6")}};
        store.put_all(batch);
        store.remove(b("a"));
        for (auto it = store.range(b("b"), b("d")); it->has_next();) it->next();
        for (auto it = store.all(); it->has_next();) it->next();
        store.prefix_scan(b("e"));
        store.flush();
    }
    streams_metrics registry;
    store_sensors sensors;
    metered_key_value_store store;
};

TEST(streams_state_metrics, key_value_store_operations_counted_at_debug) {
    metered_fixture f(recording_level::debug);
    f.exercise();
    auto snap = f.registry.snapshot();
    EXPECT_EQ(calls(snap, "put"), 3);
    EXPECT_EQ(calls(snap, "get"), 2);
    EXPECT_EQ(calls(snap, "put-if-absent"), 1);
    EXPECT_EQ(calls(snap, "put-all"), 1);
    EXPECT_EQ(calls(snap, "delete"), 1);
    EXPECT_EQ(calls(snap, "range"), 1);
    EXPECT_EQ(calls(snap, "all"), 1);
    EXPECT_EQ(calls(snap, "prefix-scan"), 1);
    EXPECT_EQ(calls(snap, "flush"), 1);
    EXPECT_EQ(calls(snap, "restore"), 1);  // Kafka times init() as the restoration
    for (const char* op : {"put", "get", "put-if-absent", "put-all", "delete", "range", "all", "prefix-scan", "flush",
                           "restore"}) {
        double avg = snap.at(store_metric(std::string(op) + "-latency-avg"));
        double max = snap.at(store_metric(std::string(op) + "-latency-max"));
        EXPECT_FALSE(std::isnan(avg)) << op;
        EXPECT_GE(max, avg) << op;
    }
    // Kafka's store sensors have a rate, no total.
    EXPECT_EQ(snap.count(store_metric("put-total")), 0u);
    // The store still works through the layer.
    EXPECT_EQ(f.store.get(b("b")), b("2"));
    EXPECT_FALSE(f.store.get(b("a")));
}

TEST(streams_state_metrics, listed_but_not_recorded_at_info) {
    metered_fixture f(recording_level::info);
    f.exercise();
    auto snap = f.registry.snapshot();
    for (const char* op : {"put", "get", "put-if-absent", "put-all", "delete", "range", "all", "prefix-scan", "flush",
                           "restore"}) {
        ASSERT_EQ(snap.count(store_metric(std::string(op) + "-rate")), 1u) << op;
        EXPECT_EQ(snap.at(store_metric(std::string(op) + "-rate")), 0) << op;
        EXPECT_TRUE(std::isnan(snap.at(store_metric(std::string(op) + "-latency-max")))) << op;
    }
    EXPECT_EQ(f.store.get(b("b")), b("2"));
}

TEST(streams_state_metrics, window_and_session_stores_fetch_as_kafka_names_it) {
    metered_fixture w(recording_level::debug, store_kind::window);
    w.exercise();
    auto snap = w.registry.snapshot();
    EXPECT_EQ(calls(snap, "fetch"), 5);  // two gets, range, all, prefix scan
    EXPECT_EQ(calls(snap, "put"), 3 + 1 + 1 + 1);  // put, put-if-absent, put-all, and a delete is a put
    EXPECT_EQ(snap.count(store_metric("get-rate")), 0u);
    EXPECT_EQ(snap.count(store_metric("remove-rate")), 0u);

    metered_fixture s(recording_level::debug, store_kind::session);
    s.exercise();
    auto session = s.registry.snapshot();
    EXPECT_EQ(std::lround(session.at(store_metric("remove-rate")) * 30.0), 1);
    EXPECT_EQ(std::lround(session.at(store_metric("fetch-rate")) * 30.0), 5);
}

TEST(streams_state_metrics, metrics_leave_with_the_store_sensors) {
    streams_metrics registry(recording_level::debug);
    {
        store_sensors sensors(&registry, "t", "0_0", "rocksdb", "s", store_kind::key_value, true);
        EXPECT_EQ(registry.snapshot().count(metric_name{"put-rate", group, {{"thread-id", "t"}, {"task-id", "0_0"},
                                                                            {"rocksdb-state-id", "s"}}}),
                  1u);
    }
    EXPECT_TRUE(registry.snapshot().empty());
}

// Kafka's NamedCache: a read that hits records hits / reads so far; a miss
// only counts.
TEST(streams_state_metrics, record_cache_hit_ratio) {
    streams_metrics registry(recording_level::debug);
    store_sensors sensors(&registry, "t", "0_0", "in-memory", "c", store_kind::key_value, true);
    caching_key_value_store cache(std::make_unique<in_memory_key_value_store>("c"));
    ASSERT_TRUE(cache.init(store_context{}));
    ASSERT_TRUE(cache.set_cache_hit_ratio_sensor(sensors.cache_hit_ratio()));
    cache.put(b("a"), b("1"));
    cache.get(b("x"));  // miss
    cache.get(b("a"));  // hit: 1/2
    cache.get(b("a"));  // hit: 2/3
    const std::map<std::string, std::string> tags{{"thread-id", "t"}, {"task-id", "0_0"}, {"record-cache-id", "c"}};
    auto snap = registry.snapshot();
    const std::string g = "stream-record-cache-metrics";
    EXPECT_DOUBLE_EQ(snap.at(metric_name{"hit-ratio-min", g, tags}), 0.5);
    EXPECT_DOUBLE_EQ(snap.at(metric_name{"hit-ratio-max", g, tags}), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(snap.at(metric_name{"hit-ratio-avg", g, tags}), (0.5 + 2.0 / 3.0) / 2);

    streams_metrics info(recording_level::info);
    store_sensors quiet(&info, "t", "0_0", "in-memory", "c", store_kind::key_value, true);
    cache.set_cache_hit_ratio_sensor(quiet.cache_hit_ratio());
    cache.get(b("a"));
    EXPECT_TRUE(std::isnan(info.snapshot().at(metric_name{"hit-ratio-max", g, tags})));
}

// Kafka's NamedCache records its bytes into the task's
// cache-size-bytes-total (DEBUG) after each put, eviction and delete.
TEST(streams_state_metrics, cache_size_bytes_total_follows_the_cache) {
    streams_metrics registry(recording_level::debug);
    task_sensors task(&registry, "t", "0_0");
    registry_store_sensor size(task.cache_size);
    caching_key_value_store cache(std::make_unique<in_memory_key_value_store>("c"));
    ASSERT_TRUE(cache.init(store_context{}));
    ASSERT_TRUE(cache.set_cache_size_sensor(&size));
    const metric_name name{"cache-size-bytes-total", "stream-task-metrics", {{"thread-id", "t"}, {"task-id", "0_0"}}};
    EXPECT_EQ(registry.snapshot().at(name), 0);
    cache.put(b("a"), b("1"));
    cache.put(b("b"), b(std::string(100, 'x')));
    const double two = registry.snapshot().at(name);
    EXPECT_EQ(two, static_cast<double>(cache.cached_bytes()));
    EXPECT_GT(two, 100);
    cache.flush();  // written down: the entries stay cached, clean
    cache.remove(b("b"));
    EXPECT_EQ(registry.snapshot().at(name), static_cast<double>(cache.cached_bytes()));
    EXPECT_LT(registry.snapshot().at(name), two);

    streams_metrics info(recording_level::info);
    task_sensors quiet(&info, "t", "0_0");
    registry_store_sensor quiet_size(quiet.cache_size);
    caching_key_value_store other(std::make_unique<in_memory_key_value_store>("d"));
    ASSERT_TRUE(other.init(store_context{}));
    other.set_cache_size_sensor(&quiet_size);
    other.put(b("a"), b("1"));
    EXPECT_EQ(info.snapshot().at(name), 0) << "DEBUG";
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Kafka 3.8's num-open-iterators and oldest-iterator-open-since-ms are INFO:
// counted at the default level; iterator-duration is DEBUG.
TEST(streams_state_metrics, open_iterators_counted_at_info) {
    metered_fixture f(recording_level::info);
    f.store.put(b("a"), b("1"));
    auto snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(store_metric("num-open-iterators")), 0);
    EXPECT_TRUE(std::isnan(snap.at(store_metric("oldest-iterator-open-since-ms")))) << "Kafka's gauge gives null";
    const int64_t before = wall_ms();
    auto first = f.store.all();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto second = f.store.range(b("a"), b("z"));
    const int64_t after = wall_ms();
    snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(store_metric("num-open-iterators")), 2);
    const double oldest = snap.at(store_metric("oldest-iterator-open-since-ms"));
    EXPECT_GE(oldest, static_cast<double>(before));
    EXPECT_LE(oldest, static_cast<double>(after - 2)) << "the first one's time, not the second's";
    first.reset();
    snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(store_metric("num-open-iterators")), 1);
    EXPECT_GE(snap.at(store_metric("oldest-iterator-open-since-ms")), oldest + 2);
    // The iterators still iterate through the layer.
    ASSERT_TRUE(second->has_next());
    EXPECT_EQ(second->next().key, b("a"));
    second.reset();
    snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(store_metric("num-open-iterators")), 0);
    EXPECT_TRUE(std::isnan(snap.at(store_metric("iterator-duration-max")))) << "DEBUG";
}

TEST(streams_state_metrics, iterator_duration_in_ns_at_debug) {
    metered_fixture f(recording_level::debug);
    f.store.put(b("a"), b("1"));
    {
        auto it = f.store.prefix_scan(b("a"));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (auto it = f.store.all(); it->has_next();) it->next();
    auto snap = f.registry.snapshot();
    EXPECT_GE(snap.at(store_metric("iterator-duration-max")), 2e6);
    EXPECT_GE(snap.at(store_metric("iterator-duration-avg")), 1e6) << "(>= 2e6 + > 0) / 2";
    EXPECT_LE(snap.at(store_metric("iterator-duration-avg")), snap.at(store_metric("iterator-duration-max")));
}

// The current record, 1 s old.
struct old_record final : record_context_holder {
    record_context current{wall_ms() - 1000, std::nullopt, {}};
    const record_context& current_record() const override { return current; }
    record_context exchange_current_record(record_context c) override { return std::exchange(current, std::move(c)); }
};

// Kafka's maybeRecordE2ELatency: after a put and a put-if-absent (and a
// window store's delete, a put of nothing), wall clock minus the record's
// timestamp in ms; TRACE only.
TEST(streams_state_metrics, record_e2e_latency_at_trace) {
    for (auto kind : {store_kind::key_value, store_kind::window}) {
        streams_metrics registry(recording_level::trace);
        store_sensors sensors(&registry, "app-StreamThread-1", "0_1", "in-memory", "counts", kind, false);
        metered_key_value_store store(std::make_unique<in_memory_key_value_store>("counts"), sensors.meters());
        old_record records;
        store_context ctx;
        ctx.records = &records;
        ASSERT_TRUE(store.init(ctx));
        store.put(b("a"), b("1"));
        store.get(b("a"));
        records.current.timestamp -= 1000;  // now 2 s old
        store.put_if_absent(b("b"), b("2"));
        store.remove(b("a"));
        auto snap = registry.snapshot();
        const double min = snap.at(store_metric("record-e2e-latency-min"));
        const double max = snap.at(store_metric("record-e2e-latency-max"));
        const double avg = snap.at(store_metric("record-e2e-latency-avg"));
        EXPECT_GE(min, 1000);
        EXPECT_LT(min, 1100);
        EXPECT_GE(max, 2000);
        EXPECT_LT(max, 2100);
        // Key-value: put (1 s) and put-if-absent (2 s); window: the delete too.
        const double want = kind == store_kind::window ? (1000.0 + 2000 + 2000) / 3 : 1500.0;
        EXPECT_NEAR(avg, want, 100) << (kind == store_kind::window ? "window" : "key-value");
    }
    metered_fixture debug(recording_level::debug);
    debug.exercise();
    EXPECT_TRUE(std::isnan(debug.registry.snapshot().at(store_metric("record-e2e-latency-max")))) << "TRACE";
}

metric_name rocks(const std::string& name) {
    return metric_name{name, group, {{"thread-id", "t"}, {"task-id", "0_0"}, {"rocksdb-state-id", "s"}}};
}

struct rocksdb_fixture {
    explicit rocksdb_fixture(recording_level level, const std::string& test)
        : dir(std::filesystem::temp_directory_path() / ("samsa-rocksdb-metrics-" + test + "-" + std::to_string(::getpid()))),
          registry(level),
          sensors(std::make_unique<store_sensors>(&registry, "t", "0_0", "rocksdb", "s", store_kind::key_value, false)) {
        std::filesystem::remove_all(dir);
    }
    ~rocksdb_fixture() {
        store.close();
        std::filesystem::remove_all(dir);
    }
    void open() {
        store_context ctx;
        ctx.task_dir = dir;
        ctx.rocksdb_metrics = sensors->rocksdb();
        ASSERT_TRUE(store.init(ctx));
    }
    void put_keys(int n, int from = 0) {
        const bytes value(100, 'v');
        for (int i = from; i < from + n; ++i) store.put(b("key-" + std::to_string(100000 + i)), value);
    }
    std::filesystem::path dir;
    streams_metrics registry;
    std::unique_ptr<store_sensors> sensors;
    rocksdb_key_value_store store{"s"};
};

// Kafka 3.8's RocksDB property metrics: INFO gauges, there once the store's
// database is open, read from RocksDB when the snapshot is taken.
TEST(streams_state_metrics, rocksdb_property_gauges_at_info) {
    rocksdb_fixture f(recording_level::info, "props");
    EXPECT_EQ(f.registry.snapshot().count(rocks("estimate-num-keys")), 0u) << "registered when a database opens";
    f.open();
    f.put_keys(1000);
    auto snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(rocks("num-entries-active-mem-table")), 1000);
    EXPECT_EQ(snap.at(rocks("estimate-num-keys")), 1000);
    EXPECT_GT(snap.at(rocks("cur-size-active-mem-table")), 1000 * 100);
    EXPECT_GE(snap.at(rocks("size-all-mem-tables")), snap.at(rocks("cur-size-active-mem-table")));
    EXPECT_EQ(snap.at(rocks("block-cache-capacity")), 50 << 20) << "the store's 50 MiB cache";
    EXPECT_EQ(snap.at(rocks("total-sst-files-size")), 0);
    EXPECT_EQ(snap.at(rocks("background-errors")), 0);
    f.store.flush();
    snap = f.registry.snapshot();
    EXPECT_EQ(snap.at(rocks("num-entries-active-mem-table")), 0);
    EXPECT_GT(snap.at(rocks("total-sst-files-size")), 1000 * 100);
    EXPECT_EQ(snap.at(rocks("estimate-num-keys")), 1000);
    // Statistics are DEBUG: RocksDB keeps none, nothing is recorded.
    f.sensors->rocksdb()->record(metrics_now_ms());
    EXPECT_EQ(f.registry.snapshot().at(rocks("bytes-written-total")), 0);
    // A closed database counts no more; the metrics go with the store's sensors.
    f.store.close();
    EXPECT_EQ(f.registry.snapshot().at(rocks("estimate-num-keys")), 0);
    f.sensors.reset();
    EXPECT_TRUE(f.registry.snapshot().empty());
}

// The statistics-based ones at DEBUG, from RocksDB's tickers since the last
// recording, recorded once a minute (Kafka's recording trigger).
TEST(streams_state_metrics, rocksdb_statistics_at_debug) {
    rocksdb_fixture f(recording_level::debug, "stats");
    f.open();
    f.put_keys(1000);
    const int64_t t0 = metrics_now_ms();
    f.registry.maybe_record_rocksdb(t0);
    auto snap = f.registry.snapshot();
    const double written = snap.at(rocks("bytes-written-total"));
    EXPECT_GE(written, 1000 * 100) << "keys and values written";
    f.put_keys(1000, 1000);
    f.registry.maybe_record_rocksdb(t0 + 1000);
    EXPECT_EQ(f.registry.snapshot().at(rocks("bytes-written-total")), written) << "once a minute";
    f.store.flush();
    // Each key read twice from the SST file: the second read of a block hits the cache.
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 2000; ++i) ASSERT_TRUE(f.store.get(b("key-" + std::to_string(100000 + i))));
    }
    f.registry.maybe_record_rocksdb(t0 + 60000);
    snap = f.registry.snapshot();
    EXPECT_GE(snap.at(rocks("bytes-written-total")), 1.9 * written);
    EXPECT_GT(snap.at(rocks("memtable-bytes-flushed-total")), 2000 * 100);
    EXPECT_GT(snap.at(rocks("bytes-read-total")), 0);
    EXPECT_GT(snap.at(rocks("block-cache-data-hit-ratio")), 0.5);
    EXPECT_LE(snap.at(rocks("block-cache-data-hit-ratio")), 1);
    EXPECT_EQ(snap.at(rocks("memtable-hit-ratio")), 0) << "every read went past the (empty) memtable";
    EXPECT_GE(snap.at(rocks("number-open-files")), 0);
    EXPECT_EQ(snap.at(rocks("number-file-errors-total")), 0);
    EXPECT_EQ(snap.at(rocks("write-stall-duration-total")), 0);
    for (const char* n : {"bytes-written-rate", "bytes-read-rate", "memtable-bytes-flushed-rate",
                          "write-stall-duration-avg", "block-cache-index-hit-ratio", "block-cache-filter-hit-ratio",
                          "bytes-read-compaction-rate", "bytes-written-compaction-rate"}) {
        EXPECT_EQ(snap.count(rocks(n)), 1u) << n;
    }
}

}  // namespace
}  // namespace samsa::streams::internal
