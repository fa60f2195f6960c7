#pragma once
// broker_test: the GoogleTest fixture for end-to-end tests. Each test gets its
// own samsa-broker process (tests/support/broker_process.h) on a free loopback
// port with a fresh data dir, so tests run in parallel under ctest -j and never
// see each other's topics. On failure, the tail of the broker's log is printed.
//
// Stock clients are run as child processes with hard time limits:
//   auto r = run_kcat({"-L", "-J"});            // -b <bootstrap> is added
//   EXPECT_COMMAND_OK(r);                       // shows the command's output on failure
//   run_python("confluent_roundtrip.py", {...}) // tests/clients/python/, bootstrap first
//   run_node("kafkajs_produce.js", {...})       // tests/clients/node/, bootstrap first
//
// Thread: the test's main thread.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"
#include "tests/support/run_command.h"

#define EXPECT_COMMAND_OK(r) EXPECT_TRUE((r).ok()) << (r).describe()
#define ASSERT_COMMAND_OK(r) ASSERT_TRUE((r).ok()) << (r).describe()

namespace samsa::e2e {

// The e2e tests are written in terms of the support library's vocabulary
// (record, produce, read_all, command_result, ...).
using namespace samsa::test_support;
using namespace std::chrono_literals;

// tests/clients/<kind> in the source tree ($SAMSA_SOURCE_DIR).
std::filesystem::path clients_dir(const std::string& kind);
// The Debian python with python3-kafka and python3-confluent-kafka; a pyenv or
// venv python earlier in PATH would not have them.
inline constexpr const char* system_python = "/usr/bin/python3";

class broker_test : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Override to start the broker with other settings (overrides, timeouts).
    virtual test_support::broker_options make_broker_options() const { return {}; }

    test_support::broker_process& broker() { return *broker_; }
    std::string bootstrap() const { return broker_->bootstrap(); }

    // kcat with "-b <bootstrap>" prepended to args.
    command_result run_kcat(std::vector<std::string> args, std::string stdin_data = {},
                            std::chrono::milliseconds timeout = 30s);
    // /usr/bin/python3 tests/clients/python/<script> <bootstrap> args...
    command_result run_python(const std::string& script, std::vector<std::string> args = {},
                              std::chrono::milliseconds timeout = 120s);
    // node tests/clients/node/<script> <bootstrap> args...; fails the test (and
    // returns exit 127) when kafkajs is not installed there.
    command_result run_node(const std::string& script, std::vector<std::string> args = {},
                            std::chrono::milliseconds timeout = 120s);

private:
    std::unique_ptr<test_support::broker_process> broker_;
};

}  // namespace samsa::e2e
