// Kafka Streams 3.8's client-level metrics (stream-metrics), the thread
// metrics of one loop (*-ratio, poll-records-*, process-records-*,
// thread-start-time, blocked-time-ns-total) and the task metrics
// active-process-ratio, punctuate-* and restore-* over fake clients
// (fake_clients.h) with known traffic. Waits are bounded.
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/runtime/streams_metrics.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/processor/processor.h"
#include "samsa/streams/prometheus_text.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/version.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/within_seconds.h"
#include "tests/streams/runtime/word_count.h"

namespace samsa::streams::internal {
namespace {

using testing_fakes::fake_cluster;
using testing_fakes::fake_supplier;

const std::string client_group = "stream-metrics";
const std::string thread_group = "stream-thread-metrics";
const std::string task_group = "stream-task-metrics";
const std::map<std::string, std::string> client_tags{{"client-id", "m"}};
const std::map<std::string, std::string> thread_tags{{"thread-id", "m-StreamThread-1"}};

std::map<std::string, std::string> task_tags(const std::string& task) {
    return {{"thread-id", "m-StreamThread-1"}, {"task-id", task}};
}

double metric(const metrics_snapshot& snap, const std::string& name, const std::string& group,
              const std::map<std::string, std::string>& tags) {
    auto it = snap.find(metric_name{name, group, tags});
    return it == snap.end() ? -1 : it->second;
}

std::string text(const text_metrics_snapshot& snap, const std::string& name) {
    auto it = snap.find(metric_name{name, client_group, client_tags});
    return it == snap.end() ? "<missing>" : it->second;
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A per-test state directory, removed at both ends.
struct temp_dir {
    explicit temp_dir(const std::string& name)
        : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    std::filesystem::path path;
};

std::map<std::string, std::string> props(const temp_dir& dir, std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> p{{"application.id", "m"},
                                         {"bootstrap.servers", "fake:1"},
                                         {"state.dir", dir.path.string()},
                                         {"commit.interval.ms", "50"},
                                         {"poll.ms", "5"}};
    for (auto& [k, v] : extra) p[k] = v;
    return p;
}

topology pass_through(const std::string& in, const std::string& out,
                      std::function<int64_t(int64_t)> f = [](int64_t v) { return v; }) {
    streams_builder b;
    b.stream(in, consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([f](const int64_t& v) { return f(v); })
        .to(out, produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

// --- client level ---------------------------------------------------------

TEST(streams_client_metrics, names_values_and_alive_threads) {
    temp_dir dir("samsa-client-metrics");
    fake_cluster cluster;
    cluster.create("in", 2);
    cluster.create("out", 2);
    const std::string description = pass_through("in", "out").describe().to_string();
    // One thread: each fake consumer takes every partition (no group).
    kafka_streams app(pass_through("in", "out"), props(dir), std::make_unique<fake_supplier>(cluster));
    auto texts = app.text_metrics();
    EXPECT_EQ(texts.size(), 5u);
    EXPECT_EQ(text(texts, "version"), std::string(version()));
    EXPECT_EQ(text(texts, "commit-id"), "unknown") << "Kafka's value without a recorded commit";
    EXPECT_EQ(text(texts, "application-id"), "m");
    EXPECT_EQ(text(texts, "topology-description"), description);
    EXPECT_EQ(text(texts, "state"), "CREATED");
    auto snap = app.metrics();
    EXPECT_EQ(metric(snap, "alive-stream-threads", client_group, client_tags), 0);
    EXPECT_EQ(metric(snap, "failed-stream-threads", client_group, client_tags), 0);

    app.start();
    ASSERT_TRUE(within_seconds(20, [&] {
        return text(app.text_metrics(), "state") == "RUNNING" &&
               metric(app.metrics(), "alive-stream-threads", client_group, client_tags) == 1;
    })) << "state " << text(app.text_metrics(), "state") << ", alive "
        << metric(app.metrics(), "alive-stream-threads", client_group, client_tags);
    const std::string prometheus = to_prometheus_text(app.metrics(), app.text_metrics());
    EXPECT_NE(prometheus.find("kafka_streams_stream_metrics_state_info{client_id=\"m\",state=\"RUNNING\"} 1\n"),
              std::string::npos)
        << prometheus;
    EXPECT_NE(prometheus.find("kafka_streams_stream_metrics_alive_stream_threads{client_id=\"m\"} 1\n"),
              std::string::npos);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
    EXPECT_EQ(text(app.text_metrics(), "state"), "NOT_RUNNING");
    EXPECT_EQ(metric(app.metrics(), "alive-stream-threads", client_group, client_tags), 0);
}

TEST(streams_client_metrics, failed_stream_threads_counts_each_thread_that_died) {
    temp_dir dir("samsa-client-metrics-failed");
    fake_cluster cluster;
    cluster.create("in", 1);
    cluster.create("out", 1);
    for (int i = 0; i < 3; ++i) {
        cluster.append("in", std::optional<int32_t>(0), bytes{'k'}, serdes::int64().serialize("", i), i + 1);
    }
    kafka_streams app(pass_through("in", "out",
                                   [](int64_t v) -> int64_t {
                                       if (v == 2) throw std::runtime_error("boom");
                                       return v;
                                   }),
                      props(dir), std::make_unique<fake_supplier>(cluster));
    app.set_uncaught_exception_handler([](std::exception_ptr) { return uncaught_exception_response::shutdown_client; });
    app.start();
    ASSERT_TRUE(within_seconds(20, [&] { return app.state() == streams_state::error; }));
    auto snap = app.metrics();
    EXPECT_EQ(metric(snap, "failed-stream-threads", client_group, client_tags), 1);
    EXPECT_EQ(metric(snap, "alive-stream-threads", client_group, client_tags), 0);
    EXPECT_EQ(text(app.text_metrics(), "state"), "ERROR");
}

// --- thread level ---------------------------------------------------------

TEST(streams_thread_metrics, loop_metrics_from_known_traffic) {
    temp_dir dir("samsa-thread-loop-metrics");
    fake_cluster cluster;
    cluster.create("in", 1);
    cluster.create("out", 1);
    for (int i = 0; i < 250; ++i) {
        cluster.append("in", std::optional<int32_t>(0), bytes{'k'}, serdes::int64().serialize("", i), i + 1);
    }
    const int64_t before = wall_ms();
    // INFO, the default: every one of them is INFO in Kafka.
    kafka_streams app(pass_through("in", "out"), props(dir), std::make_unique<fake_supplier>(cluster));
    app.start();
    ASSERT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "process-total", thread_group, thread_tags) == 250; }));
    // An idle loop is mostly its poll (the fake consumer waits 2 ms on an
    // empty poll).
    EXPECT_TRUE(within_seconds(10, [&] { return metric(app.metrics(), "poll-ratio", thread_group, thread_tags) > 0.5; }));
    auto snap = app.metrics();
    // The 250 records come in one poll; a poll that returns none is not recorded.
    EXPECT_EQ(metric(snap, "poll-records-max", thread_group, thread_tags), 250);
    EXPECT_EQ(metric(snap, "poll-records-avg", thread_group, thread_tags), 250);
    // A loop processes at most 100 records a task; loops with none record 0.
    EXPECT_EQ(metric(snap, "process-records-max", thread_group, thread_tags), 100);
    const double records_avg = metric(snap, "process-records-avg", thread_group, thread_tags);
    EXPECT_GT(records_avg, 0);
    EXPECT_LT(records_avg, 100);
    double ratios = 0;
    for (const char* r : {"process-ratio", "punctuate-ratio", "poll-ratio", "commit-ratio"}) {
        const double v = metric(snap, r, thread_group, thread_tags);
        EXPECT_GE(v, 0) << r;
        EXPECT_LE(v, 1) << r;
        ratios += v;
    }
    EXPECT_LE(ratios, 1 + 1e-9) << "shares of one loop";
    const double start_time = metric(snap, "thread-start-time", thread_group, thread_tags);
    EXPECT_GE(start_time, static_cast<double>(before));
    EXPECT_LE(start_time, static_cast<double>(wall_ms()));
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));

