#include "samsa/broker/net/server.h"

#include <spdlog/spdlog.h>

namespace samsa::broker {

server::server(asio::io_context& io, const connection_limits& limits, request_dispatcher& dispatcher)
    : io_(io), limits_(limits), dispatcher_(dispatcher) {}

server::~server() { close_all(); }

status server::listen(const std::vector<listener>& listeners) {
    for (const auto& l : listeners) {
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
        acceptors_.push_back(std::move(acc));
        accept(acceptors_.size() - 1);
    }
    return ok();
}

void server::accept(size_t index) {
    acceptors_[index]->async_accept([this, index](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            spdlog::warn("accept on {} failed: {}", bound_[index].to_string(), ec.message());
            // Out of descriptors and the like: try again a little later.
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
            timer->async_wait([this, index, timer](const asio::error_code& e) {
                if (!e && index < acceptors_.size() && acceptors_[index]->is_open()) accept(index);
            });
            return;
        }
        uint64_t id = next_id_++;
        auto conn = std::make_shared<connection>(std::move(socket), limits_, dispatcher_, id,
                                                 [this](uint64_t closed) { connections_.erase(closed); });
        connections_.emplace(id, conn);
        spdlog::debug("connection {} from {} accepted", id, conn->peer());
        conn->start();
        accept(index);
    });
}

void server::stop_accepting() {
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
