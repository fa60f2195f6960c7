#pragma once
// console_process: `samsa console` as a child process of a test, on a port the
// test picked; its output goes to a log file. stop() sends SIGTERM (the
// console's clean end) and returns the exit status; the destructor kills what
// is left. The child dies with the test (PR_SET_PDEATHSIG).
//
// Thread: the test's; not thread-safe.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace samsa::cli::testing {

class console_process {
public:
    console_process(std::vector<std::string> args, std::filesystem::path log);
    ~console_process();
    console_process(const console_process&) = delete;
    console_process& operator=(const console_process&) = delete;

    // Spawns and waits (bounded) until the port accepts TCP; false when the
    // child exits or the wait times out.
    [[nodiscard]] bool start(uint16_t port, std::chrono::milliseconds timeout);
    bool running();
    // SIGTERM, a bounded wait, then SIGKILL; the exit status (128+signal when killed).
    std::optional<int> stop();
    std::string log_text() const;

private:
    std::vector<std::string> args_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
};

}  // namespace samsa::cli::testing
