#pragma once
// run_command: runs another program (kcat, python3, node) as a child process
// with a hard time limit, feeds it stdin and collects its exit status, stdout and
// stderr. The child gets its own process group, so a timeout kills whatever it
// started too (node's workers, python's threads), and it dies with the caller
// (PR_SET_PDEATHSIG) if a test binary crashes.
//
// Thread: any; each call is self-contained. Safe to call while librdkafka's
// threads run (the child does only async-signal-safe work between fork and exec).

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace samsa::test_support {

struct command_options {
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    std::string stdin_data;
    std::filesystem::path working_dir;        // empty: the caller's
    std::map<std::string, std::string> env;   // added to (or replacing in) the caller's environment
};

struct command_result {
    int exit_code = -1;     // the exit status when the child exited normally
    int term_signal = 0;    // the signal that ended it, or 0
    bool timed_out = false; // killed by us at the deadline
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};

    bool ok() const { return !timed_out && term_signal == 0 && exit_code == 0; }
    // The command line, how it ended, and both streams: for failure messages.
    std::string describe() const;
    std::string command_line;
};

// Options with only a time limit: run_command(argv, within(30s)).
command_options within(std::chrono::milliseconds limit);

// A program this project builds: $SAMSA_BIN_DIR/name (CTest sets it), else
// name alone, looked up in PATH.
std::filesystem::path samsa_bin(const std::string& name);

// argv[0] is looked up in PATH when it has no slash. A program that cannot be
// started gives exit_code 127 and the reason in `err`.
command_result run_command(const std::vector<std::string>& argv, const command_options& options = {});

}  // namespace samsa::test_support
