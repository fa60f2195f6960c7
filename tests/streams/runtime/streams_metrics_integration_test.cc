// kafka_streams::metrics() against the real samsa-broker: a doubling
// application over two partitions with one record it cannot deserialize
// (logAndContinue). The thread counts exactly the records it processed,
// commits, polls, creates and closes its tasks; the task that skipped the
// bad record counts it as dropped; DEBUG task metrics record only at DEBUG.
// Every wait is bounded.
#include <chrono>
#include <cmath>
#include <set>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

constexpr int good_records = 20;

topology doubling_topology() {
    streams_builder b;
    b.stream("m-in", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([](const int64_t& v) { return v * 2; })
        .to("m-out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

bool eventually(const std::function<bool()>& f, std::chrono::seconds limit = 60s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (f()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return f();
}

// The sum of one metric over every thread or task that has it.
double sum_of(const metrics_snapshot& snap, const std::string& name, const std::string& group) {
    double sum = 0;
    for (const auto& [m, v] : snap) {
        if (m.name == name && m.group == group) sum += v;
    }
    return sum;
}

size_t count_of(const metrics_snapshot& snap, const std::string& name, const std::string& group) {
    size_t n = 0;
    for (const auto& [m, v] : snap) n += m.name == name && m.group == group ? 1 : 0;
    return n;
}

const std::string thread_group = "stream-thread-metrics";
const std::string task_group = "stream-task-metrics";

class metrics_integration : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "m-in", 2));
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "m-out", 2));
        std::vector<ts::record> records;
        for (int i = 0; i < good_records; ++i) {
            ts::record r;
            r.key = "k" + std::to_string(i);
            bytes v = serdes::int64().serialize("m-in", i);
            r.value.assign(v.begin(), v.end());
            r.partition = i % 2;
            records.push_back(r);
        }
        ts::record bad;
        bad.key = "bad";
        bad.value = "xyz";  // not 8 bytes: the int64 deserializer throws
        bad.partition = 0;
        records.push_back(bad);
        auto done = ts::produce(broker_.bootstrap(), "m-in", records);
        ASSERT_TRUE(done) << done.error().message;
    }

    std::map<std::string, std::string> props(const std::string& app) const {
        return {{"application.id", app},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", (broker_.data_dir() / "streams-state").string()},
                {"commit.interval.ms", "100"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"default.deserialization.exception.handler", "logAndContinue"},
                {"consumer.auto.offset.reset", "earliest"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    ts::broker_process broker_;
};

TEST_F(metrics_integration, thread_and_task_metrics_count_what_the_application_did) {
    kafka_streams app(doubling_topology(), props("metrics-info"));
    app.start();
    ASSERT_TRUE(eventually([&] {
        auto snap = app.metrics();
        return sum_of(snap, "process-total", thread_group) >= good_records &&
               sum_of(snap, "dropped-records-total", task_group) >= 1 &&
               sum_of(snap, "commit-total", thread_group) > 0;
    })) << "the application never processed its input";
    auto out = ts::read_all(broker_.bootstrap(), "m-out", 2, good_records);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->size(), static_cast<size_t>(good_records));

    auto snap = app.metrics();
    // Exactly the good records: the skipped one is dropped, not processed.
    EXPECT_EQ(sum_of(snap, "process-total", thread_group), good_records);
    EXPECT_EQ(sum_of(snap, "dropped-records-total", task_group), 1);
    EXPECT_GT(sum_of(snap, "commit-total", thread_group), 0);
    EXPECT_GT(sum_of(snap, "poll-total", thread_group), 0);
    EXPECT_GT(sum_of(snap, "process-rate", thread_group), 0);
    EXPECT_GE(sum_of(snap, "commit-latency-max", thread_group), 0);
    EXPECT_EQ(sum_of(snap, "task-created-total", thread_group), 2);
    EXPECT_EQ(count_of(snap, "process-total", thread_group), 1u);  // one thread
    // Both tasks (0_0, 0_1) have task metrics; process-total is DEBUG: not
    // recorded at the default INFO.
    EXPECT_EQ(count_of(snap, "process-total", task_group), 2u);
    EXPECT_EQ(sum_of(snap, "process-total", task_group), 0);
    bool dropped_on_partition_0 = false;
    for (const auto& [m, v] : snap) {
        if (m.name != "dropped-records-total" || m.group != task_group) continue;
        EXPECT_EQ(m.tags.at("thread-id"), app.thread_names().at(0));
        if (m.tags.at("task-id") == "0_0") dropped_on_partition_0 = v == 1;
    }
    EXPECT_TRUE(dropped_on_partition_0);

    EXPECT_TRUE(app.close(30s));
    auto closed = app.metrics();
    EXPECT_EQ(count_of(closed, "process-total", task_group), 0u) << "closed tasks keep their metrics";
    EXPECT_EQ(sum_of(closed, "task-closed-total", thread_group), 2);
    EXPECT_EQ(sum_of(closed, "process-total", thread_group), good_records);
}

TEST_F(metrics_integration, debug_level_records_task_process_metrics) {
    auto p = props("metrics-debug");
    p["metrics.recording.level"] = "DEBUG";
    kafka_streams app(doubling_topology(), p);
    app.start();
    EXPECT_TRUE(eventually([&] { return sum_of(app.metrics(), "process-total", task_group) >= good_records; }));
    auto snap = app.metrics();
    EXPECT_EQ(sum_of(snap, "process-total", task_group), good_records);
    EXPECT_EQ(sum_of(snap, "process-total", thread_group), good_records);
    EXPECT_TRUE(app.close(30s));
}


// Processor-node and state-store metrics (second slice): a topology that
// doubles into m-out and counts per key into the store m-counts.
topology doubling_and_counting_topology() {
    streams_builder b;
    auto in = b.stream("m-in", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    in.map_values([](const int64_t& v) { return v * 2; })
        .to("m-out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    in.group_by_key().count(named{}, materialized<std::string, int64_t>::as("m-counts"));
    return b.build();
}

const std::string node_group = "stream-processor-node-metrics";
const std::string store_group = "stream-state-metrics";

// The value of one metric whose tags include `tag`=`value`, summed over tasks.
double sum_tagged(const metrics_snapshot& snap, const std::string& name, const std::string& group,
                  const std::string& tag, const std::string& value) {
    double sum = 0;
    for (const auto& [m, v] : snap) {
        auto it = m.tags.find(tag);
        if (m.name == name && m.group == group && it != m.tags.end() && it->second == value) sum += v;
    }
    return sum;
}

// The processor-node ids that have a metric.
std::set<std::string> nodes_with(const metrics_snapshot& snap, const std::string& name) {
    std::set<std::string> out;
    for (const auto& [m, v] : snap) {
        if (m.name == name && m.group == node_group) out.insert(m.tags.at("processor-node-id"));
    }
    return out;
}

TEST_F(metrics_integration, node_and_store_metrics_at_debug) {
    auto p = props("metrics-nodes-debug");
    p["metrics.recording.level"] = "DEBUG";
    kafka_streams app(doubling_and_counting_topology(), p);
    app.start();
    ASSERT_TRUE(eventually([&] {
        return sum_of(app.metrics(), "process-total", node_group) >= good_records;
    })) << "the application never processed its input";
    auto snap = app.metrics();
    const std::string source = "KSTREAM-SOURCE-0000000000";
    // process-* only on the source (Kafka 3.8's processAtSourceSensor), one per task.
    EXPECT_EQ(nodes_with(snap, "process-total"), std::set<std::string>{source});
    EXPECT_EQ(count_of(snap, "process-total", node_group), 2u);
    EXPECT_EQ(sum_of(snap, "process-total", node_group), good_records);
    EXPECT_GT(sum_of(snap, "process-rate", node_group), 0);
    // record-e2e-latency on the source and the terminal nodes: the sink and
    // the count (its KTable has no children).
    auto e2e = nodes_with(snap, "record-e2e-latency-avg");
    EXPECT_EQ(e2e.size(), 3u);
    EXPECT_TRUE(e2e.count(source));
    EXPECT_EQ(nodes_with(snap, "record-e2e-latency-min"), e2e);
    EXPECT_EQ(nodes_with(snap, "record-e2e-latency-max"), e2e);
    for (const auto& [m, v] : snap) {
        if (m.group != node_group || m.name.rfind("record-e2e-latency", 0) != 0) continue;
        EXPECT_EQ(m.tags.size(), 3u) << m.to_string();
        EXPECT_EQ(m.tags.at("thread-id"), app.thread_names().at(0));
    }
    // The count store: every record is a get and a put (the aggregation
    // reads, then writes), rate over the first 30 s sample.
    const std::string tag = "rocksdb-state-id";
    EXPECT_EQ(std::lround(sum_tagged(snap, "put-rate", store_group, tag, "m-counts") * 30.0), good_records);
    EXPECT_EQ(std::lround(sum_tagged(snap, "get-rate", store_group, tag, "m-counts") * 30.0), good_records);
    EXPECT_GE(sum_tagged(snap, "put-latency-max", store_group, tag, "m-counts"), 0);
    EXPECT_EQ(std::lround(sum_tagged(snap, "restore-rate", store_group, tag, "m-counts") * 30.0), 2);
    // The store is cached (the default): its record cache has a hit ratio.
    for (const char* m : {"hit-ratio-avg", "hit-ratio-min", "hit-ratio-max"}) {
        EXPECT_EQ(count_of(snap, m, "stream-record-cache-metrics"), 2u) << m;
    }
    EXPECT_TRUE(app.close(30s));
    auto closed = app.metrics();
    EXPECT_EQ(count_of(closed, "put-rate", store_group), 0u) << "closed tasks keep their store metrics";
    EXPECT_EQ(count_of(closed, "record-e2e-latency-avg", node_group), 0u);
}

TEST_F(metrics_integration, node_e2e_latency_recorded_at_info_store_metrics_not) {
    kafka_streams app(doubling_and_counting_topology(), props("metrics-nodes-info"));
    app.start();
    ASSERT_TRUE(eventually([&] { return sum_of(app.metrics(), "process-total", thread_group) >= good_records; }));
    auto snap = app.metrics();
    // INFO: e2e latency is recorded (a value, not NaN) on the source of a
    // task that processed; DEBUG node and store metrics are listed at 0.
    bool e2e_recorded = false;
    for (const auto& [m, v] : snap) {
        if (m.group == node_group && m.name == "record-e2e-latency-max" && !std::isnan(v)) e2e_recorded = v >= 0;
    }
    EXPECT_TRUE(e2e_recorded);
    EXPECT_EQ(count_of(snap, "process-total", node_group), 2u);
    EXPECT_EQ(sum_of(snap, "process-total", node_group), 0);
    EXPECT_EQ(count_of(snap, "put-rate", store_group), 2u);
    EXPECT_EQ(sum_of(snap, "put-rate", store_group), 0);
    EXPECT_TRUE(app.close(30s));
}

}  // namespace
}  // namespace samsa::streams
