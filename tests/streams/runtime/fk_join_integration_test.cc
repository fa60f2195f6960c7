// A foreign-key join in the runtime against the real samsa-broker: orders
// (3 partitions) joined to customers (2 partitions) by the customer id in
// the order. The runtime creates the registration topic with the customers'
// partition count and the response topic with the orders', responses find
// their way back to the order's partition, and after a restart with an empty
// state directory the stores (the subscription store included) come back
// from their changelogs: a customer renamed after the restart reaches the
// orders that subscribed before it. Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using str = std::string;

class probe_listener final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

topology orders_with_customers() {
    streams_builder b;
    auto c = consumed<str, str>::with(serdes::string(), serdes::string());
    auto orders = b.table("orders", c);
    auto customers = b.table("customers", c);
    orders.join(customers, [](const str& v) { return v.substr(0, v.find(',')); },
                [](const str& o, const str& cu) { return o + "/" + cu; })
        .to_stream()
        .to("enriched");
    return b.build();
}

class fk_join_integration : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        state_dir_ = broker_.data_dir() / "streams-state";
    }

    std::map<std::string, std::string> props() const {
        return {{"application.id", "fk-app"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", state_dir_.string()},
                {"commit.interval.ms", "200"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    // Empty when a consumer gets partitions within 15 s; else why not.
    std::string groups_unavailable() {
        auto created = ts::create_topic(broker_.bootstrap(), "group-probe", 1);
        if (!created) return "cannot create the probe topic: " + created.error().message;
        auto supplier = internal::make_rdkafka_client_supplier();
        auto consumer = supplier->consumer({{"bootstrap.servers", broker_.bootstrap()},
                                            {"group.id", "group-probe"},
                                            {"session.timeout.ms", "6000"},
                                            {"partition.assignment.strategy", "range"}});
        if (!consumer) return consumer.error().message;
        probe_listener listener;
        if (!(*consumer)->subscribe({"group-probe"}, listener)) return "subscribe failed";
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!listener.assigned && std::chrono::steady_clock::now() < deadline) {
            if (!(*consumer)->poll(200ms, 10)) break;
        }
        (*consumer)->close();
        return listener.assigned ? "" : "no partitions assigned within 15 s (no working group coordinator)";
    }

    // Tables keyed as Kafka's default partitioner places keys (murmur2):
    // the registration topic is partitioned that way, so the customers
    // table must be too.
    void produce(const std::string& topic, int partitions, const std::map<str, str>& rows) {
        std::vector<ts::record> records;
        for (const auto& [k, v] : rows) {
            ts::record r;
            r.key = k;
            r.value = v;
            r.partition = ts::java_partition(k, partitions);
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), topic, records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    // The latest value per key of the output, read until it contains `want`
    // or 60 s pass.
    std::map<str, str> wait_for(const std::map<str, str>& want) {
        std::map<str, str> latest;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), "enriched", 3, 0, 5s);
            if (records) {
                latest.clear();
                for (const auto& [p, list] : ts::by_partition(*records)) {
                    for (const auto& r : list) latest[r.key] = r.value;
                }
                bool done = true;
                for (const auto& [k, v] : want) done = done && latest.count(k) && latest[k] == v;
                if (done) return latest;
            }
            std::this_thread::sleep_for(300ms);
        }
        return latest;
    }

    int partitions(const std::string& topic) {
        auto n = ts::partition_count(broker_.bootstrap(), topic);
        return n ? *n : -1;
    }

    ts::broker_process broker_;
    std::filesystem::path state_dir_;
};

TEST_F(fk_join_integration, join_across_partition_counts_and_restart_from_changelogs) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "orders", 3));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "customers", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "enriched", 3));
    produce("customers", 2, {{"c1", "ann"}, {"c2", "bob"}, {"c3", "cid"}, {"c4", "dan"}});
    std::map<str, str> orders, want;
    for (int i = 1; i <= 8; ++i) {
        str customer = "c" + std::to_string(i % 4 + 1);
        orders["o" + std::to_string(i)] = customer + "," + std::to_string(10 * i);
    }
    produce("orders", 3, orders);
    const std::map<str, str> names{{"c1", "ann"}, {"c2", "bob"}, {"c3", "cid"}, {"c4", "dan"}};
    for (const auto& [k, v] : orders) want[k] = v + "/" + names.at(v.substr(0, 2));
    {
        kafka_streams app(orders_with_customers(), props());
        app.start();
        EXPECT_EQ(wait_for(want), want);
        EXPECT_TRUE(app.close(30s));
    }
    // The runtime made the internal topics with each side's partition count.
    EXPECT_EQ(partitions("fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic"), 2);
    EXPECT_EQ(partitions("fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic"), 3);
    EXPECT_EQ(partitions("fk-app-KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010-changelog"), 2);

    // Restart with no local state: everything comes back from changelogs.
    std::filesystem::remove_all(state_dir_);
    produce("customers", 2, {{"c3", "cid-renamed"}});  // o2 and o6 subscribed before the restart
    produce("orders", 3, {{"o1", "c4,11"}});           // FK change c2 -> c4
    kafka_streams again(orders_with_customers(), props());
    again.start();
    want["o2"] = "c3,20/cid-renamed";
    want["o6"] = "c3,60/cid-renamed";
    want["o1"] = "c4,11/dan";
    auto got = wait_for(want);
    EXPECT_EQ(got, want);
    // o1 left c2: bob's rename reaches o5 only.
    produce("customers", 2, {{"c2", "bob-renamed"}});
    want["o5"] = "c2,50/bob-renamed";
    EXPECT_EQ(wait_for(want), want);
    EXPECT_TRUE(again.close(30s));
}

}  // namespace
}  // namespace samsa::streams