    // Closed: the thread's metrics stay, nothing moves any more. Every poll
    // waited on the consumer, so the blocked time holds at least all the
    // poll latencies (ms there, ns here).
    auto closed = app.metrics();
    const double polls = metric(closed, "poll-total", thread_group, thread_tags);
    const double poll_ms = metric(closed, "poll-latency-avg", thread_group, thread_tags) * polls;
    const double blocked_ns = metric(closed, "blocked-time-ns-total", thread_group, thread_tags);
    EXPECT_GT(polls, 0);
    EXPECT_GE(blocked_ns, poll_ms * 1e6 * (1 - 1e-9)) << polls << " polls";
    EXPECT_GE(blocked_ns, 2e6) << "at least one empty poll waited 2 ms";
}

// --- task level -----------------------------------------------------------

TEST(streams_task_metrics_more, active_process_ratio_shares_the_loop_between_tasks) {
    temp_dir dir("samsa-task-process-ratio");
    fake_cluster cluster;
    cluster.create("in", 2);
    cluster.create("out", 2);
    for (int i = 0; i < 40; ++i) {
        cluster.append("in", std::optional<int32_t>(i % 2), bytes{'k'}, serdes::int64().serialize("", i), i + 1);
    }
    kafka_streams app(pass_through("in", "out"), props(dir), std::make_unique<fake_supplier>(cluster));
    app.start();
    ASSERT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "process-total", thread_group, thread_tags) == 40; }));
    // Each loop records both tasks' shares of the time the tasks took: they
    // add up to 1 (a snapshot may fall between the two recordings: retried).
    double r0 = -1, r1 = -1;
    EXPECT_TRUE(within_seconds(10, [&] {
        auto snap = app.metrics();
        r0 = metric(snap, "active-process-ratio", task_group, task_tags("0_0"));
        r1 = metric(snap, "active-process-ratio", task_group, task_tags("0_1"));
        return r0 > 0 && r1 > 0 && std::abs(r0 + r1 - 1) < 1e-9;
    })) << r0 << " + " << r1;
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

