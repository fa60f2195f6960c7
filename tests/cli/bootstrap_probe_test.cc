// The TCP probe every command starts with (src/samsa/cli/kafka/bootstrap_probe.h):
// the bootstrap list's parser, and refused / accepting / later-opened ports.

#include "samsa/cli/kafka/bootstrap_probe.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/support/broker_process.h"

namespace samsa::cli::kafka {
namespace {

using namespace std::chrono_literals;

TEST(bootstrap_probe, parses_kafka_bootstrap_lists) {
    auto list = parse_bootstrap_servers("a:1, PLAINTEXT://b:2,[::1]:3,c,SASL_SSL://[fe80::1]");
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 5u);
    EXPECT_EQ((*list)[0].host, "a");
    EXPECT_EQ((*list)[0].port, 1);
    EXPECT_EQ((*list)[1].host, "b");
    EXPECT_EQ((*list)[1].port, 2);
    EXPECT_EQ((*list)[2].host, "::1");
    EXPECT_EQ((*list)[2].port, 3);
    EXPECT_EQ((*list)[3].host, "c");
    EXPECT_EQ((*list)[3].port, 9092);  // Kafka's default port
    EXPECT_EQ((*list)[4].host, "fe80::1");
    EXPECT_EQ((*list)[4].port, 9092);
}

TEST(bootstrap_probe, bad_entries_are_named) {
    for (const char* bad : {"", " , ", "a:0", "a:65536", "a:x", ":9092", "[::1", "[::1]9092"}) {
        auto list = parse_bootstrap_servers(bad);
        EXPECT_FALSE(list) << bad;
        if (!list) {
            EXPECT_EQ(list.error().code, errc::invalid_argument) << bad;
        }
    }
}

TEST(bootstrap_probe, a_refusing_port_fails_after_the_grace_not_the_timeout) {
    const std::string address = "127.0.0.1:" + std::to_string(test_support::pick_free_port());
    auto started = std::chrono::steady_clock::now();
    auto s = wait_until_not_refused(address, 60s, 300ms);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, errc::closed);
    EXPECT_NE(s.error().message.find("connection refused"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(address), std::string::npos) << s.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);  // far below the 60 s timeout
}

TEST(cli_integration_bootstrap_probe, one_listening_address_is_enough) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string closed = "127.0.0.1:" + std::to_string(test_support::pick_free_port());
    EXPECT_TRUE(wait_until_not_refused(closed + "," + broker.bootstrap(), 10s, 0ms));
}

TEST(cli_integration_bootstrap_probe, a_port_opened_during_the_grace_is_found) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    broker.stop();  // the port is known and closed now
    auto waiting = std::async(std::launch::async, [&] { return wait_until_not_refused(broker.bootstrap(), 60s, 60s); });
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(broker.restart()) << broker.failure();
    ASSERT_EQ(waiting.wait_for(60s), std::future_status::ready);
    EXPECT_TRUE(waiting.get());
}

}  // namespace
}  // namespace samsa::cli::kafka
