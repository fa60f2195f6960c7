// The order-mail demo against a real samsa-broker: the topology runs in this
// process (kafka_streams), the data comes from the order-mail-datagen binary,
// bad records are mixed in, ORDER-MAIL is read back and checked record by
// record, and the order-mail-sender binary turns it into .eml files.
// Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "order_mail/eml.h"
#include "order_mail/generator.h"
#include "order_mail/topology.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

namespace samsa::apps::order_mail {
namespace {

namespace ts = samsa::test_support;
using ts::samsa_bin;
using ts::within;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class order_mail_e2e : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {customer_topic, customer_address_topic, order_topic, order_mail_topic}) {
            auto s = ts::create_topic(broker_.bootstrap(), t, 3);
            ASSERT_TRUE(s) << t << ": " << s.error().message;
        }
        auto s = ts::create_topic(broker_.bootstrap(), item_topic, 1);
        ASSERT_TRUE(s) << s.error().message;
    }

    std::map<std::string, std::string> properties() const {
        auto p = order_mail_properties(broker_.bootstrap(), default_application_id,
                                       (broker_.data_dir() / "streams-state").string());
        p["commit.interval.ms"] = "200";
        p["replication.factor"] = "1";
        p["consumer.session.timeout.ms"] = "6000";
        p["consumer.heartbeat.interval.ms"] = "500";
        p["producer.linger.ms"] = "5";
        return p;
    }

    ts::command_result datagen(const std::vector<std::string>& extra) {
        std::vector<std::string> argv{samsa_bin("order-mail-datagen").string(), "--bootstrap-server",
                                      broker_.bootstrap(), "--seed", "11", "--customers", "15", "--items", "6"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return ts::run_command(argv, within(60s));
    }

    void produce_garbage(const std::string& topic, const std::string& key, const std::string& value) {
        ts::record r;
        r.key = key;
        r.value = value;
        auto sent = ts::produce(broker_.bootstrap(), topic, {r});
        ASSERT_TRUE(sent) << sent.error().message;
    }

    ts::broker_process broker_;
};