// A wall-clock punctuator that takes at least 1 ms each call.
class slow_punctuator final : public processor<std::string, int64_t, std::string, int64_t> {
public:
    explicit slow_punctuator(std::atomic<int>& calls) : calls_(&calls) {}
    void init(processor_context<std::string, int64_t>& ctx) override {
        ctx.schedule(std::chrono::milliseconds(5), punctuation_type::wall_clock_time, [this](int64_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            ++*calls_;
        });
    }
    void process(const record<std::string, int64_t>&) override {}

private:
    std::atomic<int>* calls_;
};

TEST(streams_task_metrics_more, punctuate_times_each_punctuator_call_in_ns) {
    temp_dir dir("samsa-task-punctuate");
    fake_cluster cluster;
    cluster.create("in", 1);
    std::atomic<int> calls{0};
    streams_builder b;
    b.stream("in", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .process<std::string, int64_t>([&] { return std::make_unique<slow_punctuator>(calls); });
    kafka_streams app(b.build(), props(dir, {{"metrics.recording.level", "DEBUG"}}),
                      std::make_unique<fake_supplier>(cluster));
    app.start();
    const auto tags = task_tags("0_0");
    ASSERT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "punctuate-total", task_group, tags) >= 3; }));
    auto snap = app.metrics();
    EXPECT_GE(metric(snap, "punctuate-latency-max", task_group, tags), 1e6) << "ns, as Kafka's";
    EXPECT_GE(metric(snap, "punctuate-latency-avg", task_group, tags), 1e6);
    EXPECT_GT(metric(snap, "punctuate-rate", task_group, tags), 0);
    EXPECT_LE(metric(snap, "punctuate-total", task_group, tags), calls.load());
    // The thread counts punctuations too (INFO).
    EXPECT_GE(metric(snap, "punctuate-total", thread_group, thread_tags), 3);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

