// Kafka Streams 3.8's task metrics process-latency-avg/-max,
// record-lateness-avg/-max and active-buffer-count (group
// stream-task-metrics, DEBUG), recorded where Kafka records them, over fake
// clients (fake_clients.h) with known traffic: 150 records on one partition,
// two of them late by a known amount, one that takes at least 2 ms to
// process. Waits are bounded.
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/within_seconds.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams::internal {
namespace {

constexpr int records = 150;
const std::string task_group = "stream-task-metrics";

TEST(streams_task_metrics, value_stat_is_the_last_recorded_value) {
    streams_metrics registry(recording_level::debug);
    auto s = registry.add_sensor(recording_level::debug, {{metric_name{"v", "g", {}}, stat::value}});
    EXPECT_EQ(registry.snapshot(0).at(metric_name{"v", "g", {}}), 0) << "Kafka's Value starts at 0";
    s->record(7, 1000);
    s->record(3, 2000);
    EXPECT_EQ(registry.snapshot(3000).at(metric_name{"v", "g", {}}), 3);
}

TEST(streams_task_metrics, task_sensors_have_kafkas_names_and_levels) {
    streams_metrics registry(recording_level::info);
    task_sensors task(&registry, "t", "0_1");
    auto snap = registry.snapshot();
    const std::map<std::string, std::string> tags{{"thread-id", "t"}, {"task-id", "0_1"}};
    for (const char* n : {"process-latency-avg", "process-latency-max", "record-lateness-avg", "record-lateness-max",
                          "active-buffer-count", "enforced-processing-rate", "enforced-processing-total"}) {
        EXPECT_TRUE(snap.count(metric_name{n, task_group, tags})) << n;
    }
    EXPECT_FALSE(task.process_latency->should_record());
    EXPECT_FALSE(task.record_lateness->should_record());
    EXPECT_FALSE(task.buffer_count->should_record());
    EXPECT_FALSE(task.enforced_processing->should_record());
}

double metric(const metrics_snapshot& snap, const std::string& name) {
    auto it = snap.find(metric_name{name, task_group, {{"thread-id", "m-StreamThread-1"}, {"task-id", "0_0"}}});
    return it == snap.end() ? -1 : it->second;
}

TEST(streams_task_metrics, latency_lateness_and_buffer_count_from_known_traffic) {
    test_support::temp_dir dir("task-metrics-test");
    testing_fakes::fake_cluster cluster;
    cluster.create("lat", 1);
    cluster.create("lat-out", 1);
    // Stream time rises 10 ms a record; records 50 and 100 are 490 ms behind it.
    for (int i = 0; i < records; ++i) {
        int64_t ts = 1000 + 10 * i;
        if (i == 50) ts = 1000;   // stream time 1490
        if (i == 100) ts = 1500;  // stream time 1990
        cluster.append("lat", std::optional<int32_t>(0), bytes{'k'}, serdes::int64().serialize("", i), ts);
    }
    kafka_streams* running = nullptr;
    std::atomic<double> buffered_before_second_round{-1};
    std::atomic<int> calls{0};
    streams_builder b;
    b.stream("lat", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([&](const int64_t& v) {
            const int call = ++calls;
            // At least 2 ms through the topology: process-latency-max >= 2e6 (ns).
            if (v == 10) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            // The first record of the second round (100 a round a task): the
            // buffer count recorded after the first round is still the last.
            if (call == 101) buffered_before_second_round = metric(running->metrics(), "active-buffer-count");
            return v;
        })
        .to("lat-out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    std::map<std::string, std::string> props{{"application.id", "m"},
                                             {"bootstrap.servers", "fake:1"},
                                             {"state.dir", dir.string()},
                                             {"commit.interval.ms", "50"},
                                             {"poll.ms", "5"},
                                             {"metrics.recording.level", "DEBUG"}};
    kafka_streams app(b.build(), props, std::make_unique<testing_fakes::fake_supplier>(cluster));
    running = &app;
    app.start();
    ASSERT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "process-total") == records; }))
        << "the task never processed its " << records << " records";
    auto snap = app.metrics();
    EXPECT_DOUBLE_EQ(metric(snap, "record-lateness-max"), 490);
    EXPECT_DOUBLE_EQ(metric(snap, "record-lateness-avg"), 2 * 490.0 / records);
    const double latency_max = metric(snap, "process-latency-max");
    const double latency_avg = metric(snap, "process-latency-avg");
    EXPECT_GE(latency_max, 2e6) << "process latency is in ns, as Kafka's";
    EXPECT_GT(latency_avg, 0);
    EXPECT_LE(latency_avg, latency_max);
    // All 150 arrive in one poll; a round takes 100 of them.
    EXPECT_EQ(buffered_before_second_round.load(), 50);
    EXPECT_EQ(metric(snap, "active-buffer-count"), 0) << "nothing is left buffered";
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

