#include <cstdio>
#include <memory>
#include <vector>

#include "bench/broker/scale_single.h"
#include "samsa/protocol/messages/api_versions.h"

namespace samsa::bench::scale {

using namespace std::chrono_literals;

connections_result measure_connections(const broker_settings& settings, int n) {
    connections_result r;
    // Each connection is a descriptor here and one in the broker (which
    // raises its own soft limit to the hard one it inherits from us).
    const uint64_t limit = raise_fd_limit();
    if (limit < static_cast<uint64_t>(n) + 100) {
        r.skipped = "RLIMIT_NOFILE hard limit " + std::to_string(limit) + " < " + std::to_string(n) +
                    " connections + 100 (raise it: ulimit -Hn, /etc/security/limits.conf)";
        return r;
    }
    auto broker = make_broker(settings);
    r.error = start_with_topic(*broker, "scale-connections");
    if (!r.error.empty()) return r;
    ts::raw_client probe(broker->port(), 30s);
    auto one = metadata_one_frame("scale-connections");
    r.metadata_idle = time_round_trips(probe, one, 300, 10s);
    r.idle_rss_kib = settled_rss_kib(broker->pid());

    std::vector<std::unique_ptr<ts::raw_client>> clients;
    clients.reserve(static_cast<size_t>(n));
    protocol::api_versions_request hello;
    hello.client_software_name = "samsa-bench-scale";
    hello.client_software_version = "1";
    auto t0 = clock::now();
    const auto deadline = t0 + 300s;
    for (int i = 0; i < n && clock::now() < deadline; ++i) {
        auto c = std::make_unique<ts::raw_client>(broker->port(), 30s);
        if (!c->connected()) {
            r.error = "connection " + std::to_string(i) + ": " + c->connect_error();
            break;
        }
        auto answer = c->call<protocol::api_versions_response>(hello, 3);
        if (!answer) {
            r.error = "ApiVersions on connection " + std::to_string(i) + ": " + answer.error().message;
            break;
        }
        clients.push_back(std::move(c));
    }
    r.open_ms = ms_since(t0);
    r.opened = static_cast<int>(clients.size());
    r.open_rss_kib = settled_rss_kib(broker->pid());
    r.open_fds = open_fds(broker->pid());
    r.metadata_loaded = time_round_trips(probe, one, 300, 10s);
    clients.clear();
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
