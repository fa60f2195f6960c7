#include "samsa/broker/broker_app.h"

#include <spdlog/spdlog.h>

#include "samsa/broker/broker.h"
#include "samsa/broker/dir_lock.h"
#include "samsa/broker/handlers/dispatcher.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/meta_properties.h"
#include "samsa/broker/metrics/metrics_endpoint.h"
#include "samsa/broker/metrics/scrape.h"
#include "samsa/broker/net/server.h"
#include "samsa/broker/security/listener_security.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/topics/topic_manager.h"
#include "samsa/storage/file.h"

namespace samsa::broker {

namespace {

constexpr auto drain_limit = std::chrono::seconds(5);
constexpr auto flush_check_interval = std::chrono::seconds(1);

server_limits server_limits_of(const broker_config& c, asio::io_context& io) {
    server_limits limits;
    limits.connection.max_frame_bytes = c.socket_request_max_bytes;
    limits.connection.idle_timeout = c.connections_max_idle;
    limits.connection.partial_frame_timeout = c.partial_frame_timeout;
    limits.queued_max_request_bytes = c.queued_max_request_bytes;
    limits.max_connections = c.max_connections;
    limits.max_connections_per_ip = c.max_connections_per_ip;
    // Overrides name addresses or hosts; the server compares addresses.
    for (const auto& [host, count] : c.max_connections_per_ip_overrides) {
        asio::error_code ec;
        auto address = asio::ip::make_address(host, ec);
        if (!ec) {
            limits.max_connections_per_ip_overrides[address.to_string()] = count;
            continue;
        }
        asio::ip::tcp::resolver resolver(io);
        auto found = resolver.resolve(host, "", ec);
        if (ec) spdlog::warn("max.connections.per.ip.overrides: cannot resolve {}: {}", host, ec.message());
        for (const auto& entry : found) {
            limits.max_connections_per_ip_overrides[entry.endpoint().address().to_string()] = count;
        }
    }
    return limits;
}

}  // namespace

result<std::unique_ptr<broker_app>> broker_app::start(broker_config config, bool handle_signals) {
    auto began = std::chrono::steady_clock::now();
    auto app = std::unique_ptr<broker_app>(new broker_app());
    app->config_ = std::move(config);
    const broker_config& c = app->config_;

    for (const auto& dir : c.log_dirs) {
        auto lock = dir_lock::acquire(dir);
        if (!lock) return lock.error();
        app->locks_.push_back(std::move(*lock));
    }
    auto meta = load_or_create_meta_properties(c.primary_log_dir(), c.node);
    if (!meta) return meta.error();
    auto topics = topic_manager::open(c);
    if (!topics) return topics.error();
    size_t topic_count = (*topics)->table().topics().size();

    app->broker_ = std::make_unique<broker>(c, app->io_, std::move(*meta), std::move(*topics));
    app->dispatcher_ = std::make_unique<dispatcher>(*app->broker_);
    app->server_ = std::make_unique<server>(app->io_, server_limits_of(c, app->io_), *app->dispatcher_);
    std::vector<std::shared_ptr<const security::listener_security>> security;
    for (const auto& l : c.listeners) {
        auto s = security::make_listener_security(c, l, &app->broker_->scram());
        if (!s) return s.error();
        security.push_back(std::move(*s));
    }
    // The metrics endpoint listens before the Kafka listeners: a client that
    // can connect to the broker can scrape it too (no start-up window where
    // the port answers and the metrics do not).
    if (c.metrics_listener) {
        auto endpoint = metrics::metrics_endpoint::start(*c.metrics_listener,
                                                         [raw = app.get()] { return raw->scrape_on_io_thread(); });
        if (!endpoint) return endpoint.error();
        app->metrics_ = std::move(*endpoint);
    }
    if (auto s = app->server_->listen(c.listeners, std::move(security)); !s) return s.error();

    // Advertise each listener's advertised entry (by name; else the first
    // advertised listener for the first bound one, or the bound listener
    // itself); a port 0 or empty host there takes the bound listener's.
    listener adv;
    for (size_t i = 0; i < app->server_->bound_listeners().size(); ++i) {
        const listener& bound = app->server_->bound_listeners()[i];
        listener a = i == 0 ? c.advertised_listeners.front() : bound;
        for (const auto& candidate : c.advertised_listeners) {
            if (candidate.name == bound.name) a = candidate;
        }
        if (a.port == 0) a.port = bound.port;
        if (a.host.empty() || a.host == "0.0.0.0") a.host = bound.host.empty() || bound.host == "0.0.0.0"
                                                                ? "localhost"
                                                                : bound.host;
        if (i == 0) {
            adv = a;
            app->broker_->set_advertised(a);
        }
        app->broker_->add_advertised(a);
    }

    if (handle_signals) {
        app->signals_ = std::make_unique<asio::signal_set>(app->io_, SIGINT, SIGTERM);
        app->signals_->async_wait([raw = app.get()](const asio::error_code& ec, int signo) {
            if (ec) return;
            spdlog::info("received {}, shutting down", signo == SIGINT ? "SIGINT" : "SIGTERM");
            raw->begin_shutdown();
        });
    }
    app->schedule_flush();

    // Every listener accepts connections from here on (listen() bound them
    // all); whoever started the broker with port 0 learns the ports now,
    // for all listeners at once, and from this broker rather than from
    // whichever process answers on a port.
    std::string where;
    for (const auto& l : app->server_->bound_listeners()) where += (where.empty() ? "" : ", ") + l.to_string();
    if (!c.bound_listeners_file.empty()) {
        std::string lines;
        for (const auto& l : app->server_->bound_listeners()) lines += l.to_string() + "\n";
        if (app->metrics_) lines += app->metrics_->bound().to_string() + "\n";
        if (auto s = storage::write_file_atomically(c.bound_listeners_file, lines); !s)
            return make_error(s.error().code, "samsa.bound.listeners.file: " + s.error().message);
    }

    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
    spdlog::info("samsa-broker started: listening on {} (advertised {}:{}), node {}, cluster {}, {} topic(s), "
                 "log dir {}, in {:.1f} ms",
                 where, adv.host, adv.port, c.node(), app->broker_->cluster_id(), topic_count, c.primary_log_dir(),
                 took.count() / 1000.0);
    return app;
}

broker_app::~broker_app() {
    // Members are destroyed in reverse order: the metrics endpoint, the
    // server (connections) before the broker (logs), and the io_context last.
    metrics_.reset();
    if (server_) server_->close_all();
}

const std::vector<listener>& broker_app::bound_listeners() const { return server_->bound_listeners(); }

// The same timer drives time-based flushes and log cleanup (retention,
// compaction: topic_manager::maintain), at the shorter of their intervals.
void broker_app::schedule_flush() {
    if (!flush_timer_) flush_timer_ = std::make_unique<asio::steady_timer>(io_);
    flush_timer_->expires_after(std::min<std::chrono::milliseconds>(flush_check_interval,
                                                                    broker_->topics().maintenance_interval()));
    flush_timer_->async_wait([this](const asio::error_code& ec) {
        if (ec || shutting_down_) return;
        const timestamp_ms now = broker::now();
        broker_->topics().maybe_flush(now);
        broker_->topics().maintain(now, [this](const std::string& topic, partition_id p, storage::partition_log& log) {
            const topic_metadata* meta = broker_->topics().find(topic);
            if (!meta) return;
            if (auto s = broker_->producers().state_for(topic, p, meta->id, log); !s)
                spdlog::error("{}", s.error().message);
        });
        broker_->snapshot_producers(false);
        schedule_flush();
    });
}

// The broker's state is the I/O thread's alone, so the HTTP worker does not
// read it: the scrape runs as one more handler on the I/O thread. A scrape
// that never runs (the loop stopped) drops the promise: a broken promise
// the endpoint answers 503.
std::future<std::string> broker_app::scrape_on_io_thread() {
    std::promise<std::string> text;
    auto future = text.get_future();
    asio::post(io_, [this, text = std::move(text)]() mutable {
        text.set_value(metrics::scrape(*broker_, server_->connection_count()));
    });
    return future;
}

int broker_app::run() {
    io_.run();
    // The loop has stopped: every connection is closed; snapshot the
    // producer state at the log ends, then close the logs.
    broker_->snapshot_producers(true);
    if (auto s = broker_->topics().close(); !s) {
        spdlog::error("closing the logs failed: {}", s.error().message);
        return 1;
    }
    spdlog::info("samsa-broker stopped cleanly");
    return status_;
}

void broker_app::stop() {
    asio::post(io_, [this] { begin_shutdown(); });
}

void broker_app::begin_shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    broker_->set_stopping();
    server_->stop_accepting();
    if (metrics_) metrics_->stop();
    if (signals_) signals_->cancel();
    if (flush_timer_) flush_timer_->cancel();
    broker_->waiters().answer_all();
    server_->drain_connections();
    wait_for_connections(std::chrono::steady_clock::now() + drain_limit);
}

void broker_app::wait_for_connections(std::chrono::steady_clock::time_point deadline) {
    if (server_->connection_count() == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (server_->connection_count() > 0) {
            spdlog::warn("closing {} connection(s) that did not drain in time", server_->connection_count());
        }
        server_->close_all();
        io_.stop();
        return;
    }
    if (!shutdown_timer_) shutdown_timer_ = std::make_unique<asio::steady_timer>(io_);
    shutdown_timer_->expires_after(std::chrono::milliseconds(10));
    shutdown_timer_->async_wait([this, deadline](const asio::error_code& ec) {
        if (!ec) wait_for_connections(deadline);
    });
}

}  // namespace samsa::broker