// A task reading two topics, one of them empty and caught up (the fake
// consumer's lag is 0): with max.task.idle.ms 0 every record is processed
// under enforced processing, so the total is the record count.
TEST(streams_task_metrics, enforced_processing_counts_each_enforced_record) {
    test_support::temp_dir dir("task-metrics-enf");
    testing_fakes::fake_cluster cluster;
    cluster.create("left", 1);
    cluster.create("right", 1);
    cluster.create("both", 1);
    for (int i = 0; i < 7; ++i) {
        cluster.append("left", std::optional<int32_t>(0), bytes{'k'}, serdes::int64().serialize("", i), 10 + i);
    }
    streams_builder b;
    auto serde = consumed<std::string, int64_t>::with(serdes::string(), serdes::int64());
    b.stream("left", serde)
        .merge(b.stream("right", serde))
        .to("both", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    std::map<std::string, std::string> props{{"application.id", "m"},
                                             {"bootstrap.servers", "fake:1"},
                                             {"state.dir", dir.string()},
                                             {"commit.interval.ms", "50"},
                                             {"poll.ms", "5"},
                                             {"max.task.idle.ms", "0"},
                                             {"metrics.recording.level", "DEBUG"}};
    kafka_streams app(b.build(), props, std::make_unique<testing_fakes::fake_supplier>(cluster));
    app.start();
    ASSERT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "process-total") == 7; }));
    auto snap = app.metrics();
    EXPECT_EQ(metric(snap, "enforced-processing-total"), 7);
    EXPECT_GT(metric(snap, "enforced-processing-rate"), 0);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

TEST(streams_task_metrics, info_level_records_none_of_them) {
    test_support::temp_dir dir("task-metrics-info");
    testing_fakes::fake_cluster cluster;
    cluster.create("lat", 1);
    cluster.create("lat-out", 1);
    for (int i = 0; i < 5; ++i) {
        cluster.append("lat", std::optional<int32_t>(0), bytes{'k'}, serdes::int64().serialize("", i), 100 - i);
    }
    streams_builder b;
    b.stream("lat", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .to("lat-out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    std::map<std::string, std::string> props{{"application.id", "m"},
                                             {"bootstrap.servers", "fake:1"},
                                             {"state.dir", dir.string()},
                                             {"commit.interval.ms", "50"},
                                             {"poll.ms", "5"}};
    kafka_streams app(b.build(), props, std::make_unique<testing_fakes::fake_supplier>(cluster));
    app.start();
    const std::map<std::string, std::string> thread{{"thread-id", "m-StreamThread-1"}};
    ASSERT_TRUE(within_seconds(20, [&] {
        auto now = app.metrics();
        auto it = now.find(metric_name{"process-total", "stream-thread-metrics", thread});
        return it != now.end() && it->second == 5;
    }));
    auto snap = app.metrics();
    EXPECT_TRUE(std::isnan(metric(snap, "record-lateness-max")));
    EXPECT_TRUE(std::isnan(metric(snap, "process-latency-max")));
    EXPECT_EQ(metric(snap, "active-buffer-count"), 0);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace samsa::streams::internal
