// samsa-broker [server.properties] [--override key=value ...]
//
// Starts a single-node Kafka-protocol broker, as kafka-server-start.sh does.
// Exit status: 0 after a clean shutdown (SIGTERM/SIGINT), 2 for a bad
// command line, configuration value or unreadable file, 1 when the broker
// cannot start (port in use, log dir not writable) or fails while running.
//
// Thread: main() becomes the broker's single I/O thread.

#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "samsa/base/log.h"
#include "samsa/broker/broker_app.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/config/properties.h"
#include "samsa/broker/file_limit.h"
#include "samsa/version.h"

namespace {

int config_error(const std::string& message) {
    std::fprintf(stderr, "samsa-broker: error: %s\n", message.c_str());
    return 2;
}

// Request frames and fetch reads are buffers of up to a few MiB, one or more
// per request. glibc serves those from fresh mmap()s by default, so every
// request paid a page fault per 4 KiB touched (a third of the broker's time
// when serving 1 MiB fetches). Keep them on the heap, where freed buffers are
// reused while warm; the cost is that RSS stays at its high-water mark.
void keep_large_buffers_on_the_heap() {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace

int main(int argc, char** argv) {
    keep_large_buffers_on_the_heap();
    CLI::App app{"samsa-broker: a single-node broker that speaks the Kafka protocol.\n"
                 "Reads Kafka's server.properties keys; --override sets one key (repeatable)."};
    app.name("samsa-broker");
    app.set_version_flag("--version", "samsa-broker " + std::string(samsa::version_string));
    std::string file;
    std::vector<std::string> overrides;
    app.add_option("config", file, "a server.properties file (optional)");
    app.add_option("--override", overrides, "key=value, overriding the file (repeatable)")
        ->allow_extra_args(false)
        ->type_name("KEY=VALUE");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return config_error(e.what());
    }

    samsa::broker::properties props;
    if (!file.empty()) {
        auto read = samsa::broker::read_properties_file(file);
        if (!read) return config_error(read.error().message);
        props = std::move(*read);
    }
    auto loaded = samsa::broker::load_broker_config(props, overrides);
    if (!loaded) return config_error(loaded.error().message);

    samsa::log::init(loaded->config.log_level);
    for (const auto& w : loaded->warnings) spdlog::warn("{}", w);
    auto limits = samsa::broker::raise_open_file_limit();
    samsa::broker::cap_open_segment_files(loaded->config.log_max_open_files, limits);

    try {
        auto started = samsa::broker::broker_app::start(std::move(loaded->config));
        if (!started) {
            spdlog::critical("samsa-broker cannot start: {}", started.error().message);
            return 1;
        }
        return (*started)->run();
    } catch (const std::exception& e) {
        spdlog::critical("samsa-broker failed: {}", e.what());
        return 1;
    }
}
