// Kafka Streams' metrics as Prometheus text (prometheus_text.h): the exact
// text of a known snapshot (names, label names and escaped values, TYPE
// lines, counters for -total, NaN), and samsa.metrics.listener parsing.
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/prometheus_text.h"
#include "samsa/streams/streams_config.h"

namespace samsa::streams {
namespace {

const std::map<std::string, std::string> thread_tags{{"thread-id", "app-StreamThread-1"}};

TEST(streams_prometheus_text, renders_a_known_snapshot_exactly) {
    metrics_snapshot snap;
    snap[{"process-total", "stream-thread-metrics", thread_tags}] = 20;
    snap[{"process-rate", "stream-thread-metrics", thread_tags}] = 0.5;
    snap[{"process-latency-avg", "stream-thread-metrics", thread_tags}] = std::numeric_limits<double>::quiet_NaN();
    // A thread-id with every character the format escapes.
    snap[{"dropped-records-total", "stream-task-metrics", {{"thread-id", "a\"b\\c\nd"}, {"task-id", "0_1"}}}] = 1;
    snap[{"dropped-records-total", "stream-task-metrics", {{"thread-id", "t"}, {"task-id", "0_0"}}}] = 0;

    const std::string expected =
        "# HELP kafka_streams_stream_task_metrics_dropped_records_total Kafka Streams stream-task-metrics "
        "dropped-records-total\n"
        "# TYPE kafka_streams_stream_task_metrics_dropped_records_total counter\n"
        "kafka_streams_stream_task_metrics_dropped_records_total{task_id=\"0_0\",thread_id=\"t\"} 0\n"
        "kafka_streams_stream_task_metrics_dropped_records_total{task_id=\"0_1\",thread_id=\"a\\\"b\\\\c\\nd\"} 1\n"
        "# HELP kafka_streams_stream_thread_metrics_process_latency_avg Kafka Streams stream-thread-metrics "
        "process-latency-avg\n"
        "# TYPE kafka_streams_stream_thread_metrics_process_latency_avg gauge\n"
        "kafka_streams_stream_thread_metrics_process_latency_avg{thread_id=\"app-StreamThread-1\"} NaN\n"
        "# HELP kafka_streams_stream_thread_metrics_process_rate Kafka Streams stream-thread-metrics process-rate\n"
        "# TYPE kafka_streams_stream_thread_metrics_process_rate gauge\n"
        "kafka_streams_stream_thread_metrics_process_rate{thread_id=\"app-StreamThread-1\"} 0.5\n"
        "# HELP kafka_streams_stream_thread_metrics_process_total Kafka Streams stream-thread-metrics process-total\n"
        "# TYPE kafka_streams_stream_thread_metrics_process_total counter\n"
        "kafka_streams_stream_thread_metrics_process_total{thread_id=\"app-StreamThread-1\"} 20\n";
    EXPECT_EQ(to_prometheus_text(snap), expected);
}

TEST(streams_prometheus_text, names_follow_the_jmx_exporter_default) {
    EXPECT_EQ(prometheus_name({"put-latency-avg", "stream-state-metrics", {}}),
              "kafka_streams_stream_state_metrics_put_latency_avg");
    EXPECT_EQ(prometheus_name({"hit-ratio-min", "stream-record-cache-metrics", {}}),
              "kafka_streams_stream_record_cache_metrics_hit_ratio_min");
    metrics_snapshot snap;
    snap[{"put-rate", "stream-state-metrics",
          {{"thread-id", "t"}, {"task-id", "1_2"}, {"rocksdb-state-id", "counts.store"}}}] = 3;
    EXPECT_NE(to_prometheus_text(snap).find("kafka_streams_stream_state_metrics_put_rate{rocksdb_state_id=\"counts.store\","
                                            "task_id=\"1_2\",thread_id=\"t\"} 3\n"),
              std::string::npos)
        << to_prometheus_text(snap);
}

TEST(streams_prometheus_text, text_metrics_are_info_gauges_with_the_text_in_a_label) {
    metrics_snapshot snap;
    snap[{"alive-stream-threads", "stream-metrics", {{"client-id", "app"}}}] = 2;
    text_metrics_snapshot text;
    text[{"state", "stream-metrics", {{"client-id", "app"}}}] = "RUNNING";
    text[{"topology-description", "stream-metrics", {{"client-id", "app"}}}] = "Topologies:\n   \"x\"";
    const std::string expected =
        "# HELP kafka_streams_stream_metrics_alive_stream_threads Kafka Streams stream-metrics alive-stream-threads\n"
        "# TYPE kafka_streams_stream_metrics_alive_stream_threads gauge\n"
        "kafka_streams_stream_metrics_alive_stream_threads{client_id=\"app\"} 2\n"
        "# HELP kafka_streams_stream_metrics_state_info Kafka Streams stream-metrics state\n"
        "# TYPE kafka_streams_stream_metrics_state_info gauge\n"
        "kafka_streams_stream_metrics_state_info{client_id=\"app\",state=\"RUNNING\"} 1\n"
        "# HELP kafka_streams_stream_metrics_topology_description_info Kafka Streams stream-metrics "
        "topology-description\n"
        "# TYPE kafka_streams_stream_metrics_topology_description_info gauge\n"
        "kafka_streams_stream_metrics_topology_description_info{client_id=\"app\","
        "topology_description=\"Topologies:\\n   \\\"x\\\"\"} 1\n";
    EXPECT_EQ(to_prometheus_text(snap, text), expected);
    EXPECT_EQ(to_prometheus_text(snap), to_prometheus_text(snap, {})) << "text metrics are optional";
}

TEST(streams_prometheus_text, an_empty_snapshot_is_an_empty_text) { EXPECT_EQ(to_prometheus_text({}), ""); }

std::map<std::string, std::string> props(const std::string& listener) {
    return {{"application.id", "a"}, {"bootstrap.servers", "localhost:9092"}, {"samsa.metrics.listener", listener}};
}

TEST(streams_prometheus_text, metrics_listener_config) {
    auto on = streams_config::parse(props("http://127.0.0.1:9645"));
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_EQ(on->metrics_listener, "http://127.0.0.1:9645");
    auto off = streams_config::parse(props(""));
    ASSERT_TRUE(off);
    EXPECT_EQ(off->metrics_listener, "");
    for (const char* bad : {"127.0.0.1:9645", "http://127.0.0.1", "http://127.0.0.1:99999"}) {
        auto c = streams_config::parse(props(bad));
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().message.find("samsa.metrics.listener"), std::string::npos) << c.error().message;
    }
}

}  // namespace
}  // namespace samsa::streams
