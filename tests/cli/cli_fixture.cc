#include "tests/cli/cli_fixture.h"

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace samsa::cli::testing {

std::string samsa_binary() {
    const char* dir = std::getenv("SAMSA_BIN_DIR");
    return std::string(dir != nullptr ? dir : SAMSA_DEFAULT_BIN_DIR) + "/samsa";
}

command_result run_samsa(std::vector<std::string> args, std::string stdin_data, std::chrono::milliseconds limit) {
    args.insert(args.begin(), samsa_binary());
    test_support::command_options options;
    options.timeout = limit;
    options.stdin_data = std::move(stdin_data);
    return test_support::run_command(args, options);
}

void cli_integration_test::SetUpTestSuite() {
    // Outside ctest, find the broker next to the tool in this build.
    setenv("SAMSA_BIN_DIR", SAMSA_DEFAULT_BIN_DIR, 0);
}

void cli_integration_test::SetUp() {
    broker_ = std::make_unique<test_support::broker_process>();
    ASSERT_TRUE(broker_->start()) << "samsa-broker did not start: " << broker_->failure();
}

void cli_integration_test::TearDown() {
    if (HasFailure() && broker_) std::cerr << "broker log:\n" << broker_->log_tail(60);
    broker_.reset();
}

command_result cli_integration_test::samsa(std::vector<std::string> args, std::string stdin_data,
                                           std::chrono::milliseconds limit) {
    args.insert(args.end(), {"--bootstrap-server", bootstrap(), "--timeout", "10000"});
    return run_samsa(std::move(args), std::move(stdin_data), limit);
}

void cli_integration_test::create_topic(const std::string& topic, int partitions) {
    auto r = samsa({"topics", "create", "--topic", topic, "--partitions", std::to_string(partitions)});
    ASSERT_SAMSA_OK(r);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace samsa::cli::testing
