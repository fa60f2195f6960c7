#include "samsa/cli/console/console_command.h"

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "samsa/cli/console/cluster.h"
#include "samsa/cli/console/http_routes.h"
#include "samsa/cli/console/lag_history.h"
#include "samsa/cli/console/url_fetch.h"
#include "samsa/cli/console/topology_store.h"

namespace samsa::cli::console {

namespace {

status load_topology_file(topology_store& store, const std::string& spec) {
    auto kv = parse_key_value(spec, "--topology");
    if (!kv) return kv.error();
    if (is_http_url(kv->second)) {
        if (auto s = store.put_url(kv->first, kv->second); !s) {
            return make_error(errc::invalid_argument, fmt::format("--topology {}: {}", kv->first, s.error().message));
        }
        return ok();
    }
    std::ifstream in(kv->second, std::ios::binary);
    if (!in) return make_error(errc::invalid_argument, fmt::format("--topology {}: cannot read '{}'", kv->first, kv->second));
    std::stringstream text;
    text << in.rdbuf();
    if (auto s = store.put(kv->first, text.str()); !s) {
        return make_error(errc::invalid_argument, fmt::format("--topology {}: {}", kv->first, s.error().message));
    }
    return ok();
}

status add_metrics_url(topology_store& store, const std::string& spec) {
    auto kv = parse_key_value(spec, "--metrics");
    if (!kv) return kv.error();
    if (!is_http_url(kv->second)) {
        return make_error(errc::invalid_argument,
                          fmt::format("--metrics {}: '{}' is not an http:// URL", kv->first, kv->second));
    }
    store.put_metrics_url(kv->first, kv->second);
    return ok();
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Samples every group's lag each interval until SIGINT/SIGTERM. A cluster that
// does not answer just leaves a gap in the chart.
void sample_lag_until_stopped(cluster& kafka, lag_history& lags, std::chrono::milliseconds interval) {
    auto next = std::chrono::steady_clock::now();
    while (!stop_requested().load()) {
        if (std::chrono::steady_clock::now() >= next) {
            if (auto sample = kafka.group_lags()) lags.record(now_ms(), *sample);
            next = std::chrono::steady_clock::now() + interval;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace

result<listen_address> parse_listen_address(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        return make_error(errc::invalid_argument, fmt::format("--listen '{}': expected HOST:PORT", text));
    }
    listen_address out{text.substr(0, colon), 0};
    if (out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
    auto port = parse_non_negative(text.substr(colon + 1), "port");
    if (!port || *port > 65535) return make_error(errc::invalid_argument, fmt::format("--listen '{}': bad port", text));
    out.port = static_cast<int>(*port);
    return out;
}

CLI::App* add_console_command(CLI::App& app, console_args& args, connection_options& connection) {
    args.command = app.add_subcommand("console", "serve a web console: topics, records, groups and lag, brokers, topologies");
    add_connection_options(*args.command, connection);
    args.command->add_option("--listen", args.listen, "HOST:PORT to serve on (port 0: any free port)")->capture_default_str();
    args.command->add_option("--topology", args.topologies,
                             "NAME=FILE or NAME=URL: a streams application's Topology#describe() text to draw, from a file or "
                             "read from the running application's http:// URL each time it is shown (repeatable)");
    args.command->add_option("--metrics", args.metrics,
                             "NAME=URL: where streams application NAME serves Prometheus metrics (samsa.metrics.listener, "
                             "or a JMX exporter): the topology shows records/s per processor node (repeatable)");
    args.command->add_option("--lag-interval-ms", args.lag_interval_ms, "how often group lag is sampled for the chart")
        ->capture_default_str()->check(CLI::Range(int64_t{100}, int64_t{3600000}));
    args.command->add_option("--lag-window-minutes", args.lag_window_minutes, "how much lag history the chart keeps")
        ->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{24 * 60}));
    return args.command;
}

int run_console(const console_args& args, const connection_options& connection, command_io& io) {
    auto address = parse_listen_address(args.listen);
    if (!address) return report(io, address.error(), true);
    auto config = make_client_config(connection);
    if (!config) return report(io, config.error(), true);
    topology_store topologies([](const std::string& url) { return fetch_url_text(url); });
    for (const auto& spec : args.topologies) {
        if (auto s = load_topology_file(topologies, spec); !s) return report(io, s.error(), true);
    }
    for (const auto& spec : args.metrics) {
        if (auto s = add_metrics_url(topologies, spec); !s) return report(io, s.error(), true);
    }
    cluster kafka(*config);
    lag_history lags(std::chrono::minutes(args.lag_window_minutes));
    console_state state{kafka, lags, topologies};

    httplib::Server server;
    install_routes(server, state);
    int port = address->port;
    if (port == 0) port = server.bind_to_any_port(address->host);
    else if (!server.bind_to_port(address->host, port)) port = -1;
    if (port <= 0) {
        return report(io, make_error(errc::io_error, fmt::format("cannot listen on {} (in use, or not an address of this host)",
                                                                 args.listen)));
    }
    std::thread serving([&server] { server.listen_after_bind(); });
    io.out << fmt::format("samsa console: listening on http://{}:{}/ (cluster {})\n", address->host, port,
                          config->bootstrap)
           << std::flush;
    sample_lag_until_stopped(kafka, lags, std::chrono::milliseconds(args.lag_interval_ms));
    server.stop();
    serving.join();
    return exit_ok;
}

}  // namespace samsa::cli::console
