#pragma once
// Logging: spdlog to stderr with levels. Use spdlog::info/warn/error directly;
// this header only sets the format once, in main().

#include <string_view>

#include <spdlog/spdlog.h>

namespace samsa::log {

// Points the default logger at stderr with "time level [component] message".
// level: trace, debug, info, warn, error, critical or off.
void init(std::string_view level = "info");

}  // namespace samsa::log