bool wait_for_state(const streams::kafka_streams& app, streams::streams_state wanted, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (app.state() == wanted) return true;
        if (app.state() == streams::streams_state::error) return false;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

TEST_F(order_mail_e2e, orders_become_mails_and_bad_records_are_skipped) {
    constexpr int orders = 30;
    data_generator g({.seed = 11, .customers = 15, .items = 6});

    auto reference = datagen({"--only", "reference"});
    ASSERT_TRUE(reference.ok()) << reference.describe();
    // Records that do not parse, on every input: logged and skipped, never fatal.
    produce_garbage(customer_topic, "c1x", "not json");
    produce_garbage(customer_address_topic, "c2", R"({"customerId":"c2"})");
    produce_garbage(item_topic, "i9", R"({"id":"i9","name":"x","price":"free"})");

    streams::kafka_streams app(build_order_mail_topology(), properties());
    app.start();
    ASSERT_TRUE(wait_for_state(app, streams::streams_state::running, 60s)) << streams::to_string(app.state());

    produce_garbage(order_topic, "bad-1", "{");
    auto sent = datagen({"--only", "orders", "--orders", std::to_string(orders)});
    ASSERT_TRUE(sent.ok()) << sent.describe();
    produce_garbage(order_topic, "bad-2", R"({"id":"bad-2","customerId":"c1"})");

    auto mails = ts::read_all(broker_.bootstrap(), order_mail_topic, 3, orders, 90s);
    ASSERT_TRUE(mails) << mails.error().message;
    EXPECT_EQ(app.state(), streams::streams_state::running);
    ASSERT_EQ(mails->size(), static_cast<size_t>(orders));

    std::map<std::string, order_mail> by_order;
    for (const auto& r : *mails) {
        order_mail m = nlohmann::json::parse(r.value).get<order_mail>();
        EXPECT_EQ(r.key, m.customer_id);  // keyed by customer id
        EXPECT_EQ(r.partition, ts::java_partition(r.key, 3)) << "ORDER-MAIL is partitioned with murmur2 as in Java";
        by_order[m.order_id] = m;
    }
    for (int64_t i = 0; i < orders; ++i) {
        order o = g.order_at(i);
        ASSERT_TRUE(by_order.count(o.id)) << o.id;
        const order_mail& m = by_order[o.id];
        customer c = g.customer_at(std::stoll(o.customer_id.substr(1)) - 1);
        item it = g.item_at(std::stoll(o.item_id.substr(1)) - 1);
        EXPECT_EQ(m.to, c.email);
        EXPECT_EQ(m.customer_name, c.name);
        EXPECT_EQ(m.item_name, it.name);
        EXPECT_EQ(m.quantity, o.quantity);
        EXPECT_DOUBLE_EQ(m.total, o.quantity * it.price);
        EXPECT_NE(m.body.find(g.address_at(std::stoll(o.customer_id.substr(1)) - 1).city), std::string::npos);
    }
    EXPECT_TRUE(app.close(30s));

    // The sender turns each record into one .eml file.
    fs::path outbox = broker_.data_dir() / "outbox";
    auto sender = ts::run_command({samsa_bin("order-mail-sender").string(), "--bootstrap-server", broker_.bootstrap(),
                                   "--outbox", outbox.string(), "--max-messages", std::to_string(orders)},
                                  within(90s));
    ASSERT_TRUE(sender.ok()) << sender.describe();
    for (int64_t i = 0; i < orders; ++i) {
        order o = g.order_at(i);
        std::ifstream in(outbox / eml_file_name(o.id), std::ios::binary);
        ASSERT_TRUE(in) << "no mail for " << o.id << "\n" << sender.describe();
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        EXPECT_NE(text.find("\r\nTo: "), std::string::npos);
        EXPECT_NE(text.find("<" + by_order[o.id].to + ">\r\n"), std::string::npos) << text;
        EXPECT_NE(text.find("\r\nMessage-ID: <order-" + o.id + "@"), std::string::npos) << text;
        EXPECT_NE(text.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    }
}

TEST_F(order_mail_e2e, the_binary_describes_the_topology_as_kafka_streams) {
    auto r = ts::run_command({samsa_bin("order-mail").string(), "--describe"}, within(30s));
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.out, build_order_mail_topology().describe().to_string());
    auto dot = ts::run_command({samsa_bin("order-mail").string(), "--dot"}, within(30s));
    ASSERT_TRUE(dot.ok()) << dot.describe();
    EXPECT_NE(dot.out.find("digraph"), std::string::npos) << dot.out;
}

TEST_F(order_mail_e2e, the_binary_runs_and_stops_on_sigterm) {
    // A missing broker gives a clear message and exit 1, never a hang.
    auto unreachable = ts::run_command({samsa_bin("order-mail-datagen").string(), "--bootstrap-server", "127.0.0.1:1",
                                        "--customers", "1", "--items", "1", "--orders", "0",
                                        "--config", "message.timeout.ms=2000"},
                                       within(60s));
    EXPECT_EQ(unreachable.exit_code, 1) << unreachable.describe();
    EXPECT_NE(unreachable.err.find("order-mail-datagen:"), std::string::npos) << unreachable.describe();
    // The application binary: `timeout` sends SIGTERM after 15 s; it must close cleanly (exit 0).
    auto r = ts::run_command({"timeout", "--preserve-status", "-s", "TERM", "15", samsa_bin("order-mail").string(),
                              "--bootstrap-server", broker_.bootstrap(), "--state-dir",
                              (broker_.data_dir() / "bin-state").string(), "--application-id", "order-mail-sigterm"},
                             within(90s));
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.err.find("SIGTERM received, closing"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace samsa::apps::order_mail
