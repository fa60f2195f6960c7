#pragma once
// broker_app: a whole samsa-broker — logs opened, listeners bound, the I/O
// loop — as main() runs it and as in-process tests run it.
//
//   auto app = broker_app::start(config);  // main thread: open, bind
//   app->run();                            // this thread becomes the I/O thread
//   app->stop();                           // any thread (signal, test)
//
// When every listener is bound and the signal handlers are in place, start()
// writes the bound listeners (one NAME://host:port line each, real ports,
// in `listeners` order; then the metrics endpoint's http://host:port when
// samsa.metrics.listener is set) to samsa.bound.listeners.file if it is set,
// by an atomic rename: a program that started the broker on port 0 waits for
// that file and reads every port from it (tests/support/broker_process.h).
//
// Shutdown (stop(), SIGTERM, SIGINT): stop accepting; answer parked fetches;
// let every connection write what it owes, then close it (at most 5 s);
// flush and close every log and write the clean shutdown marker. run()
// returns after that.
//
// Thread: start() and run() on one thread, which is the I/O thread while
// run() runs; stop() from any thread.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "samsa/base/result.h"
#include "samsa/broker/config/broker_config.h"

namespace samsa::broker {

class broker;
class dir_lock;
class dispatcher;
class server;
namespace metrics {
class metrics_endpoint;
}  // namespace metrics

class broker_app {
public:
    static result<std::unique_ptr<broker_app>> start(broker_config config, bool handle_signals = true);
    ~broker_app();

    // Listeners with their real ports (port 0 in the config takes a free one).
    const std::vector<listener>& bound_listeners() const;
    // Runs until stopped; the status is 0 after a clean shutdown.
    int run();
    void stop();

private:
    broker_app() = default;
    void begin_shutdown();
    void wait_for_connections(std::chrono::steady_clock::time_point deadline);
    void schedule_flush();
    // Any thread: the /metrics text, made on the I/O thread.
    std::future<std::string> scrape_on_io_thread();

    broker_config config_;
    std::vector<std::unique_ptr<dir_lock>> locks_;
    asio::io_context io_{1};
    std::unique_ptr<broker> broker_;
    std::unique_ptr<dispatcher> dispatcher_;
    std::unique_ptr<server> server_;
    // After server_ and broker_: destroyed (HTTP thread joined) before them.
    std::unique_ptr<metrics::metrics_endpoint> metrics_;
    std::unique_ptr<asio::signal_set> signals_;
    std::unique_ptr<asio::steady_timer> flush_timer_;
    std::unique_ptr<asio::steady_timer> shutdown_timer_;
    bool shutting_down_ = false;
    int status_ = 0;
};

}  // namespace samsa::broker
