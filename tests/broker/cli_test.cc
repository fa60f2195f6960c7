// The real samsa-broker binary: command line, configuration errors (one line
// on stderr, exit status 2), clean shutdown on SIGTERM (exit 0, clean
// shutdown marker), unknown keys as warnings.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/broker_process.h"
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
