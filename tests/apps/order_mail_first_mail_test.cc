// Issue 12: the order-mail binary writes its first mail soon after RUNNING.
// samsa-broker and order-mail run as processes, order-mail with its own
// defaults (librdkafka's fetch.wait.max.ms of 500, Kafka Streams' linger),
// as a user starts it. ORDER-MAIL stamps its records with the broker's
// append time (message.timestamp.type=LogAppendTime), so the first mail's
// timestamp says when it was written; RUNNING is the time of the app's log
// line "state REBALANCING -> RUNNING". Both clocks are this machine's.
//
// The bound is generous (2 s; the goal is 200 ms, measured by
// samsa-bench-streams-broker): it catches a start that waits for a
// parked fetch or a rebalance again, not a slow machine. Every wait is bounded.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "order_mail/topology.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

namespace samsa::apps::order_mail {
namespace {

namespace ts = samsa::test_support;
using ts::samsa_bin;
using ts::within;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string running_line = "[order-mail] state REBALANCING -> RUNNING";
constexpr int orders = 300;
constexpr int64_t bound_ms = 2000;

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The wall-clock time (ms since the epoch) of a log line that starts with
// spdlog's local "YYYY-MM-DD HH:MM:SS.mmm" (bracketed or not).
std::optional<int64_t> line_time_ms(const std::string& line) {
    std::tm tm{};
    int millis = 0;
    const char* text = line.c_str() + (line.starts_with("[") ? 1 : 0);
    if (std::sscanf(text, "%d-%d-%d %d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec, &millis) != 7) {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const std::time_t seconds = std::mktime(&tm);
    if (seconds == -1) return std::nullopt;
    return static_cast<int64_t>(seconds) * 1000 + millis;
}

class order_mail_first_mail : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {customer_topic, customer_address_topic, order_topic}) {
            auto s = ts::create_topic(broker_.bootstrap(), t, 3);
            ASSERT_TRUE(s) << t << ": " << s.error().message;
        }
        auto s = ts::create_topic(broker_.bootstrap(), order_mail_topic, 3,
                                  {{"message.timestamp.type", "LogAppendTime"}});
        ASSERT_TRUE(s) << s.error().message;
        s = ts::create_topic(broker_.bootstrap(), item_topic, 1);
        ASSERT_TRUE(s) << s.error().message;
        auto reference = datagen({"--only", "reference"});
        ASSERT_TRUE(reference.ok()) << reference.describe();
    }

    ts::command_result datagen(const std::vector<std::string>& extra) {
        std::vector<std::string> argv{samsa_bin("order-mail-datagen").string(), "--bootstrap-server",
                                      broker_.bootstrap(), "--seed", "5", "--customers", "50", "--items", "10"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return ts::run_command(argv, within(60s));
    }

    void send_orders() {
        auto sent = datagen({"--only", "orders", "--orders", std::to_string(orders)});
        ASSERT_TRUE(sent.ok()) << sent.describe();
    }

    // The binary with its defaults; only the replication factor of its
    // internal topics fits the one broker.
    void start_app() {
        ASSERT_TRUE(app_.spawn({samsa_bin("order-mail").string(), "--bootstrap-server", broker_.bootstrap(),
                                "--state-dir", (broker_.data_dir() / "streams-state").string(), "--config",
                                "replication.factor=1"},
                               app_log(), ts::child_process::log_mode::truncate));
    }

    // The time of the RUNNING line once the log has it; nullopt when the app
    // exited or 60 s passed.
    std::optional<int64_t> wait_until_running() {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            std::istringstream lines(ts::file_text(app_log()));
            for (std::string line; std::getline(lines, line);) {
                if (line.find(running_line) != std::string::npos) return line_time_ms(line);
            }
            if (!app_.running()) return std::nullopt;
            std::this_thread::sleep_for(20ms);
        }
        return std::nullopt;
    }

    // The append time of the first mail (all `orders` mails are read).
    std::optional<int64_t> first_mail_ms() {
        auto mails = ts::read_all(broker_.bootstrap(), order_mail_topic, 3, orders, 60s);
        EXPECT_TRUE(mails) << mails.error().message << "\n" << ts::file_text(app_log());
        if (!mails) return std::nullopt;
        EXPECT_EQ(mails->size(), static_cast<size_t>(orders));
        std::optional<int64_t> first;
        for (const auto& m : *mails) first = std::min(first.value_or(m.timestamp), m.timestamp);
        return first;
    }

    // The first mail came within bound_ms of since (ms since the epoch);
    // prints the figure, labelled with what since was, and stops the app.
    void expect_first_mail_soon_after(int64_t since, const std::string& what) {
        const auto first = first_mail_ms();
        ASSERT_TRUE(first);
        const int64_t after = *first - since;
        std::printf("first mail %lld ms after %s\n", static_cast<long long>(after), what.c_str());
        EXPECT_LT(after, bound_ms) << ts::file_text(app_log());
        stop_app();
    }

    void stop_app() { EXPECT_EQ(app_.terminate(60s).value_or(-1), 0) << ts::file_text(app_log()); }

    fs::path app_log() const { return broker_.data_dir() / "order-mail.log"; }

    ts::broker_process broker_;
    ts::child_process app_;
};

TEST_F(order_mail_first_mail, orders_waiting_in_ORDER_are_mailed_soon_after_RUNNING) {
    ASSERT_NO_FATAL_FAILURE(send_orders());
    ASSERT_NO_FATAL_FAILURE(start_app());
    const auto running = wait_until_running();
    ASSERT_TRUE(running) << ts::file_text(app_log());
    expect_first_mail_soon_after(*running, "RUNNING (orders waiting in ORDER)");
}

TEST_F(order_mail_first_mail, orders_sent_after_RUNNING_are_mailed_soon) {
    ASSERT_NO_FATAL_FAILURE(start_app());
    const auto running = wait_until_running();
    ASSERT_TRUE(running) << ts::file_text(app_log());
    const int64_t sending = wall_ms();
    ASSERT_NO_FATAL_FAILURE(send_orders());
    expect_first_mail_soon_after(sending, "the datagen started sending (" + std::to_string(sending - *running) +
                                              " ms after RUNNING)");
}

// A second start, as after a restart or a deploy: the tables' partitions
// have committed offsets and ORDER's new orders none.
TEST_F(order_mail_first_mail, orders_waiting_at_a_restart_are_mailed_soon_after_RUNNING) {
    ASSERT_NO_FATAL_FAILURE(start_app());
    ASSERT_TRUE(wait_until_running()) << ts::file_text(app_log());
    stop_app();  // commits the tables' offsets
    ASSERT_NO_FATAL_FAILURE(send_orders());
    ASSERT_NO_FATAL_FAILURE(start_app());
    const auto running = wait_until_running();
    ASSERT_TRUE(running) << ts::file_text(app_log());
    expect_first_mail_soon_after(*running, "RUNNING (orders waiting at a restart)");
}

}  // namespace
}  // namespace samsa::apps::order_mail
