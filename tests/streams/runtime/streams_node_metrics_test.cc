// Processor-node metrics that operators record for themselves (node_metrics.h),
// read through kafka_streams::metrics() over fake clients (fake_clients.h):
// KTABLE-SUPPRESS's suppression-emit-rate/-total and the windowed
// aggregations' window-aggregate-final-emit-* (KIP-825), with Kafka 3.8's
// names, group, tags and DEBUG level. Waits are bounded.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/within_seconds.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams::internal {
namespace {

using str = std::string;
const str node_group = "stream-processor-node-metrics";

std::map<str, str> node_tags(const str& node) {
    return {{"thread-id", "nm-StreamThread-1"}, {"task-id", "0_0"}, {"processor-node-id", node}};
}

// -1 when the metric is not there.
double metric(const metrics_snapshot& snap, const str& name, const str& node) {
    auto it = snap.find(metric_name{name, node_group, node_tags(node)});
    return it == snap.end() ? -1 : it->second;
}

// Two keys in the window [0, 10), then a record at 12 that closes it: two
// windows (or sessions) come out, once.
void append_clicks(testing_fakes::fake_cluster& cluster) {
    cluster.create("clicks", 1);
    for (auto [key, ts] : {std::pair<str, int64_t>{"a", 0}, {"a", 1}, {"b", 5}, {"a", 12}}) {
        cluster.append("clicks", key, "x", ts, 0);
    }
}

// Runs the topology until `done` holds of the metrics (or 20 s pass) and
// returns the last snapshot.
metrics_snapshot run(topology t, testing_fakes::fake_cluster& cluster, const str& level,
                     const std::function<bool(const metrics_snapshot&)>& done) {
    test_support::temp_dir dir("node-metrics-" + level);
    std::map<str, str> props{{"application.id", "nm"},
                             {"bootstrap.servers", "fake:1"},
                             {"state.dir", dir.string()},
                             {"commit.interval.ms", "50"},
                             {"poll.ms", "5"},
                             {"statestore.cache.max.bytes", "0"},
                             {"__emit.interval.ms.kstreams.windowed.aggregation__", "0"},
                             {"metrics.recording.level", level}};
    kafka_streams app(std::move(t), props, std::make_unique<testing_fakes::fake_supplier>(cluster));
    app.start();
    within_seconds(20, [&] { return done(app.metrics()); });
    auto snap = app.metrics();
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
    return snap;
}

topology suppressed_counts() {
    streams_builder b;
    b.stream("clicks", consumed<str, str>::with(serdes::string(), serdes::string()))
        .group_by_key()
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .count()
        .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded()).with_name("final"))
        .to_stream()
        .select_key([](const windowed<str>& k, const int64_t&) { return k.key(); })
        .to("final-counts", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

TEST(streams_node_metrics, suppression_emit_counts_records_emitted) {
    testing_fakes::fake_cluster cluster;
    append_clicks(cluster);
    cluster.create("final-counts", 1);
    auto snap = run(suppressed_counts(), cluster, "DEBUG",
                    [](const metrics_snapshot& s) { return metric(s, "suppression-emit-total", "final") >= 2; });
    EXPECT_EQ(metric(snap, "suppression-emit-total", "final"), 2);  // a@[0,10) and b@[0,10); a@[10,20) held
    // Two events over a young sensor's 30 s window (Kafka's Rate.windowSize).
    EXPECT_GT(metric(snap, "suppression-emit-rate", "final"), 0);
    EXPECT_LE(metric(snap, "suppression-emit-rate", "final"), 2.0 / 30.0);
}

// The suppression buffer's size, a store-level metric KTABLE-SUPPRESS
// records for its buffer (stream-state-metrics, in-memory-suppression-state-id).
double buffer_metric(const metrics_snapshot& snap, const str& name) {
    const std::map<str, str> tags{
        {"thread-id", "nm-StreamThread-1"}, {"task-id", "0_0"}, {"in-memory-suppression-state-id", "final-store"}};
    auto it = snap.find(metric_name{name, "stream-state-metrics", tags});
    return it == snap.end() ? -1 : it->second;
}

TEST(streams_node_metrics, suppression_buffer_size_and_count) {
    testing_fakes::fake_cluster cluster;
    append_clicks(cluster);
    cluster.create("final-counts", 1);
    auto snap = run(suppressed_counts(), cluster, "DEBUG",
                    [](const metrics_snapshot& s) { return metric(s, "suppression-emit-total", "final") >= 2; });
    // Recorded at init (0), after each of the four puts (a@[0,10) twice:
    // 1, 1, 2, 3) and after evicting the two closed windows (1).
    EXPECT_EQ(buffer_metric(snap, "suppression-buffer-count-max"), 3);
    EXPECT_DOUBLE_EQ(buffer_metric(snap, "suppression-buffer-count-avg"), 8.0 / 6.0);
    EXPECT_GT(buffer_metric(snap, "suppression-buffer-size-max"), 0);
    EXPECT_GT(buffer_metric(snap, "suppression-buffer-size-avg"), 0);
    EXPECT_LT(buffer_metric(snap, "suppression-buffer-size-avg"), buffer_metric(snap, "suppression-buffer-size-max"));
}

TEST(streams_node_metrics, suppression_emit_is_listed_but_not_recorded_at_info) {
    testing_fakes::fake_cluster cluster;
    append_clicks(cluster);
    cluster.create("final-counts", 1);
    auto snap = run(suppressed_counts(), cluster, "INFO", [&](const metrics_snapshot&) {
        std::lock_guard l(cluster.mutex);
        return cluster.logs[{"final-counts", 0}].size() >= 2;
    });
    EXPECT_EQ(metric(snap, "suppression-emit-total", "final"), 0);
    EXPECT_EQ(metric(snap, "suppression-emit-rate", "final"), 0);
    EXPECT_TRUE(std::isnan(buffer_metric(snap, "suppression-buffer-count-max")));
    EXPECT_TRUE(std::isnan(buffer_metric(snap, "suppression-buffer-size-max")));
}

// A time-window and a session-window count emitting on window close, and a
// time-window count emitting on update (registered, never recorded).
topology final_emitting_counts() {
    streams_builder b;
    auto grouped = b.stream("clicks", consumed<str, str>::with(serdes::string(), serdes::string())).group_by_key();
    auto to_out = [](const ktable<windowed<str>, int64_t>& t, const str& topic) {
        t.to_stream()
            .select_key([](const windowed<str>& k, const int64_t&) { return k.key(); })
            .to(topic, produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    };
    to_out(grouped.windowed_by(time_windows::of_size_with_no_grace(10))
               .emit_strategy(emit_strategy::on_window_close())
               .count(named::as("time-final")),
           "time-out");
    to_out(grouped.windowed_by(session_windows::of_inactivity_gap_with_no_grace(3))
               .emit_strategy(emit_strategy::on_window_close())
               .count(named::as("session-final")),
           "session-out");
    to_out(grouped.windowed_by(time_windows::of_size_with_no_grace(10)).count(named::as("time-update")),
           "update-out");
    return b.build();
}

TEST(streams_node_metrics, window_aggregate_final_emit_counts_and_times_each_emit) {
    testing_fakes::fake_cluster cluster;
    append_clicks(cluster);
    for (const char* t : {"time-out", "session-out", "update-out"}) cluster.create(t, 1);
    auto snap = run(final_emitting_counts(), cluster, "DEBUG", [](const metrics_snapshot& s) {
        return metric(s, "window-aggregate-final-emit-total", "time-final") >= 2 &&
               metric(s, "window-aggregate-final-emit-total", "session-final") >= 2;
    });
    for (const char* node : {"time-final", "session-final"}) {
        SCOPED_TRACE(node);
        // One look at 12 finds a's and b's window (session) closed: the
        // total is the records, as Kafka's rate-of-sum sensor counts them.
        EXPECT_EQ(metric(snap, "window-aggregate-final-emit-total", node), 2);
        EXPECT_GT(metric(snap, "window-aggregate-final-emit-rate", node), 0);
        EXPECT_GE(metric(snap, "window-aggregate-final-emit-latency-max", node), 0);
        EXPECT_GE(metric(snap, "window-aggregate-final-emit-latency-avg", node), 0);
    }
    // An emit-on-update aggregation has the metrics (Kafka makes them at
    // init) and never records into them.
    EXPECT_EQ(metric(snap, "window-aggregate-final-emit-total", "time-update"), 0);
    EXPECT_TRUE(std::isnan(metric(snap, "window-aggregate-final-emit-latency-max", "time-update")));
}

TEST(streams_node_metrics, window_aggregate_final_emit_is_debug) {
    testing_fakes::fake_cluster cluster;
    append_clicks(cluster);
    for (const char* t : {"time-out", "session-out", "update-out"}) cluster.create(t, 1);
    auto snap = run(final_emitting_counts(), cluster, "INFO", [&](const metrics_snapshot&) {
        std::lock_guard l(cluster.mutex);
        return cluster.logs[{"time-out", 0}].size() >= 2 && cluster.logs[{"session-out", 0}].size() >= 2;
    });
    EXPECT_EQ(metric(snap, "window-aggregate-final-emit-total", "time-final"), 0);
    EXPECT_TRUE(std::isnan(metric(snap, "window-aggregate-final-emit-latency-max", "time-final")));
}

}  // namespace
}  // namespace samsa::streams::internal
