// order-stats against a real samsa-broker: orders whose createdAt (not the
// record timestamp) puts them in 5-minute windows, out of order within the
// grace and one past it; ORDER-STATS must hold exactly one final count per
// closed customer window. Plus the app's pieces without a broker. Every wait
// is bounded.
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "order_stats/topology.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/testing/topology_test_driver.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::apps::order_stats {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

constexpr int64_t minute = 60'000;
constexpr int64_t window = 5 * minute;

std::string order_json(const std::string& id, const std::string& customer, int64_t created_at_ms) {
    return R"({"id":")" + id + R"(","customerId":")" + customer + R"(","itemId":"i1","quantity":1,"createdAt":")" +
           std::to_string(created_at_ms) + R"("})";
}

TEST(order_stats, parses_created_at_as_iso_8601_or_epoch_ms) {
    EXPECT_EQ(parse_created_at("1700000000123"), 1700000000123);
    EXPECT_EQ(parse_created_at("1970-01-01T00:05:00Z"), 300'000);
    EXPECT_EQ(parse_created_at("2023-11-14T22:13:20.5Z"), 1700000000500);
    EXPECT_EQ(parse_created_at("yesterday"), std::nullopt);
    EXPECT_EQ(parse_created_at("2023-11-14T22:13:20"), std::nullopt) << "UTC only";
    EXPECT_EQ(parse_created_at(""), std::nullopt);
}

TEST(order_stats, window_counts_round_trip_as_json) {
    window_count c{"c7", 300'000, 600'000, 12};
    EXPECT_EQ(to_json(c), R"({"customerId":"c7","windowStart":300000,"windowEnd":600000,"orders":12})");
    EXPECT_EQ(window_count_from_json(to_json(c)), c);
    EXPECT_EQ(window_count_from_json("{"), std::nullopt);
}

// The input of both tests, relative to the start w0 of a window: step by
// step as the README explains.
std::vector<std::pair<std::string, int64_t>> scenario(int64_t w0) {
    return {
        {"c1", w0 + 10'000}, {"c1", w0 + 20'000}, {"c2", w0 + minute}, {"c1", w0 + 4 * minute},  // window 0
        {"c1", w0 + window + 1'000}, {"c2", w0 + window + 30'000},                               // window 1
        {"c1", w0 + window - 1'000},  // out of order, within the grace (stream time w0+5m30s < w0+6m)
        {"c3", w0 + 20 * minute},     // stream time passes both windows' end + grace: they close
        {"c1", w0 + 2 * minute},      // late: window 0 closed, dropped
        {"c3", w0 + 21 * minute},
    };
}

std::map<std::string, int64_t> expected(int64_t w0) {
    auto key = [](const std::string& c, int64_t start) { return c + "@" + std::to_string(start); };
    return {{key("c1", w0), 4}, {key("c2", w0), 1}, {key("c1", w0 + window), 1}, {key("c2", w0 + window), 1}};
}

TEST(order_stats, final_counts_in_the_test_driver) {
    order_stats_options o;
    o.stores = streams::store_type::in_memory;
    streams::testing::topology_test_driver driver(build_order_stats_topology(o));
    auto in = driver.create_input_topic(order_topic, streams::serdes::string(), streams::serdes::string());
    auto out = driver.create_output_topic(order_stats_topic, streams::serdes::string(), streams::serdes::string());
    const int64_t w0 = 100 * window;
    int n = 0;
    for (const auto& [customer, t] : scenario(w0)) {
        in.pipe_input("o" + std::to_string(n), order_json("o" + std::to_string(n), customer, t), 1);  // record ts 1
        ++n;
    }
    std::map<std::string, int64_t> got;
    for (const auto& r : out.read_records_to_list()) {
        auto c = window_count_from_json(*r.value);
        ASSERT_TRUE(c);
        EXPECT_EQ(*r.key, c->customer_id);
        EXPECT_EQ(c->window_end - c->window_start, window);
        EXPECT_TRUE(got.emplace(c->customer_id + "@" + std::to_string(c->window_start), c->orders).second)
            << "one final result per window";
    }
    EXPECT_EQ(got, expected(w0));
    EXPECT_EQ(driver.dropped_records(), 1) << "the late order";
}

class order_stats_e2e : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {order_topic, order_stats_topic}) {
            auto s = ts::create_topic(broker_.bootstrap(), t, 1);
            ASSERT_TRUE(s) << t << ": " << s.error().message;
        }
    }

    std::map<std::string, std::string> properties() const {
        auto p = order_stats_properties(broker_.bootstrap(), default_application_id,
                                        (broker_.data_dir() / "streams-state").string());
        p["commit.interval.ms"] = "200";
        p["replication.factor"] = "1";
        p["consumer.session.timeout.ms"] = "6000";
        p["consumer.heartbeat.interval.ms"] = "500";
        p["producer.linger.ms"] = "5";
        return p;
    }

    ts::broker_process broker_;
};

TEST_F(order_stats_e2e, one_final_count_per_customer_and_closed_window) {
    // Recent event times (topic retention keeps them), on a window boundary.
    const int64_t w0 = (ts::now_ms() / window - 12) * window;
    std::vector<ts::record> orders;
    int n = 0;
    for (const auto& [customer, t] : scenario(w0)) {
        ts::record r;
        r.key = "o" + std::to_string(n);
        r.value = order_json(r.key, customer, t);
        // The record timestamp says "now": only createdAt places the order.
        r.timestamp = ts::now_ms();
        orders.push_back(r);
        ++n;
    }
    auto sent = ts::produce(broker_.bootstrap(), order_topic, orders, {{"enable.idempotence", "true"}});
    ASSERT_TRUE(sent) << sent.error().message;

    streams::kafka_streams app(build_order_stats_topology(), properties());
    app.start();
    auto stats = ts::read_all(broker_.bootstrap(), order_stats_topic, 1, 4, 90s);
    ASSERT_TRUE(stats) << stats.error().message;
    // Close (a last commit and flush), then read the whole topic to its end:
    // nothing may follow the four final counts.
    EXPECT_TRUE(app.close(30s));
    stats = ts::read_all(broker_.bootstrap(), order_stats_topic, 1, 4, 10s);
    ASSERT_TRUE(stats) << stats.error().message;

    std::map<std::string, int64_t> got;
    for (const auto& r : *stats) {
        auto c = window_count_from_json(r.value);
        ASSERT_TRUE(c) << r.value;
        EXPECT_EQ(r.key, c->customer_id);
        EXPECT_EQ(c->window_end - c->window_start, window);
        EXPECT_TRUE(got.emplace(c->customer_id + "@" + std::to_string(c->window_start), c->orders).second)
            << "one final result per window: " << r.value;
    }
    EXPECT_EQ(got, expected(w0));
}

}  // namespace
}  // namespace samsa::apps::order_stats
