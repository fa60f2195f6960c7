// The topology test driver and kafka_streams run one task engine
// (stream_task, global_state_task, task_graph): the same topology fed the
// same input gives the same outputs in both, record for record (key, value,
// timestamp, order), here through a repartition topic, a stream-table join,
// a global-table join, an aggregation and records the operators drop. The
// runtime runs against a real samsa-broker child; one partition per topic
// keeps its order deterministic. Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using str = std::string;

// orders "o1" -> "item:qty"; prices "item" -> "price"; names (global) "item" -> "name".
topology shop_topology() {
    streams_builder b;
    auto strings = consumed<str, str>::with(serdes::string(), serdes::string());
    auto prices = b.table("prices", strings);
    auto names = b.global_table("names", strings);
    auto orders = b.stream("orders", strings);
    orders.select_key([](const str&, const str& v) { return v.substr(0, v.find(':')); })
        .join(prices, [](const str& order, const str& price) { return order + "@" + price; })
        .left_join(
            names, [](const str& item, const str&) { return item; },
            [](const str& joined, const std::optional<str>& name) { return joined + "/" + name.value_or("?"); })
        .to("joined", produced<str, str>::with(serdes::string(), serdes::string()));
    orders.group_by([](const str&, const str& v) { return v.substr(0, v.find(':')); })
        .count()
        .to_stream()
        .map_values([](const int64_t& n) { return std::to_string(n); })
        .to("counts", produced<str, str>::with(serdes::string(), serdes::string()));
    return b.build();
}

struct input {
    str topic;
    std::optional<str> key;
    str value;
    int64_t timestamp;
};

// Timestamps near now: the broker's retention would delete records stamped
// in 1970 at once.
std::vector<input> shop_input(int64_t t0) {
    std::vector<input> in;
    for (int i = 0; i < 5; ++i) in.push_back({"prices", "item" + std::to_string(i), std::to_string(10 + i), t0 + i});
    for (int i = 0; i < 4; ++i) in.push_back({"names", "item" + std::to_string(i), "Item " + std::to_string(i), t0});
    for (int i = 0; i < 40; ++i) {
        // item5 has no price (the inner join drops it); item4 no name.
        in.push_back({"orders", "o" + std::to_string(i), "item" + std::to_string(i % 6) + ":" + std::to_string(i),
                      t0 + 1000 + 10 * i});
    }
    // A null key: the plain key selectors are not called for it, so both
    // paths drop it (counted).
    in.push_back({"orders", std::nullopt, "item1:99", t0 + 2000});
    return in;
}

using output = std::vector<std::tuple<std::optional<str>, str, int64_t>>;

std::map<str, output> run_in_driver(const std::vector<input>& in) {
    testing::topology_test_driver driver(shop_topology(), {{"application.id", "shop"}});
    std::map<str, testing::test_input_topic<str, str>> topics;
    for (const char* t : {"prices", "names", "orders"}) {
        topics.emplace(t, driver.create_input_topic(t, serdes::string(), serdes::string()));
    }
    for (const auto& r : in) topics.at(r.topic).pipe_input(r.key, r.value, r.timestamp);
    std::map<str, output> out;
    for (const char* t : {"joined", "counts"}) {
        auto topic = driver.create_output_topic(t, serdes::string(), serdes::string());
        for (auto& r : topic.read_records_to_list()) out[t].emplace_back(r.key, r.value.value_or(""), r.timestamp);
    }
    return out;
}

class driver_runtime_equivalence : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.failure(); }

    void produce(const std::vector<input>& in, const str& topic) {
        std::vector<ts::record> records;
        for (const auto& r : in) {
            if (r.topic != topic) continue;
            ts::record rec;
            rec.key = r.key.value_or("");
            rec.has_key = r.key.has_value();
            rec.value = r.value;
            rec.timestamp = r.timestamp;
            rec.partition = 0;
            records.push_back(rec);
        }
        auto done = ts::produce(broker_.bootstrap(), topic, records);
        ASSERT_TRUE(done) << done.error().message;
    }

    int64_t end_of(const str& topic) {
        auto marks = ts::watermarks(broker_.bootstrap(), topic, 0);
        return marks ? marks->second : -1;
    }

    bool wait_for_end(const str& topic, int64_t n) {
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (end_of(topic) < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
        return end_of(topic) >= n;
    }

    output read(const str& topic) {
        output out;
        auto records = ts::read_all(broker_.bootstrap(), topic, 1, 0, 10s);
        if (!records) {
            ADD_FAILURE() << records.error().message;
            return out;
        }
        for (const auto& r : *records) {
            out.emplace_back(r.has_key ? std::optional<str>(r.key) : std::nullopt, r.value, r.timestamp);
        }
        return out;
    }

    ts::broker_process broker_;
};

TEST_F(driver_runtime_equivalence, the_same_topology_and_input_give_the_same_outputs) {
    const auto in = shop_input(ts::now_ms() - 60000);
    const auto want = run_in_driver(in);
    ASSERT_EQ(want.at("joined").size(), 34u);  // 40 keyed orders, less the 6 for item5
    ASSERT_EQ(want.at("counts").size(), 40u);

    for (const char* t : {"prices", "names", "orders", "joined", "counts"}) {
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), t, 1));
    }
    produce(in, "prices");
    produce(in, "names");
    kafka_streams app(shop_topology(), {{"application.id", "shop"},
                                        {"bootstrap.servers", broker_.bootstrap()},
                                        {"state.dir", (broker_.data_dir() / "streams-state").string()},
                                        {"commit.interval.ms", "100"},
                                        {"statestore.cache.max.bytes", "0"},
                                        {"producer.linger.ms", "5"},
                                        {"consumer.session.timeout.ms", "6000"},
                                        {"consumer.heartbeat.interval.ms", "500"}});
    app.start();
    // The prices are in the table (its changelog has them) before any order.
    ASSERT_TRUE(wait_for_end("shop-prices-STATE-STORE-0000000000-changelog", 5));
    produce(in, "orders");
    ASSERT_TRUE(wait_for_end("joined", 34));
    ASSERT_TRUE(wait_for_end("counts", 40));
    EXPECT_TRUE(app.close(30s));
    EXPECT_EQ(read("joined"), want.at("joined"));
    EXPECT_EQ(read("counts"), want.at("counts"));
}

}  // namespace
}  // namespace samsa::streams
