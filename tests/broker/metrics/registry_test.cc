// The metrics registry and its Prometheus text (format 0.0.4), the
// histogram's quantile estimate, and samsa.metrics.listener's parsing.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/config/properties.h"
#include "samsa/broker/metrics/metrics_listener.h"
#include "samsa/broker/metrics/registry.h"

namespace samsa::broker::metrics {
namespace {

TEST(metrics_registry, renders_counters_with_help_type_and_labels) {
    registry r;
    r.add_counter("kafka_server_brokertopicmetrics_bytesin_total", "Bytes in.").inc(3);
    r.add_counter("kafka_server_brokertopicmetrics_bytesin_total", "Bytes in.", {{"topic", "t"}}).inc(2);
    r.add_counter("kafka_server_brokertopicmetrics_bytesin_total", "Bytes in.", {{"topic", "t"}}).inc(5);
    EXPECT_EQ(r.text(),
              "# HELP kafka_server_brokertopicmetrics_bytesin_total Bytes in.\n"
              "# TYPE kafka_server_brokertopicmetrics_bytesin_total counter\n"
              "kafka_server_brokertopicmetrics_bytesin_total 3\n"
              "kafka_server_brokertopicmetrics_bytesin_total{topic=\"t\"} 7\n");
}

TEST(metrics_registry, escapes_label_values_and_help) {
    registry r;
    r.set_gauge("g", "a \\ b\nc", {{"topic", "a\"b\\c\nd"}, {"partition", "0"}}, 1.5);
    EXPECT_EQ(r.text(),
              "# HELP g a \\\\ b\\nc\n"
              "# TYPE g gauge\n"
              "g{topic=\"a\\\"b\\\\c\\nd\",partition=\"0\"} 1.5\n");
}

TEST(metrics_registry, families_sorted_and_merged_across_registries) {
    registry counters;
    counters.add_counter("b_total", "B.", {{"topic", "x"}}).inc();
    registry gauges;
    gauges.set_gauge("a", "A.", {}, 2);
    gauges.add_counter("b_total", "B.", {{"topic", "y"}}).inc(4);
    EXPECT_EQ(render_text({&counters, &gauges}),
              "# HELP a A.\n# TYPE a gauge\na 2\n"
              "# HELP b_total B.\n# TYPE b_total counter\nb_total{topic=\"x\"} 1\nb_total{topic=\"y\"} 4\n");
}

TEST(metrics_registry, histogram_buckets_are_cumulative_with_inf_sum_and_count) {
    registry r;
    auto& h = r.add_histogram("latency_ms", "L.", {{"request", "Produce"}}, {1, 10});
    h.observe(0.5);
    h.observe(5);
    h.observe(5);
    h.observe(100);
    EXPECT_EQ(r.text(),
              "# HELP latency_ms L.\n# TYPE latency_ms histogram\n"
              "latency_ms_bucket{request=\"Produce\",le=\"1\"} 1\n"
              "latency_ms_bucket{request=\"Produce\",le=\"10\"} 3\n"
              "latency_ms_bucket{request=\"Produce\",le=\"+Inf\"} 4\n"
              "latency_ms_sum{request=\"Produce\"} 110.5\n"
              "latency_ms_count{request=\"Produce\"} 4\n");
}

TEST(metrics_registry, summary_quantiles_come_from_the_histogram) {
    registry r;
    auto& h = r.add_histogram("samsa_t", "T.", {}, {10, 20});
    for (int i = 0; i < 10; ++i) h.observe(15);  // all in (10, 20]
    r.add_summary("kafka_t", "T.", {{"request", "Fetch"}}, h, {0.5, 0.75});
    const std::string text = r.text();
    EXPECT_NE(text.find("# TYPE kafka_t summary\n"), std::string::npos) << text;
    EXPECT_NE(text.find("kafka_t{request=\"Fetch\",quantile=\"0.5\"} 15\n"), std::string::npos) << text;
    EXPECT_NE(text.find("kafka_t{request=\"Fetch\",quantile=\"0.75\"} 17.5\n"), std::string::npos) << text;
    EXPECT_NE(text.find("kafka_t_sum{request=\"Fetch\"} 150\n"), std::string::npos) << text;
    EXPECT_NE(text.find("kafka_t_count{request=\"Fetch\"} 10\n"), std::string::npos) << text;
}

TEST(metrics_histogram, quantile_interpolates_inside_a_bucket) {
    histogram h({1, 2, 4});
    EXPECT_TRUE(std::isnan(h.quantile(0.5)));
    for (int i = 0; i < 4; ++i) h.observe(0.5);  // (0, 1]
    for (int i = 0; i < 4; ++i) h.observe(3);    // (2, 4]
    EXPECT_DOUBLE_EQ(h.quantile(0.5), 1.0);      // the end of the first bucket
    EXPECT_DOUBLE_EQ(h.quantile(0.75), 3.0);     // half-way into (2, 4]
    h.observe(1000);                             // +Inf: the highest finite bound
    EXPECT_DOUBLE_EQ(h.quantile(1.0), 4.0);
}

TEST(metrics_registry, values_are_written_as_the_format_wants) {
    EXPECT_EQ(format_value(3), "3");
    EXPECT_EQ(format_value(0.25), "0.25");
    EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
    EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(format_value(123456789012.0), "123456789012");
}

TEST(metrics_registry, same_labels_answer_the_same_metric) {
    registry r;
    counter& a = r.add_counter("c_total", "C.", {{"x", "1"}});
    counter& b = r.add_counter("c_total", "C.", {{"x", "1"}});
    EXPECT_EQ(&a, &b);
    for (int i = 0; i < 100; ++i) r.add_counter("c_total", "C.", {{"x", std::to_string(i + 2)}});
    a.inc();  // still valid after more series
    EXPECT_EQ(b.value(), 1);
}

TEST(metrics_listener, parses_http_host_port) {
    auto l = parse_metrics_listener("http://127.0.0.1:9644");
    ASSERT_TRUE(l && *l);
    EXPECT_EQ((*l)->host, "127.0.0.1");
    EXPECT_EQ((*l)->port, 9644);
    auto any = parse_metrics_listener("http://:0");
    ASSERT_TRUE(any && *any);
    EXPECT_EQ((*any)->host, "0.0.0.0");
    auto v6 = parse_metrics_listener("http://[::1]:9644/");
    ASSERT_TRUE(v6 && *v6);
    EXPECT_EQ((*v6)->host, "::1");
    EXPECT_EQ((*v6)->to_string(), "http://[::1]:9644");
    auto off = parse_metrics_listener("");
    ASSERT_TRUE(off);
    EXPECT_FALSE(*off);
}

TEST(metrics_listener, refuses_what_is_not_http_host_port) {
    for (const char* bad : {"127.0.0.1:9644", "https://127.0.0.1:9644", "http://127.0.0.1", "http://127.0.0.1:abc",
                            "http://127.0.0.1:70000", "http://127.0.0.1:-1", "http://[::1:9644", "http://a:b:1"}) {
        auto l = parse_metrics_listener(bad);
        EXPECT_FALSE(l) << bad;
        if (!l) {
            EXPECT_NE(l.error().message.find(bad), std::string::npos) << l.error().message;
        }
    }
}

TEST(metrics_listener, broker_config_names_the_key_in_its_error) {
    auto c = load_broker_config(parse_properties("samsa.metrics.listener=localhost:9644\n"), {});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message.rfind("samsa.metrics.listener: 'localhost:9644' is not http://host:port", 0), 0u)
        << c.error().message;
    auto ok = load_broker_config(parse_properties(""), {"samsa.metrics.listener=http://127.0.0.1:9644"});
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_TRUE(ok->config.metrics_listener);
    EXPECT_EQ(ok->config.metrics_listener->port, 9644);
    auto off = load_broker_config(parse_properties(""), {});
    ASSERT_TRUE(off);
    EXPECT_FALSE(off->config.metrics_listener);
}

}  // namespace
}  // namespace samsa::broker::metrics
