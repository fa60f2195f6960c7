#pragma once
// What the command groups (topics, produce, consume, groups) share: where they
// read and write, their exit statuses, and how a failure is reported.
//
// Exit statuses: 0 success, 1 the operation failed (cluster unreachable, topic
// missing, broker said no), 2 the command line is wrong, 130 interrupted.

#include <atomic>
#include <iosfwd>
#include <string>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

struct command_io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

// "samsa: error: <message>" on err; returns exit_failure, or exit_usage for
// errc::invalid_argument raised while checking arguments (usage == true).
int report(command_io& io, const error& e, bool usage = false);

// Set by SIGINT/SIGTERM (main installs the handler); long-running commands
// (consume) poll it and end cleanly, committing what they printed.
std::atomic<bool>& stop_requested();

// Columns aligned with spaces, like Kafka's tools print their tables.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace samsa::cli
