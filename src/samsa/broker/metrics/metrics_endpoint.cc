#include "samsa/broker/metrics/metrics_endpoint.h"

#include <sys/socket.h>

#include <httplib.h>
#include <spdlog/spdlog.h>

namespace samsa::broker::metrics {

namespace {

constexpr const char* content_type = "text/plain; version=0.0.4; charset=utf-8";
// Scrapes are rare and quick; a couple of workers let one slow client not
// block the next scrape.
constexpr size_t http_workers = 2;
constexpr auto wait_step = std::chrono::milliseconds(50);

// SO_REUSEADDR only: a restarted process binds again past TIME_WAIT.
// cpp-httplib's default is SO_REUSEPORT, with which a second process binds
// the same port without error and the kernel splits the scrapes between them.
void reuse_address_only(socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

}  // namespace

metrics_endpoint::metrics_endpoint(scrape_fn scrape) : scrape_(std::move(scrape)) {}

result<std::unique_ptr<metrics_endpoint>> metrics_endpoint::start(const metrics_listener& where, scrape_fn scrape) {
    auto endpoint = std::unique_ptr<metrics_endpoint>(new metrics_endpoint(std::move(scrape)));
    endpoint->server_ = std::make_unique<httplib::Server>();
    httplib::Server& server = *endpoint->server_;
    server.new_task_queue = [] { return new httplib::ThreadPool(http_workers); };
    server.set_socket_options(reuse_address_only);
    server.Get("/metrics", [raw = endpoint.get()](const httplib::Request&, httplib::Response& res) {
        std::string text = raw->answer_or_empty();
        if (text.empty()) {
            res.status = 503;
            res.set_content("the broker did not answer in time or is stopping\n", "text/plain");
            return;
        }
        res.set_content(std::move(text), content_type);
    });
    endpoint->bound_ = where;
    if (where.port == 0) {
        const int port = server.bind_to_any_port(where.host);
        if (port <= 0) return make_error(errc::io_error, "samsa.metrics.listener: cannot bind " + where.to_string());
        endpoint->bound_.port = static_cast<uint16_t>(port);
    } else if (!server.bind_to_port(where.host, where.port)) {
        return make_error(errc::io_error, "samsa.metrics.listener: cannot bind " + where.to_string() +
                                              " (in use, or not an address of this host)");
    }
    endpoint->thread_ = std::thread([raw = endpoint.get()] { raw->server_->listen_after_bind(); });
    // cpp-httplib's stop() does nothing before the loop runs; wait for it so
    // that an early stop() cannot leave the thread listening forever.
    for (int i = 0; i < 400 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    spdlog::info("metrics: serving {}/metrics", endpoint->bound_.to_string());
    return endpoint;
}

metrics_endpoint::~metrics_endpoint() {
    stop();
    if (thread_.joinable()) thread_.join();
}

void metrics_endpoint::stop() {
    stopping_.store(true, std::memory_order_release);
    if (server_) server_->stop();
}

// Empty when the I/O thread did not answer: stopping, stopped (the posted
// work is dropped with the io_context: broken promise) or busy past the
// timeout. A metrics text is never empty (it always has the connection gauge).
std::string metrics_endpoint::answer_or_empty() {
    std::future<std::string> text = scrape_();
    const auto deadline = std::chrono::steady_clock::now() + scrape_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (text.wait_for(wait_step) == std::future_status::ready) {
            try {
                return text.get();
            } catch (const std::future_error&) {
                return {};
            }
        }
        if (stopping_.load(std::memory_order_acquire)) return {};
    }
    return {};
}

}  // namespace samsa::broker::metrics
