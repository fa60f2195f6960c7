// The built-in metrics registry (streams_metrics.h) with explicit clocks:
// rates over Kafka's two 30 s samples, totals, avg/max, the recording level,
// removal, and the Kafka names of the thread and task sensors; then
// kafka_streams::metrics() over fake clients (fake_clients.h): what the
// thread and its tasks record. Waits are bounded.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/streams_config.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/within_seconds.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams::internal {
namespace {

const std::string group = "stream-thread-metrics";
const std::map<std::string, std::string> tags{{"thread-id", "t-1"}};

metric_name named(const std::string& name) { return metric_name{name, group, tags}; }

std::vector<std::pair<metric_name, stat>> commit_like() {
    auto m = rate_and_count("commit", group, tags);
    for (auto& x : avg_and_max_latency("commit", group, tags)) m.push_back(x);
    return m;
}

TEST(streams_metrics, totals_avg_and_max_of_recorded_values) {
    streams_metrics registry(recording_level::info);
    auto s = registry.add_sensor(recording_level::info, commit_like());
    s->record(10, 1000);
    s->record(30, 2000);
    s->record(20, 3000);
    auto snap = registry.snapshot(4000);
    EXPECT_EQ(snap.at(named("commit-total")), 3);
    EXPECT_DOUBLE_EQ(snap.at(named("commit-latency-avg")), 20);
    EXPECT_DOUBLE_EQ(snap.at(named("commit-latency-max")), 30);
    EXPECT_EQ(snap.size(), 4u);
}

TEST(streams_metrics, rates_are_per_second_over_at_least_one_full_sample) {
    streams_metrics registry(recording_level::info);
    auto s = registry.add_sensor(recording_level::info, commit_like());
    for (int i = 0; i < 60; ++i) s->record(1, 1000 + i * 100);
    // A young sensor: 6 s elapsed, topped up with one whole 30 s window
    // (Kafka's Rate.windowSize) -> 60 events / 36 s.
    EXPECT_DOUBLE_EQ(registry.snapshot(7000).at(named("commit-rate")), 60.0 / 36.0);
    // Events over 45 s: two samples (0-30 s, 30-60 s), elapsed 45 s.
    streams_metrics steady(recording_level::info);
    auto t = steady.add_sensor(recording_level::info, commit_like());
    for (int64_t ms = 0; ms < 45000; ms += 500) t->record(1, ms);
    EXPECT_NEAR(steady.snapshot(45000).at(named("commit-rate")), 2.0, 0.01);
}

TEST(streams_metrics, old_samples_expire_but_totals_stay) {
    streams_metrics registry(recording_level::info);
    auto s = registry.add_sensor(recording_level::info, commit_like());
    s->record(5, 0);
    s->record(7, 1000);
    auto later = registry.snapshot(200000);  // both 30 s samples long gone
    EXPECT_EQ(later.at(named("commit-rate")), 0);
    EXPECT_TRUE(std::isnan(later.at(named("commit-latency-avg"))));
    EXPECT_TRUE(std::isnan(later.at(named("commit-latency-max"))));
    EXPECT_EQ(later.at(named("commit-total")), 2);
}

TEST(streams_metrics, a_round_reads_the_clock_once_and_only_on_its_own_thread) {
    const int64_t before = metrics_now_ms();
    int64_t inside = 0;
    {
        metrics_round round;
        inside = metrics_now_ms();
        EXPECT_GE(inside, before);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(metrics_now_ms(), inside);
        // Another thread reads the clock itself.
        int64_t other = 0;
        std::thread([&] { other = metrics_now_ms(); }).join();
        EXPECT_GE(other, inside + 20);
    }
    EXPECT_GE(metrics_now_ms(), inside + 20);  // the round is over: the clock again
}

TEST(streams_metrics, rate_of_sum_counts_the_values) {
    streams_metrics registry(recording_level::info);
    auto s = registry.add_sensor(recording_level::info, rate_and_sum("process", group, tags));
    s->record(100, 0);
    s->record(50, 1000);
    auto snap = registry.snapshot(2000);
    EXPECT_EQ(snap.at(named("process-total")), 150);
    EXPECT_DOUBLE_EQ(snap.at(named("process-rate")), 150.0 / 32.0);
}

TEST(streams_metrics, debug_sensors_exist_but_do_not_record_at_info) {
    streams_metrics info(recording_level::info);
    auto quiet = info.add_sensor(recording_level::debug, rate_and_count("process", group, tags));
    EXPECT_FALSE(quiet->should_record());
    quiet->record(1, 0);
    quiet->record();
    EXPECT_EQ(info.snapshot(1000).at(named("process-total")), 0);

    streams_metrics debug(recording_level::debug);
    auto loud = debug.add_sensor(recording_level::debug, rate_and_count("process", group, tags));
    loud->record(1, 0);
    EXPECT_EQ(debug.snapshot(1000).at(named("process-total")), 1);
    EXPECT_FALSE(debug.add_sensor(recording_level::trace, {})->should_record());
    EXPECT_TRUE(streams_metrics(recording_level::trace).add_sensor(recording_level::trace, {})->should_record());
}

TEST(streams_metrics, a_removed_sensor_leaves_the_snapshot) {
    streams_metrics registry(recording_level::info);
    {
        thread_sensors thread(&registry, "t-1");
        task_sensors task(&registry, "t-1", "0_1");
        // Thread: 20 rates, totals and latencies, poll-records and
        // process-records avg/max, four ratios, thread-start-time and
        // blocked-time-ns-total.
        // Task: process, dropped-records and enforced-processing rate/total,
        // process-latency and record-lateness avg/max, active-buffer-count,
        // active-process-ratio, punctuate rate/total/avg/max, restore
        // rate/total, restore-remaining-records-total, cache-size-bytes-total.
        EXPECT_EQ(registry.snapshot().size(), 30u + 20u);
    }
    EXPECT_TRUE(registry.snapshot().empty());
}

TEST(streams_metrics, thread_and_task_sensors_have_kafkas_names) {
    streams_metrics registry(recording_level::info);
    thread_sensors thread(&registry, "app-StreamThread-1");
    task_sensors task(&registry, "app-StreamThread-1", "0_1");
    auto snap = registry.snapshot();
    const std::map<std::string, std::string> thread_tags{{"thread-id", "app-StreamThread-1"}};
    for (const char* n : {"process-rate", "process-total", "process-latency-avg", "process-latency-max",
                          "commit-rate", "commit-total", "commit-latency-avg", "commit-latency-max", "poll-rate",
                          "poll-total", "poll-latency-avg", "poll-latency-max", "punctuate-rate", "punctuate-total",
                          "punctuate-latency-avg", "punctuate-latency-max", "task-created-rate",
                          "task-created-total", "task-closed-rate", "task-closed-total"}) {
        EXPECT_TRUE(snap.count(metric_name{n, "stream-thread-metrics", thread_tags})) << n;
    }
    const std::map<std::string, std::string> task_tags{{"thread-id", "app-StreamThread-1"}, {"task-id", "0_1"}};
    for (const char* n : {"process-rate", "process-total", "dropped-records-rate", "dropped-records-total"}) {
        EXPECT_TRUE(snap.count(metric_name{n, "stream-task-metrics", task_tags})) << n;
    }
    // Task process is DEBUG, dropped records INFO.
    EXPECT_FALSE(task.process->should_record());
    EXPECT_TRUE(task.dropped->should_record());
    EXPECT_TRUE(thread.commit->should_record());
}

TEST(streams_metrics, recording_level_is_configured_as_kafka_spells_it) {
    std::map<std::string, std::string> props{{"application.id", "a"}, {"bootstrap.servers", "b:1"}};
    auto c = streams_config::parse(props);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->metrics_recording_level, recording_level::info);
    props["metrics.recording.level"] = "DEBUG";
    EXPECT_EQ(streams_config::parse(props)->metrics_recording_level, recording_level::debug);
    props["metrics.recording.level"] = "TRACE";
    EXPECT_EQ(streams_config::parse(props)->metrics_recording_level, recording_level::trace);
    props["metrics.recording.level"] = "debug";
    auto bad = streams_config::parse(props);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("metrics.recording.level"), std::string::npos);
}

