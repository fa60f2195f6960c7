// The real samsa-broker binary: command line, configuration errors (one line
// on stderr, exit status 2), clean shutdown on SIGTERM (exit 0, clean
// shutdown marker), unknown keys as warnings.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/api_versions.h"
#include "tests/support/broker_process.h"
#include "tests/support/kafka_probe.h"
#include "tests/support/raw_client.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker::testing {
namespace {

using namespace std::chrono_literals;
using test_support::run_command;

std::string binary() { return test_support::default_broker_binary().string(); }

test_support::command_result run(std::vector<std::string> args) {
    args.insert(args.begin(), binary());
    test_support::command_options o;
    o.timeout = 10s;
    return run_command(args, o);
}

size_t lines(const std::string& s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

TEST(samsa_broker_cli, bad_value_is_one_line_and_exit_2) {
    auto r = run({"--override", "num.partitions=abc"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(r.err, "samsa-broker: error: num.partitions: 'abc' is not an integer\n");
}

TEST(samsa_broker_cli, unreadable_file_is_exit_2) {
    auto r = run({"/nonexistent/server.properties"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("/nonexistent/server.properties"), std::string::npos);
}

TEST(samsa_broker_cli, bad_value_in_a_file_is_exit_2) {
    test_support::temp_dir dir("cli");
    const auto path = dir / "server.properties";
    std::ofstream(path) << "# test\nlisteners=PLAINTEXT://127.0.0.1:0\nmessage.max.bytes = lots\n";
    auto r = run({path.string()});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(r.err, "samsa-broker: error: message.max.bytes: 'lots' is not an integer\n");
}

TEST(samsa_broker_cli, bad_command_lines_are_exit_2) {
    EXPECT_EQ(run({"--no-such-option"}).exit_code, 2);
    EXPECT_EQ(run({"--override", "novalue"}).exit_code, 2);
    EXPECT_EQ(run({"--override", "listeners=HTTP://x:1"}).exit_code, 2);
}

TEST(samsa_broker_cli, help_exits_0) {
    auto r = run({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("--override"), std::string::npos);
}

TEST(samsa_broker_process, starts_fast_warns_on_unknown_keys_and_stops_cleanly) {
    test_support::broker_process broker(
        test_support::broker_options_builder().override_config("no.such.key", "1").start_timeout(10s));
    ASSERT_TRUE(broker.start()) << broker.failure() << broker.log_tail();
    EXPECT_LT(broker.last_start_duration(), 2s);  // generous: the machine is shared
    auto status = broker.stop();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0) << broker.log_tail();
    std::string log = broker.log_text();
    EXPECT_NE(log.find("no.such.key"), std::string::npos) << log;
    EXPECT_NE(log.find("samsa-broker started"), std::string::npos) << log;
    EXPECT_TRUE(std::filesystem::exists(broker.data_dir() / "data" / ".kafka_cleanshutdown")) << log;
    EXPECT_TRUE(std::filesystem::exists(broker.data_dir() / "data" / "meta.properties"));
}

// samsa.bound.listeners.file: every listener on port 0, all of them served
// when start() returns (the broker reports them after the last one listens),
// the same ports after a restart.
TEST(samsa_broker_process, reports_every_bound_listener_once_all_accept) {
    test_support::broker_process broker(
        test_support::broker_options_builder()
            .extra_listener("INTERNAL")
            .override_config("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"));
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t internal = broker.listener_port("INTERNAL");
    ASSERT_NE(internal, 0);
    EXPECT_NE(internal, broker.port());
    for (uint16_t port : {broker.port(), internal}) {
        test_support::raw_client c(port);  // at once: no waiting, no retry
        ASSERT_TRUE(c.connected()) << c.connect_error();
        auto versions = c.call<protocol::api_versions_response>(protocol::api_versions_request{}, 3);
        ASSERT_TRUE(versions) << versions.error().message;
        EXPECT_EQ(versions->error_code, protocol::error_code::none);
    }
    // kafka_probe (on the raw client): Metadata v0 answered on each listener.
    for (uint16_t port : {broker.port(), internal}) {
        auto probe = test_support::metadata_v0_round_trip(port, 5s);
        EXPECT_TRUE(probe.ok) << probe.error;
        EXPECT_GT(probe.body_size, 4);
    }
    std::ifstream report(broker.bound_listeners_path());
    std::stringstream text;
    text << report.rdbuf();
    EXPECT_EQ(text.str(), "PLAINTEXT://127.0.0.1:" + std::to_string(broker.port()) + "\nINTERNAL://127.0.0.1:" +
                              std::to_string(internal) + "\n");

    ASSERT_TRUE(broker.restart()) << broker.failure();
    EXPECT_EQ(broker.listener_port("INTERNAL"), internal);
    test_support::raw_client again(internal);
    EXPECT_TRUE(again.connected()) << again.connect_error();
}

TEST(samsa_broker_process, an_unwritable_bound_listeners_file_is_exit_1) {
    test_support::temp_dir dir("cli");
    auto r = run({"--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override", "log.dirs=" + (dir / "data").string(),
                  "--override", "samsa.bound.listeners.file=" + (dir / "no-such-dir" / "ports").string()});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("samsa.bound.listeners.file"), std::string::npos) << r.err;
}

TEST(samsa_broker_process, port_in_use_is_exit_1) {
    test_support::broker_process first;
    ASSERT_TRUE(first.start()) << first.failure();
    test_support::temp_dir dir("cli");
    auto r = run({"--override", "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(first.port()), "--override",
                  "log.dirs=" + dir.string()});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
}

TEST(samsa_broker_process, a_log_dir_in_use_is_exit_1) {
    test_support::broker_process first;
    ASSERT_TRUE(first.start()) << first.failure();
    auto r = run({"--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override",
                  "log.dirs=" + (first.data_dir() / "data").string()});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
    // The first broker's dir was not touched: it still stops cleanly.
    EXPECT_EQ(first.stop(), 0) << first.log_tail();
}

}  // namespace
}  // namespace samsa::broker::testing
