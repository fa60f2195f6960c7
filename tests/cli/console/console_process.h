#pragma once
// console_process: `samsa console` as a child process of a test, on a port the
// test picked; its output goes to a log file. stop() sends SIGTERM (the
// console's clean end) and returns the exit status; the destructor kills what
// is left. The child dies with the test (PR_SET_PDEATHSIG). The process itself
// is test_support::child_process; this adds the console's port wait.
//
// Thread: the test's; not thread-safe.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace samsa::cli::testing {

class console_process {
public:
    console_process(std::vector<std::string> args, std::filesystem::path log);
    ~console_process() { (void)stop(); }
    console_process(const console_process&) = delete;
    console_process& operator=(const console_process&) = delete;

    // Spawns and waits (bounded) until the port accepts TCP; false when the
    // child exits or the wait times out.
    [[nodiscard]] bool start(uint16_t port, std::chrono::milliseconds timeout);
    bool running() { return child_.running(); }
    // SIGTERM and a bounded wait: the exit status; nullopt when it had to be killed.
    std::optional<int> stop() { return child_.terminate(std::chrono::seconds(20)); }
    std::string log_text() const { return test_support::file_text(log_); }

private:
    std::vector<std::string> args_;
    std::filesystem::path log_;
    test_support::child_process child_;
};

}  // namespace samsa::cli::testing
