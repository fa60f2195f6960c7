// order-mail's interactive queries over HTTP against the real samsa-broker:
// two instances of the application, each with its customer_query_server;
// GET /customers/{id} on one answers every id, those whose partition the
// other instance owns through it (forwarded to its application.server);
// 404 for ids with no customer or no address. Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
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

struct instance {
    customer_query_server http;
    int port = -1;
    std::unique_ptr<s::kafka_streams> app;
};

class order_mail_iq : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {customer_topic, customer_address_topic, order_topic, order_mail_topic}) {
            ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), t, 2));
        }
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), item_topic, 1));
    }

    void start(instance& i, const std::string& name) {
        i.port = i.http.bind("127.0.0.1", 0);
        ASSERT_GT(i.port, 0);
        auto props = order_mail_properties(broker_.bootstrap(), "order-mail-iq",
                                           (broker_.data_dir() / ("state-" + name)).string());
        props["application.server"] = "127.0.0.1:" + std::to_string(i.port);
        props["commit.interval.ms"] = "200";
        props["consumer.session.timeout.ms"] = "6000";
        props["consumer.heartbeat.interval.ms"] = "500";
        props["replication.factor"] = "1";
        i.app = std::make_unique<s::kafka_streams>(build_order_mail_topology({s::store_type::in_memory}), props);
        i.app->start();
        i.http.serve(*i.app, "");
    }

    void produce(const char* topic, const std::string& key, const nlohmann::json& value) {
        ts::record r;
        r.key = key;
        r.value = value.dump();
        // Java's partitioner (murmur2), which the metadata assumes; librdkafka's
        // default (CRC32) would put keys where the metadata does not look.
        auto done = ts::produce(broker_.bootstrap(), topic, {r}, {{"partitioner", "murmur2_random"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    static std::optional<std::pair<int, std::string>> get(int port, const std::string& path,
                                                          httplib::Headers headers = {}) {
        httplib::Client client("127.0.0.1", port);
        client.set_read_timeout(15);
        auto res = client.Get(path.c_str(), headers);
        if (!res) return std::nullopt;
        return std::make_pair(res->status, res->body);
    }

    ts::broker_process broker_;
};

TEST_F(order_mail_iq, each_instance_answers_every_customer_forwarding_to_the_owner) {
    instance a, b;
    start(a, "a");
    start(b, "b");
    std::vector<std::string> ids;
    for (int n = 0; n < 8; ++n) {
        std::string id = "c" + std::to_string(n);
        ids.push_back(id);
        produce(customer_topic, id, customer{id, "Name " + id, id + "@example.com"});
        produce(customer_address_topic, id, customer_address{id, "Street", std::to_string(n), "City", "ST", "00000"});
    }
    produce(customer_topic, "no-address", customer{"no-address", "Lonely", "l@example.com"});

    // Both instances running with a partition each, every id answered by a.
    auto deadline = std::chrono::steady_clock::now() + 90s;
    std::map<std::string, int> answered;
    while (std::chrono::steady_clock::now() < deadline && answered.size() < ids.size()) {
        for (const auto& id : ids) {
            if (answered.count(id)) continue;
            auto res = get(a.port, "/customers/" + id);
            if (!res || res->first != 200) continue;
            auto body = nlohmann::json::parse(res->second);
            EXPECT_EQ(body["customer"]["name"], "Name " + id);
            EXPECT_EQ(body["address"]["customerId"], id) << res->second;
            answered[id] = 200;
        }
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_EQ(answered.size(), ids.size()) << "not every customer was answered through instance a";

    // Some ids are b's: a has no row for them, so its answers came from b.
    // Asked with the forwarded mark, a answers from its own stores: 404.
    int owned_by_b = 0;
    const s::host_info b_host{"127.0.0.1", b.port};
    for (const auto& id : ids) {
        auto where = a.app->query_metadata_for_key(customer_store, id, s::serdes::string());
        if (where.active_host != b_host) continue;
        ++owned_by_b;
        auto local = get(a.port, "/customers/" + id, {{"X-Samsa-Forwarded", "1"}});
        ASSERT_TRUE(local);
        EXPECT_EQ(local->first, 404) << id << " should not be in a's stores";
        auto through_b = get(b.port, "/customers/" + id);
        ASSERT_TRUE(through_b);
        EXPECT_EQ(through_b->first, 200);
    }
    EXPECT_GT(owned_by_b, 0) << "b owns none of the ids: nothing was forwarded";
    EXPECT_LT(owned_by_b, static_cast<int>(ids.size())) << "a owns none of the ids";

    for (int port : {a.port, b.port}) {
        auto unknown = get(port, "/customers/nobody");
        ASSERT_TRUE(unknown);
        EXPECT_EQ(unknown->first, 404);
        auto half = get(port, "/customers/no-address");
        ASSERT_TRUE(half);
        EXPECT_EQ(half->first, 404);
    }
    a.http.stop();
    b.http.stop();
    EXPECT_TRUE(b.app->close(30s));
    EXPECT_TRUE(a.app->close(30s));
}

}  // namespace
}  // namespace samsa::apps::order_mail
