#pragma once
// child_process: a long-running program a test starts and stops itself (the
// web console, a streams application), unlike run_command's bounded runs.
// Its stdout and stderr go to a log file; it dies with the test
// (PR_SET_PDEATHSIG). The destructor kills (SIGKILL) what is left.
//
// Thread: the test's; not thread-safe.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace samsa::test_support {

class child_process {
public:
    enum class log_mode { truncate, append };

    child_process() = default;
    ~child_process() { kill9(); }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // Forks and execs argv[0] (a path); false when the log cannot be opened
    // or fork fails. A program that cannot be executed exits 127.
    bool spawn(std::vector<std::string> argv, const std::filesystem::path& log, log_mode mode);
    // False once the child has exited (it is reaped then).
    bool running();
    // SIGTERM and a bounded wait: the exit status (128+signal when a signal
    // ended it); nullopt when not running or it had to be killed (SIGKILL).
    std::optional<int> terminate(std::chrono::milliseconds timeout);
    // SIGKILL and reap; nothing when not running.
    void kill9();

private:
    pid_t pid_ = -1;
};

// The whole text of a file ("" when it cannot be read): a child's log.
std::string file_text(const std::filesystem::path& path);

}  // namespace samsa::test_support
