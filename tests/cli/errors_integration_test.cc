// The real `samsa` binary on bad arguments and unreachable brokers: a clear
// message, a non-zero exit status, and never a hang.

#include <future>
#include <thread>

#include "tests/cli/cli_fixture.h"

namespace samsa::cli::testing {
namespace {

using ::testing::HasSubstr;

// A loopback port nobody listens on.
std::string closed_address() { return "127.0.0.1:" + std::to_string(test_support::pick_free_port()); }

TEST(cli_integration_errors, unreachable_broker_fails_within_the_timeout) {
    const std::string address = closed_address();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"topics", "list"},
             {"topics", "create", "--topic", "t", "--partitions", "1"},
             {"produce", "--topic", "t"},
             {"consume", "--topic", "t", "--from-beginning"},
             {"groups", "list"},
         }) {
        auto full = args;
        full.insert(full.end(), {"--bootstrap-server", address, "--timeout", "1500"});
        auto r = run_samsa(full, "line\n", 20s);
        EXPECT_FALSE(r.timed_out) << r.describe();
        EXPECT_EQ(r.exit_code, 1) << r.describe();
        EXPECT_THAT(r.err, HasSubstr("cannot reach a Kafka broker at " + address)) << args.front();
        EXPECT_LT(r.elapsed, 10s) << r.describe();
    }
}

// Refused outright: told after --connect-grace (3 s), not after the whole --timeout.
TEST(cli_integration_errors, refused_connection_fails_fast_not_after_the_timeout) {
    const std::string address = closed_address();
    auto r = run_samsa({"topics", "list", "--bootstrap-server", address, "--timeout", "120000"}, {}, 90s);
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("cannot reach a Kafka broker at " + address + ": connection refused"));
    EXPECT_LT(r.elapsed, 60s) << r.describe();  // the old behaviour waited the 120 s
}

// A broker that opens its port while the command waits is used.
TEST(cli_integration_errors, a_broker_that_is_starting_is_waited_for) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    broker.stop();
    auto command = std::async(std::launch::async, [&] {
        return run_samsa({"topics", "list", "--bootstrap-server", broker.bootstrap(), "--connect-grace", "60000"}, {}, 90s);
    });
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(broker.restart()) << broker.failure();
    auto r = command.get();
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(cli_integration_errors, bad_arguments_exit_2_with_a_message) {
    auto r = run_samsa({"topics", "create", "--partitions", "3"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("--topic"));
    auto unknown = run_samsa({"consume", "--topic", "t", "--from-begining"});
    EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
    EXPECT_THAT(unknown.err, HasSubstr("--from-begining"));
    auto none = run_samsa({});
    EXPECT_EQ(none.exit_code, 2) << none.describe();
}

}  // namespace
}  // namespace samsa::cli::testing
