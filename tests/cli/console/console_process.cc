#include "tests/cli/console/console_process.h"

#include <thread>

#include "tests/support/broker_process.h"

namespace samsa::cli::testing {

console_process::console_process(std::vector<std::string> args, std::filesystem::path log)
    : args_(std::move(args)), log_(std::move(log)) {}

bool console_process::start(uint16_t port, std::chrono::milliseconds timeout) {
    if (!child_.spawn(args_, log_, test_support::child_process::log_mode::truncate)) return false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        if (test_support::port_accepts(port, std::chrono::milliseconds(200))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace samsa::cli::testing
