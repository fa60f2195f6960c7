#pragma once
// samsa console: a web console for a Kafka cluster (topics, records, groups
// and lag, brokers and configs, streams topologies), served over HTTP.
//
//   samsa console --bootstrap-server localhost:9092 --listen 127.0.0.1:8080
//                 [--topology word-count=describe.txt|http://host:port/topology ...] [--lag-interval-ms 5000]
//                 [--lag-window-minutes 15] [--command-config admin.properties] [-X key=value]
//
// It prints "samsa console: listening on http://HOST:PORT/" once it accepts
// connections and serves until SIGINT/SIGTERM. The cluster may be down at
// start: each page then shows the error, and the next request tries again.
//
// Thread: main samples group lag (lag_history); httplib's threads serve.

#include <cstdint>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/options.h"

namespace CLI {
class App;
}

namespace samsa::cli::console {

struct console_args {
    std::string listen = "127.0.0.1:8080";
    std::vector<std::string> topologies;  // NAME=FILE or NAME=URL
    std::vector<std::string> metrics;     // NAME=URL (Prometheus text)
    int64_t lag_interval_ms = 5000;
    int64_t lag_window_minutes = 15;
    CLI::App* command = nullptr;
};

struct listen_address {
    std::string host;
    int port = 0;
};

// "HOST:PORT" (an IPv6 host in brackets: "[::1]:8080"); port 0 picks a free one.
result<listen_address> parse_listen_address(const std::string& text);

CLI::App* add_console_command(CLI::App& app, console_args& args, connection_options& connection);
int run_console(const console_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli::console
