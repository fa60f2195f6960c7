// samsa.metrics.listener against the real samsa-broker: a doubling
// application serves GET /metrics while it runs; after N records the
// scraped process total is N (the thread counter, summed over threads),
// the text is Prometheus' (content type, TYPE lines), other paths are 404, a
// second instance on the same port fails to start, and close() stops the
// endpoint. Every wait is bounded.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

constexpr int records = 50;
const std::string process_total = "kafka_streams_stream_thread_metrics_process_total";

topology doubling_topology() {
    streams_builder b;
    b.stream("h-in", consumed<std::string, int64_t>::with(serdes::string(), serdes::int64()))
        .map_values([](const int64_t& v) { return v * 2; })
        .to("h-out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

struct scrape_result {
    int status = 0;
    std::string content_type;
    std::string body;
};

// host:port and path of http://host:port/path.
std::optional<scrape_result> get(const std::string& url, const std::string& path_override = "") {
    const std::string scheme = "http://";
    auto slash = url.find('/', scheme.size());
    httplib::Client client(url.substr(0, slash));
    client.set_connection_timeout(5);
    client.set_read_timeout(15);
    auto res = client.Get(path_override.empty() ? url.substr(slash).c_str() : path_override.c_str());
    if (!res) return std::nullopt;
    return scrape_result{res->status, res->get_header_value("Content-Type"), res->body};
}

// The sum of a family's samples (every label set) in a Prometheus text;
// nullopt when the family has no sample.
std::optional<double> family_sum(const std::string& text, const std::string& family) {
    std::istringstream lines(text);
    std::optional<double> sum;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with(family + "{") && !line.starts_with(family + " ")) continue;
        sum = sum.value_or(0) + std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

class metrics_http : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "h-in", 2));
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "h-out", 2));
    }

    std::map<std::string, std::string> props(const std::string& listener) const {
        return {{"application.id", "metrics-http"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", (broker_.data_dir() / "streams-state").string()},
                {"commit.interval.ms", "100"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"samsa.metrics.listener", listener},
                {"consumer.auto.offset.reset", "earliest"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    void produce_records() {
        std::vector<ts::record> batch;
        for (int i = 0; i < records; ++i) {
            ts::record r;
            r.key = "k" + std::to_string(i);
            bytes v = serdes::int64().serialize("h-in", i);
            r.value.assign(v.begin(), v.end());
            r.partition = i % 2;
            batch.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), "h-in", batch);
        ASSERT_TRUE(done) << done.error().message;
    }

    ts::broker_process broker_;
};

TEST_F(metrics_http, serves_the_metrics_as_prometheus_text_while_running) {
    kafka_streams app(doubling_topology(), props("http://127.0.0.1:0"));
    EXPECT_EQ(app.metrics_url(), "") << "nothing is served before start()";
    app.start();
    const std::string url = app.metrics_url();
    ASSERT_TRUE(url.starts_with("http://127.0.0.1:") && url.ends_with("/metrics")) << url;
    EXPECT_EQ(url.find(":0/"), std::string::npos) << "the URL shows the port bound: " << url;
    produce_records();

    std::optional<scrape_result> last;
    double processed = 0;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        last = get(url);
        if (last && last->status == 200) processed = family_sum(last->body, process_total).value_or(0);
        if (processed >= records) break;
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_TRUE(last) << "no answer from " << url;
    ASSERT_EQ(last->status, 200) << last->body;
    EXPECT_GE(processed, records) << last->body;
    EXPECT_EQ(processed, records) << "only the produced records are processed";
    EXPECT_TRUE(last->content_type.starts_with("text/plain; version=0.0.4")) << last->content_type;
    EXPECT_NE(last->body.find("# TYPE " + process_total + " counter\n"), std::string::npos) << last->body;
    EXPECT_NE(last->body.find("# TYPE kafka_streams_stream_thread_metrics_process_rate gauge\n"), std::string::npos);
    const std::string thread_label = process_total + "{thread_id=\"" + app.thread_names().at(0) + "\"} ";
    EXPECT_NE(last->body.find(thread_label), std::string::npos) << last->body;
    // The client's text metrics as _info gauges (prometheus_text.h).
    const std::string client = "{client_id=\"" + app.text_metrics().begin()->first.tags.at("client-id") + "\",";
    EXPECT_NE(last->body.find("kafka_streams_stream_metrics_state_info" + client + "state=\"RUNNING\"} 1\n"),
              std::string::npos)
        << last->body;
    EXPECT_NE(last->body.find("kafka_streams_stream_metrics_alive_stream_threads{client_id="), std::string::npos);
    // Task metrics of both tasks, labelled as Kafka tags them.
    EXPECT_NE(last->body.find("task_id=\"0_0\""), std::string::npos);
    EXPECT_NE(last->body.find("task_id=\"0_1\""), std::string::npos);
    auto out = ts::read_all(broker_.bootstrap(), "h-out", 2, records);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->size(), static_cast<size_t>(records));

    auto other = get(url, "/other");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 404);

    // A second instance asked for the same port cannot start.
    const std::string taken = url.substr(0, url.size() - std::string("/metrics").size());
    auto second_props = props(taken);
    second_props["application.id"] = "metrics-http-second";
    kafka_streams second(doubling_topology(), second_props);
    EXPECT_THROW(second.start(), streams_exception);
    EXPECT_EQ(second.state(), streams_state::error);

    EXPECT_TRUE(app.close(30s));
    EXPECT_EQ(app.metrics_url(), "");
    EXPECT_FALSE(get(url)) << "close() stops the endpoint";
}

TEST_F(metrics_http, no_listener_serves_nothing) {
    kafka_streams app(doubling_topology(), props(""));
    app.start();
    EXPECT_EQ(app.metrics_url(), "");
    EXPECT_TRUE(app.close(30s));
}

}  // namespace
}  // namespace samsa::streams
