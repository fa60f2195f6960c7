#include "samsa/broker/net/server.h"

#include <csignal>

#include <spdlog/spdlog.h>

namespace samsa::broker {

namespace {

// The one read buffer of the I/O thread (connection.h).
constexpr size_t scratch_bytes = 64 * 1024;

}  // namespace

server::server(asio::io_context& io, const server_limits& limits, request_dispatcher& dispatcher)
    : io_(io),
      limits_(limits),
      dispatcher_(dispatcher),
      memory_(limits.queued_max_request_bytes, io.get_executor(), [this] { close_a_starving_holder(); }),
      scratch_(scratch_bytes) {
    // sendfile(2) to a peer that has gone raises SIGPIPE (send() is spared by
    // MSG_NOSIGNAL, sendfile has no such flag); the error it also returns is
    // what the connection acts on, so the signal is ignored process-wide.
    std::signal(SIGPIPE, SIG_IGN);
}

server::~server() {
    stopped_accepting_ = true;
    close_all();
}

status server::listen(const std::vector<listener>& listeners,
                      std::vector<std::shared_ptr<const security::listener_security>> security) {
    security.resize(listeners.size());
    for (size_t i = 0; i < listeners.size(); ++i) {
        const listener& l = listeners[i];
        asio::error_code ec;
        asio::ip::tcp::endpoint ep;
        if (l.host.empty() || l.host == "0.0.0.0") {
            ep = asio::ip::tcp::endpoint(asio::ip::tcp::v4(), l.port);
        } else {
            auto addr = asio::ip::make_address(l.host, ec);
            if (ec) {
                asio::ip::tcp::resolver resolver(io_);
                auto results = resolver.resolve(l.host, std::to_string(l.port), ec);
                if (ec || results.empty()) {
                    return make_error(errc::invalid_argument, "listeners: cannot resolve host '" + l.host + "'");
                }
                ep = *results.begin();
            } else {
                ep = asio::ip::tcp::endpoint(addr, l.port);
            }
        }
        auto acc = std::make_unique<asio::ip::tcp::acceptor>(io_);
        acc->open(ep.protocol(), ec);
        if (!ec) acc->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
        if (!ec) acc->bind(ep, ec);
        if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            return make_error(errc::io_error, "cannot listen on " + l.to_string() + ": " + ec.message());
        }
        listener bound = l;
        bound.port = acc->local_endpoint().port();
        bound_.push_back(bound);
        security_.push_back(security[i]);
        acceptors_.push_back(std::move(acc));
        accepting_.push_back(false);
        accept(acceptors_.size() - 1);
    }
    return ok();
}

void server::accept(size_t index) {
    if (stopped_accepting_ || accepting_[index] || !acceptors_[index]->is_open()) return;
    if (connections_.size() >= static_cast<size_t>(std::max(limits_.max_connections, 0))) {
        return;  // on_closed() starts accepting again
    }
    accepting_[index] = true;
    acceptors_[index]->async_accept([this, index](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        accepting_[index] = false;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            spdlog::warn("accept on {} failed: {}", bound_[index].to_string(), ec.message());
            // Out of descriptors and the like: try again a little later.
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
            timer->async_wait([this, index, timer](const asio::error_code& e) {
                if (!e && index < acceptors_.size()) accept(index);
            });
            return;
        }
        on_accepted(index, std::move(socket));
        accept(index);
    });
}

int32_t server::limit_for(const asio::ip::address& address) const {
    if (auto it = limits_.max_connections_per_ip_overrides.find(address.to_string());
        it != limits_.max_connections_per_ip_overrides.end())
        return it->second;
    return limits_.max_connections_per_ip;
}

void server::on_accepted(size_t index, asio::ip::tcp::socket socket) {
    asio::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    const auto address = remote.address();
    int32_t& from_here = per_ip_[address];
    if (from_here >= limit_for(address)) {
        spdlog::info("rejecting connection from {} on {}: {} connection(s) from that address reach "
                     "max.connections.per.ip ({})",
                     address.to_string(), bound_[index].to_string(), from_here, limit_for(address));
        if (from_here == 0) per_ip_.erase(address);
        socket.close(ec);
        return;
    }
    ++from_here;
    uint64_t id = next_id_++;
    auto conn = std::make_shared<connection>(std::move(socket), limits_.connection, dispatcher_, memory_,
                                             std::span<uint8_t>(scratch_), id,
                                             [this](uint64_t closed) { on_closed(closed); }, security_[index]);
    connections_.emplace(id, conn);
    spdlog::debug("connection {} from {} accepted", id, conn->peer());
    conn->start();
}

void server::on_closed(uint64_t id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    if (auto p = per_ip_.find(it->second->address()); p != per_ip_.end() && --p->second <= 0) per_ip_.erase(p);
    const bool was_full = connections_.size() >= static_cast<size_t>(std::max(limits_.max_connections, 0));
    connections_.erase(it);
    if (was_full) {
        for (size_t i = 0; i < acceptors_.size(); ++i) accept(i);
    }
}

void server::close_a_starving_holder() {
    // The holder of request bytes that made no progress for longest: a
    // stalled client before a slow one.
    std::shared_ptr<connection> victim;
    for (const auto& [_, c] : connections_) {
        if (c->held_request_bytes() == 0) continue;
        if (!victim || c->last_progress() < victim->last_progress()) victim = c;
    }
    if (victim) victim->evict_for_memory();
}

void server::stop_accepting() {
    stopped_accepting_ = true;
    for (auto& a : acceptors_) {
        asio::error_code ec;
        a->close(ec);
    }
}

void server::drain_connections() {
    // drain() may close and erase the connection: iterate over a copy.
    std::vector<std::shared_ptr<connection>> all;
    for (auto& [_, c] : connections_) all.push_back(c);
    for (auto& c : all) c->drain();
}

void server::close_all() {
    std::vector<std::shared_ptr<connection>> all;
    for (auto& [_, c] : connections_) all.push_back(c);
    for (auto& c : all) c->close({});
    connections_.clear();
}

}  // namespace samsa::broker
