#pragma once
// metrics_endpoint: the HTTP side of samsa.metrics.listener. GET /metrics
// answers the Prometheus text (Content-Type text/plain; version=0.0.4); any
// other path is 404, any other method 405 (cpp-httplib's answers).
//
// Thread: cpp-httplib's own thread (and a small worker pool) serves HTTP.
// The broker's state belongs to its I/O thread, so the endpoint never reads
// it: each request calls `scrape`, which posts the work to the I/O thread
// and returns a future (broker_app.cc); the worker waits for it, a bounded
// time, and answers 503 when the broker is stopping or too busy to answer.
// start() binds on the caller's thread, so a port in use is a start-up
// error; stop() may be called from any thread; the destructor joins.

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "samsa/base/result.h"
#include "samsa/broker/metrics/metrics_listener.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace samsa::broker::metrics {

class metrics_endpoint {
public:
    using scrape_fn = std::function<std::future<std::string>()>;
    static constexpr std::chrono::seconds scrape_timeout{10};

    static result<std::unique_ptr<metrics_endpoint>> start(const metrics_listener& where, scrape_fn scrape);
    ~metrics_endpoint();
    metrics_endpoint(const metrics_endpoint&) = delete;
    metrics_endpoint& operator=(const metrics_endpoint&) = delete;

    // The listener with the port actually bound (port 0 takes a free one).
    const metrics_listener& bound() const { return bound_; }
    // Stops accepting; requests waiting for a scrape answer 503.
    void stop();

private:
    explicit metrics_endpoint(scrape_fn scrape);
    std::string answer_or_empty();

    scrape_fn scrape_;
    metrics_listener bound_;
    std::unique_ptr<httplib::Server> server_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace samsa::broker::metrics
