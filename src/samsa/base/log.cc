#include "samsa/base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace samsa::log {

void init(std::string_view level) {
    auto logger = spdlog::stderr_color_mt("samsa");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    logger->set_level(spdlog::level::from_str(std::string(level)));
    spdlog::set_default_logger(std::move(logger));
}

}  // namespace samsa::log
