#pragma once
// cli_integration_test: a fixture that starts one real samsa-broker per test
// (tests/support/broker_process.h) and runs the real `samsa` binary against it
// with a hard time limit:
//
//   auto r = samsa({"topics", "create", "--topic", "t", "--partitions", "3"});
//   EXPECT_SAMSA_OK(r);
//
// The binaries are found in $SAMSA_BIN_DIR (set by ctest; the build's bin/
// otherwise). Suites using it are named cli_integration* so that ctest labels
// them `integration`.
//
// Thread: the test's main thread.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

#define EXPECT_SAMSA_OK(r) EXPECT_TRUE((r).ok()) << (r).describe()
#define ASSERT_SAMSA_OK(r) ASSERT_TRUE((r).ok()) << (r).describe()

namespace samsa::cli::testing {

using test_support::command_result;
using namespace std::chrono_literals;

// $SAMSA_BIN_DIR/samsa.
std::string samsa_binary();

// Runs samsa with `args` (no broker added), stdin_data on its stdin.
command_result run_samsa(std::vector<std::string> args, std::string stdin_data = {},
                         std::chrono::milliseconds limit = 60s);

class cli_integration_test : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    void SetUp() override;
    void TearDown() override;

    std::string bootstrap() const { return broker_->bootstrap(); }

    // samsa <args> --bootstrap-server <broker> --timeout 10000, with a hard limit.
    command_result samsa(std::vector<std::string> args, std::string stdin_data = {},
                         std::chrono::milliseconds limit = 60s);
    // Creates a topic through the tool; fails the test when that fails.
    void create_topic(const std::string& topic, int partitions);

private:
    std::unique_ptr<test_support::broker_process> broker_;
};

// The lines of a command's output.
std::vector<std::string> lines(const std::string& text);

}  // namespace samsa::cli::testing
