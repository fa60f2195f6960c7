#include "tests/cli/console/console_process.h"

#include <charconv>
#include <string_view>
#include <thread>

#include "tests/support/broker_process.h"

namespace samsa::cli::testing {
namespace {

// The port from the console's "listening on http://HOST:PORT/" line; 0 while
// the line is not (wholly) written yet.
uint16_t listening_port(const std::string& log) {
    constexpr std::string_view marker = "listening on http://";
    auto at = log.find(marker);
    if (at == std::string::npos) return 0;
    auto colon = log.find(':', at + marker.size());
    auto slash = colon == std::string::npos ? std::string::npos : log.find('/', colon);
    if (slash == std::string::npos) return 0;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(log.data() + colon + 1, log.data() + slash, value);
    if (ec != std::errc{} || end != log.data() + slash || value == 0 || value > 65535) return 0;
    return static_cast<uint16_t>(value);
}

}  // namespace

console_process::console_process(std::vector<std::string> args, std::filesystem::path log)
    : args_(std::move(args)), log_(std::move(log)) {}

bool console_process::start(std::chrono::milliseconds timeout) {
    if (!child_.spawn(args_, log_, test_support::child_process::log_mode::truncate)) return false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        if (port_ == 0) port_ = listening_port(log_text());
        if (port_ != 0 && test_support::port_accepts(port_, std::chrono::milliseconds(200))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace samsa::cli::testing
