#pragma once
// server: one acceptor per listener, and the set of open connections. Binding
// happens in listen() so a port in use is a start-up error; port 0 takes a
// free port, reported by bound_listeners().
//
// Thread: the I/O thread (listen() runs on the main thread before the I/O
// loop starts, which is the same thread in samsa-broker).

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <asio.hpp>

#include "samsa/base/result.h"
#include "samsa/broker/config/listener.h"
#include "samsa/broker/net/connection.h"

namespace samsa::broker {

class server {
public:
    server(asio::io_context& io, const connection_limits& limits, request_dispatcher& dispatcher);
    ~server();

    // Binds every listener and starts accepting.
    status listen(const std::vector<listener>& listeners);
    // The listeners with their real ports.
    const std::vector<listener>& bound_listeners() const { return bound_; }

    // Stops accepting new connections.
    void stop_accepting();
    // Lets every connection write what it has queued, then close.
    void drain_connections();
    void close_all();
    size_t connection_count() const { return connections_.size(); }

private:
    void accept(size_t index);

    asio::io_context& io_;
    connection_limits limits_;
    request_dispatcher& dispatcher_;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
    std::vector<listener> bound_;
    std::map<uint64_t, std::shared_ptr<connection>> connections_;
    uint64_t next_id_ = 1;
};

}  // namespace samsa::broker
