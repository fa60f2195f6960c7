// order-mail: the seed's order-mail Kafka Streams application
// (apps/order_mail/README.md). Runs until SIGINT or SIGTERM, then closes
// cleanly: tasks commit, stores flush and checkpoint.
//
//   order-mail --bootstrap-server localhost:9092 [--application-id order-mail] [--state-dir DIR]
//              [--config key=value ...] [--http host:port]
//   --http host:port  answers GET /customers/{id}, GET /metrics and GET /topology
//                     (port 0: any free port, printed in the log)
//                     (Prometheus text; customer_query_server.h);
//                     host:port is also advertised as application.server
//                     unless --config application.server=... says otherwise
//   order-mail --describe      prints the topology as Kafka Streams does, and exits
//   order-mail --dot           prints it for Graphviz (dot -Tsvg), and exits

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "order_mail/customer_query_server.h"
#include "order_mail/topology.h"
#include "samsa/base/log.h"
#include "samsa/streams/kafka_streams.h"

namespace {

using namespace samsa::apps::order_mail;
namespace streams = samsa::streams;

struct arguments {
    std::string bootstrap = "localhost:9092";
    std::string application_id = default_application_id;
    std::string state_dir;
    std::vector<std::string> configs;
    std::string http;
    bool describe = false;
    bool dot = false;
    std::string log_level = "info";
};

// Blocked in every thread (the stream threads inherit the mask), so that
// only main's sigtimedwait sees them and close() runs on a normal thread.
sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// Waits for SIGINT/SIGTERM, or for the application to stop by itself (a
// fatal error: state ERROR or NOT_RUNNING).
int wait_for_stop_signal(const streams::kafka_streams& app) {
    sigset_t set = stop_signals();
    timespec tick{0, 200'000'000};
    while (true) {
        int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) return sig;
        auto s = app.state();
        if (s == streams::streams_state::error || s == streams::streams_state::not_running) return 0;
    }
}

int run(const arguments& args) {
    auto properties = order_mail_properties(args.bootstrap, args.application_id, args.state_dir);
    for (const auto& kv : args.configs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "order-mail: --config expects key=value, got '" << kv << "'\n";
            return 2;
        }
        properties[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    customer_query_server http;
    std::string http_address;  // host:port bound, the instance's application.server
    if (!args.http.empty()) {
        auto colon = args.http.rfind(':');
        int port = -1;
        if (colon != std::string::npos) {
            const char* first = args.http.data() + colon + 1;
            const char* last = args.http.data() + args.http.size();
            auto [end, ec] = std::from_chars(first, last, port);
            if (ec != std::errc{} || end != last || first == last || port > 65535) port = -1;
        }
        if (port >= 0) port = http.bind(args.http.substr(0, colon), port);
        if (port <= 0) {
            std::cerr << "order-mail: cannot listen for HTTP on '" << args.http << "'\n";
            return 2;
        }
        http_address = args.http.substr(0, colon) + ":" + std::to_string(port);
        properties.emplace("application.server", http_address);
    }
    auto topology = build_order_mail_topology();
    std::string topology_text = topology.describe().to_string();
    streams::kafka_streams app(std::move(topology), properties);
    app.set_state_listener([](streams::streams_state now, streams::streams_state before) {
        spdlog::info("[order-mail] state {} -> {}", streams::to_string(before), streams::to_string(now));
    });
    try {
        app.start();
    } catch (const streams::streams_exception& e) {
        std::cerr << "order-mail: cannot start against " << args.bootstrap << ": " << e.what()
                  << "\n  (are the topics CUSTOMER, CUSTOMER-ADDRESS, ORDER, ITEM and ORDER-MAIL there? ./init.sh "
                     "creates them)\n";
        app.close(std::chrono::seconds(10));
        return 1;
    }
    spdlog::info("[order-mail] running against {} as application.id {}; stop with Ctrl-C", args.bootstrap,
                 args.application_id);
    if (!http_address.empty()) {
        http.serve(app, std::move(topology_text));
        spdlog::info("[order-mail] GET http://{0}/customers/{{id}}, GET http://{0}/metrics, GET http://{0}/topology",
                     http_address);
    }
    int sig = wait_for_stop_signal(app);
    bool failed = app.state() == streams::streams_state::error;
    if (sig != 0) spdlog::info("[order-mail] {} received, closing", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http.stop();
    bool closed = app.close(std::chrono::seconds(30));
    if (!closed) spdlog::error("[order-mail] the stream threads did not stop within 30 s");
    if (failed) std::cerr << "order-mail: the application stopped after an error (see the log above)\n";
    return failed || !closed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    arguments args;
    CLI::App cli{"order-mail: the seed's order-mail demo on Samsa's Kafka Streams"};
    cli.add_option("--bootstrap-server", args.bootstrap, "Kafka bootstrap servers (host:port[,host:port])")
        ->capture_default_str();
    cli.add_option("--application-id", args.application_id, "application.id (group id, internal topic prefix)")
        ->capture_default_str();
    cli.add_option("--state-dir", args.state_dir, "state.dir for the RocksDB stores (default <tmp>/kafka-streams)");
    cli.add_option("--config", args.configs, "extra Kafka Streams property key=value (repeatable), e.g. "
                                             "consumer.security.protocol=SASL_SSL");
    cli.add_option("--http", args.http,
                   "host:port to answer GET /customers/{id} (interactive queries), GET /metrics and GET /topology on "
                   "(port 0: any free port)");
    cli.add_option("--log-level", args.log_level, "trace, debug, info, warn, error")->capture_default_str();
    cli.add_flag("--describe", args.describe, "print the topology (Kafka Streams' describe() text) and exit");
    cli.add_flag("--dot", args.dot, "print the topology for Graphviz and exit");
    CLI11_PARSE(cli, argc, argv);

    if (args.describe || args.dot) {
        auto t = build_order_mail_topology();
        std::cout << (args.dot ? t.to_dot() : t.describe().to_string());
        return 0;
    }
    samsa::log::init(args.log_level);
    sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    try {
        return run(args);
    } catch (const std::exception& e) {
        std::cerr << "order-mail: error: " << e.what() << "\n";
        return 1;
    }
}
