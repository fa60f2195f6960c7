// order-mail's GET /metrics and GET /topology on its --http server (customer_query_server.h)
// against the real samsa-broker: after N customers the scraped process total
// of the stream thread is at least N (the topology reads other records too,
// none here); GET /topology answers the topology's describe() text. Every
// wait is bounded.
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "order_mail/customer_query_server.h"
#include "order_mail/records.h"
#include "order_mail/topology.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::apps::order_mail {
namespace {

namespace ts = samsa::test_support;
namespace s = samsa::streams;
using namespace std::chrono_literals;

constexpr int customers = 20;
const std::string process_total = "kafka_streams_stream_thread_metrics_process_total";

// The sum of a family's samples in a Prometheus text.
double family_sum(const std::string& text, const std::string& family) {
    std::istringstream lines(text);
    double sum = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(family + "{")) sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

TEST(order_mail_metrics, http_server_answers_metrics_as_prometheus_text) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    for (const char* t : {customer_topic, customer_address_topic, order_topic, order_mail_topic}) {
        ASSERT_TRUE(ts::create_topic(broker.bootstrap(), t, 2));
    }
    ASSERT_TRUE(ts::create_topic(broker.bootstrap(), item_topic, 1));

    customer_query_server http;
    const int port = http.bind("127.0.0.1", 0);
    ASSERT_GT(port, 0);
    auto props = order_mail_properties(broker.bootstrap(), "order-mail-metrics",
                                       (broker.data_dir() / "state").string());
    props["commit.interval.ms"] = "200";
    props["replication.factor"] = "1";
    auto topology = build_order_mail_topology({s::store_type::in_memory});
    const std::string topology_text = topology.describe().to_string();
    s::kafka_streams app(std::move(topology), props);
    app.start();
    http.serve(app, topology_text);

    std::vector<ts::record> batch;
    for (int n = 0; n < customers; ++n) {
        std::string id = "c" + std::to_string(n);
        ts::record r;
        r.key = id;
        r.value = nlohmann::json(customer{id, "Name " + id, id + "@example.com"}).dump();
        batch.push_back(r);
    }
    auto done = ts::produce(broker.bootstrap(), customer_topic, batch);
    ASSERT_TRUE(done) << done.error().message;

    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(15);
    std::string body;
    int status = 0;
    double processed = 0;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && processed < customers) {
        if (auto res = client.Get("/metrics")) {
            status = res->status;
            body = res->body;
            processed = family_sum(body, process_total);
        }
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(status, 200);
    EXPECT_GE(processed, customers) << body;
    EXPECT_NE(body.find("# TYPE " + process_total + " counter\n"), std::string::npos) << body;
    // GET /topology: the describe() text the console draws.
    auto described = client.Get("/topology");
    ASSERT_TRUE(described);
    EXPECT_EQ(described->status, 200);
    EXPECT_EQ(described->body, topology_text);
    EXPECT_NE(topology_text.find("Sub-topology: 0"), std::string::npos) << topology_text;
    http.stop();
    EXPECT_TRUE(app.close(30s));
}

}  // namespace
}  // namespace samsa::apps::order_mail
