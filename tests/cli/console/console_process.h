#pragma once
// console_process: `samsa console` as a child process of a test, listening on
// a port it picked itself (`--listen 127.0.0.1:0`) and printed ("listening on
// http://HOST:PORT/"), so no test picks a port that someone else may take
// before the console binds it. Its output goes to a log file. stop() sends
// SIGTERM (the console's clean end) and returns the exit status; the
// destructor kills what is left. The child dies with the test
// (PR_SET_PDEATHSIG). The process itself is test_support::child_process; this
// adds reading the bound port.
//
// Thread: the test's; not thread-safe.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace samsa::cli::testing {

class console_process {
public:
    // args: the whole command line, with `--listen HOST:0`.
    console_process(std::vector<std::string> args, std::filesystem::path log);
    ~console_process() { (void)stop(); }
    console_process(const console_process&) = delete;
    console_process& operator=(const console_process&) = delete;

    // Spawns and waits (bounded) until the console says where it listens and
    // that port accepts TCP; false when the child exits or the wait times out.
    [[nodiscard]] bool start(std::chrono::milliseconds timeout);
    // The port it listens on; 0 before a successful start().
    uint16_t port() const { return port_; }
    bool running() { return child_.running(); }
    // SIGTERM and a bounded wait: the exit status; nullopt when it had to be killed.
    std::optional<int> stop() { return child_.terminate(std::chrono::seconds(20)); }
    std::string log_text() const { return test_support::file_text(log_); }

private:
    std::vector<std::string> args_;
    std::filesystem::path log_;
    test_support::child_process child_;
    uint16_t port_ = 0;
};

}  // namespace samsa::cli::testing