// Hears the restoration and reads the metrics where Kafka's would have moved.
struct metrics_at_restore final : state_restore_listener {
    std::function<metrics_snapshot()> read;
    std::atomic<double> remaining_at_start{-1};
    std::atomic<double> remaining_at_end{-1};
    void on_restore_start(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {
        remaining_at_start = metric(read(), "restore-remaining-records-total", task_group, task_tags("1_0"));
    }
    void on_batch_restored(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_restore_end(const std::string&, int32_t, const std::string&, int64_t) override {
        remaining_at_end = metric(read(), "restore-remaining-records-total", task_group, task_tags("1_0"));
    }
};

TEST(streams_task_metrics_more, restore_counts_the_changelog_records) {
    temp_dir dir("samsa-task-restore");
    fake_cluster cluster;
    cluster.create("lines", 1);
    cluster.create("counts", 1);
    cluster.create("m-counts-store-changelog", 1);
    // A previous instance counted five words.
    for (const char* w : {"a", "b", "c", "d", "e"}) {
        cluster.append("m-counts-store-changelog", std::optional<int32_t>(0), bytes(w, w + 1),
                       serdes::int64().serialize("", 1), 5);
    }
    metrics_at_restore listener;  // outlives the app, which calls it
    kafka_streams app(testing_fakes::word_count_topology(store_type::in_memory),
                      props(dir, {{"metrics.recording.level", "DEBUG"}}), std::make_unique<fake_supplier>(cluster));
    listener.read = [&] { return app.metrics(); };
    app.set_global_state_restore_listener(&listener);
    app.start();
    const auto tags = task_tags("1_0");
    // The last batch's count comes before on_restore_end: wait for both.
    ASSERT_TRUE(within_seconds(20, [&] {
        return metric(app.metrics(), "restore-total", task_group, tags) == 5 && listener.remaining_at_end.load() != -1;
    }));
    auto snap = app.metrics();
    EXPECT_GT(metric(snap, "restore-rate", task_group, tags), 0);
    EXPECT_EQ(metric(snap, "restore-remaining-records-total", task_group, tags), 0);
    EXPECT_EQ(listener.remaining_at_start.load(), 5) << "end offset - start offset, when the changelog is registered";
    EXPECT_EQ(listener.remaining_at_end.load(), 0);
    // Sub-topology 0 has no store: nothing to restore.
    EXPECT_EQ(metric(snap, "restore-total", task_group, task_tags("0_0")), 0);
    // The count's record cache (on by default) reports its bytes (DEBUG).
    EXPECT_EQ(metric(snap, "cache-size-bytes-total", task_group, tags), 0);
    cluster.append("lines", "k", "f g", 10);
    EXPECT_TRUE(within_seconds(20, [&] { return metric(app.metrics(), "cache-size-bytes-total", task_group, tags) > 0; }));
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

// The runtime hands a RocksDB store's databases to its RocksDB metrics: the
// INFO property gauges of the word count's store, tagged as Kafka tags them.
TEST(streams_task_metrics_more, rocksdb_store_reports_its_properties) {
    temp_dir dir("samsa-rocksdb-runtime");
    fake_cluster cluster;
    cluster.create("lines", 1);
    cluster.create("counts", 1);
    cluster.append("lines", "k", "a b c a", 1);
    cluster.append("lines", "k", "d b", 2);
    kafka_streams app(testing_fakes::word_count_topology(store_type::rocksdb), props(dir),
                      std::make_unique<fake_supplier>(cluster));
    app.start();
    const std::map<std::string, std::string> tags{
        {"thread-id", "m-StreamThread-1"}, {"task-id", "1_0"}, {"rocksdb-state-id", "counts-store"}};
    // Four words; the cache writes them down at a commit.
    EXPECT_TRUE(within_seconds(20, [&] {
        return metric(app.metrics(), "estimate-num-keys", "stream-state-metrics", tags) == 4;
    })) << metric(app.metrics(), "estimate-num-keys", "stream-state-metrics", tags);
    auto snap = app.metrics();
    EXPECT_EQ(metric(snap, "block-cache-capacity", "stream-state-metrics", tags), 50 << 20);
    // INFO: the statistics-based ones are listed, but RocksDB keeps no
    // statistics and nothing records them.
    EXPECT_EQ(metric(snap, "bytes-written-total", "stream-state-metrics", tags), 0);
    EXPECT_TRUE(app.close(std::chrono::seconds(10)));
}

TEST(streams_task_metrics_more, sensors_have_kafkas_names_and_levels) {
    streams_metrics registry(recording_level::info);
    task_sensors task(&registry, "t", "0_1");
    thread_sensors thread(&registry, "t", 1234);
    auto snap = registry.snapshot();
    const std::map<std::string, std::string> tt{{"thread-id", "t"}, {"task-id", "0_1"}};
    for (const char* n : {"active-process-ratio", "punctuate-rate", "punctuate-total", "punctuate-latency-avg",
                          "punctuate-latency-max", "restore-rate", "restore-total", "restore-remaining-records-total",
                          "cache-size-bytes-total"}) {
        EXPECT_TRUE(snap.count(metric_name{n, task_group, tt})) << n;
    }
    const std::map<std::string, std::string> th{{"thread-id", "t"}};
    for (const char* n : {"process-ratio", "punctuate-ratio", "poll-ratio", "commit-ratio", "poll-records-avg",
                          "poll-records-max", "process-records-avg", "process-records-max", "thread-start-time",
                          "blocked-time-ns-total"}) {
        EXPECT_TRUE(snap.count(metric_name{n, thread_group, th})) << n;
    }
    EXPECT_EQ(snap.at(metric_name{"thread-start-time", thread_group, th}), 1234);
    // Kafka's levels: INFO records, DEBUG does not.
    EXPECT_TRUE(task.active_process_ratio->should_record());
    EXPECT_TRUE(task.restore_remaining->should_record());
    EXPECT_FALSE(task.punctuate->should_record());
    EXPECT_FALSE(task.restore->should_record());
    EXPECT_FALSE(task.cache_size->should_record());
    for (sensor* s : {thread.process_ratio, thread.punctuate_ratio, thread.poll_ratio, thread.commit_ratio,
                      thread.poll_records, thread.process_records}) {
        EXPECT_TRUE(s->should_record());
    }
    // A remaining count is a sum that goes down: Kafka's CumulativeSum.
    task.restore_remaining->record(7);
    task.restore_remaining->record(-3);
    EXPECT_EQ(registry.snapshot().at(metric_name{"restore-remaining-records-total", task_group, tt}), 4);
}

}  // namespace
}  // namespace samsa::streams::internal
