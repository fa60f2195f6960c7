// State-store metrics (stream-state-metrics): the metered layer over an
// in-memory store, with the sensors the runtime makes for it. Names, tags
// and levels are Kafka 3.8's StateStoreMetrics; each operation's rate counts
// its calls exactly (a snapshot taken at once divides by one 30 s sample).
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/metered_key_value_store.h"

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

}  // namespace
}  // namespace samsa::streams::internal
