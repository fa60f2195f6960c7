#include "tests/e2e/broker_test.h"

#include <iostream>

namespace samsa::e2e {

std::filesystem::path clients_dir(const std::string& kind) {
    std::filesystem::path root = test_support::source_dir();
    if (root.empty()) {
        root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    }
    return root / "tests" / "clients" / kind;
}

void broker_test::SetUp() {
    broker_ = std::make_unique<test_support::broker_process>(make_broker_options());
    ASSERT_TRUE(broker_->start()) << "samsa-broker did not start: " << broker_->failure();
}

void broker_test::TearDown() {
    if (HasFailure() && broker_) {
        std::cerr << "broker: " << broker_->command_line() << "\n" << broker_->log_tail(80);
    }
    broker_.reset();
}

command_result broker_test::run_kcat(std::vector<std::string> args, std::string stdin_data,
                                     std::chrono::milliseconds timeout) {
    args.insert(args.begin(), {"kcat", "-b", bootstrap()});
    test_support::command_options options;
    options.timeout = timeout;
    options.stdin_data = std::move(stdin_data);
    return test_support::run_command(args, options);
}

command_result broker_test::run_python(const std::string& script, std::vector<std::string> args,
                                       std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{system_python, "-u", (clients_dir("python") / script).string(), bootstrap()};
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::command_options options;
    options.timeout = timeout;
    options.env["PYTHONDONTWRITEBYTECODE"] = "1";
    return test_support::run_command(argv, options);
}

command_result broker_test::run_node(const std::string& script, std::vector<std::string> args,
                                     std::chrono::milliseconds timeout) {
    auto dir = clients_dir("node");
    if (!std::filesystem::exists(dir / "node_modules" / "kafkajs")) {
        ADD_FAILURE() << "kafkajs is not installed in " << dir << ": run scripts/install-deps.sh";
        command_result missing;
        missing.exit_code = 127;
        return missing;
    }
    std::vector<std::string> argv{"node", (dir / script).string(), bootstrap()};
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::command_options options;
    options.timeout = timeout;
    options.working_dir = dir;
    return test_support::run_command(argv, options);
}

}  // namespace samsa::e2e