double metric(const metrics_snapshot& snap, const std::string& name, const std::string& group,
              const std::map<std::string, std::string>& want_tags) {
    auto it = snap.find(metric_name{name, group, want_tags});
    return it == snap.end() ? -1 : it->second;
}

TEST(streams_metrics, kafka_streams_records_thread_and_task_metrics) {
    test_support::temp_dir dir("metrics-test");
    testing_fakes::fake_cluster cluster;
    cluster.create("nums", 2);
    cluster.create("out", 2);
    for (int i = 0; i < 5; ++i) {
        cluster.append("nums", std::optional<int32_t>(i % 2), bytes{'k'}, serdes::int64().serialize("", i), i + 1);
    }
    // Not 8 bytes: skipped by logAndContinue.
    cluster.append("nums", std::optional<int32_t>(0), bytes{'b'}, bytes{'x'}, 9);
    streams_builder b;
    b.stream("nums", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([](const int64_t& v) { return v * 2; })
        .to("out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    std::map<std::string, std::string> props{{"application.id", "m"},
                                             {"bootstrap.servers", "fake:1"},
                                             {"state.dir", dir.string()},
                                             {"commit.interval.ms", "50"},
                                             {"poll.ms", "5"},
                                             {"metrics.recording.level", "DEBUG"},
                                             {"default.deserialization.exception.handler", "logAndContinue"}};
    kafka_streams app(b.build(), props, std::make_unique<testing_fakes::fake_supplier>(cluster));
    app.start();
    const std::map<std::string, std::string> thread{{"thread-id", "m-StreamThread-1"}};
    const std::map<std::string, std::string> task0{{"thread-id", "m-StreamThread-1"}, {"task-id", "0_0"}};
    const std::map<std::string, std::string> task1{{"thread-id", "m-StreamThread-1"}, {"task-id", "0_1"}};
    ASSERT_TRUE(within_seconds(20, [&] {
        auto snap = app.metrics();
        return metric(snap, "process-total", "stream-thread-metrics", thread) == 5 &&
               metric(snap, "commit-total", "stream-thread-metrics", thread) > 0;
    })) << "thread never reported 5 records processed and a commit";
    auto snap = app.metrics();
    EXPECT_EQ(metric(snap, "process-total", "stream-task-metrics", task0), 3);  // offsets 0, 2, 4
    EXPECT_EQ(metric(snap, "process-total", "stream-task-metrics", task1), 2);
    EXPECT_EQ(metric(snap, "dropped-records-total", "stream-task-metrics", task0), 1);
    EXPECT_EQ(metric(snap, "dropped-records-total", "stream-task-metrics", task1), 0);
    EXPECT_EQ(metric(snap, "task-created-total", "stream-thread-metrics", thread), 2);
    EXPECT_GT(metric(snap, "poll-total", "stream-thread-metrics", thread), 0);
    EXPECT_GE(metric(snap, "process-latency-max", "stream-thread-metrics", thread), 0);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
    auto closed = app.metrics();
    EXPECT_EQ(metric(closed, "task-closed-total", "stream-thread-metrics", thread), 2);
    EXPECT_EQ(metric(closed, "process-total", "stream-task-metrics", task0), -1) << "a closed task keeps its metrics";
}

}  // namespace
}  // namespace samsa::streams::internal
