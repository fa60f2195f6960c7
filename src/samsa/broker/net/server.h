#pragma once
// server: one acceptor per listener, and the set of open connections. Binding
// happens in listen() so a port in use is a start-up error; port 0 takes a
// free port, reported by bound_listeners().
//
// Limits (Kafka's keys): at most max.connections open connections — at the
// limit the acceptors stop accepting (new clients wait in the kernel's
// backlog) until one closes, as Kafka's acceptor does; at most
// max.connections.per.ip from one address (or its entry in
// max.connections.per.ip.overrides) — a connection over it is closed at once
// with a log line. The request bytes of all connections share one
// request_memory (queued.max.request.bytes), and all connections read
// through one scratch buffer (connection.h).
//
// Thread: the I/O thread (listen() runs on the main thread before the I/O
// loop starts, which is the same thread in samsa-broker).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "samsa/base/result.h"
#include "samsa/broker/config/listener.h"
#include "samsa/broker/net/connection.h"
#include "samsa/broker/net/request_memory.h"

namespace samsa::broker {

struct server_limits {
    connection_limits connection;
    int64_t queued_max_request_bytes = -1;  // queued.max.request.bytes; <= 0: unbounded
    int32_t max_connections = INT32_MAX;    // max.connections
    int32_t max_connections_per_ip = INT32_MAX;  // max.connections.per.ip
    std::map<std::string, int32_t> max_connections_per_ip_overrides;  // by address text
};

class server {
public:
    server(asio::io_context& io, const server_limits& limits, request_dispatcher& dispatcher);
    ~server();

    // Binds every listener and starts accepting. `security` has one entry
    // per listener (TLS, SASL); missing entries mean plain PLAINTEXT.
    status listen(const std::vector<listener>& listeners,
                  std::vector<std::shared_ptr<const security::listener_security>> security = {});
    // The listeners with their real ports.
    const std::vector<listener>& bound_listeners() const { return bound_; }

    // Stops accepting new connections.
    void stop_accepting();
    // Lets every connection write what it has queued, then close.
    void drain_connections();
    void close_all();
    size_t connection_count() const { return connections_.size(); }
    const request_memory& memory() const { return memory_; }

private:
    void accept(size_t index);
    void on_accepted(size_t index, asio::ip::tcp::socket socket);
    void on_closed(uint64_t id);
    int32_t limit_for(const asio::ip::address& address) const;
    void close_a_starving_holder();

    asio::io_context& io_;
    server_limits limits_;
    request_dispatcher& dispatcher_;
    request_memory memory_;
    bytes scratch_;  // every connection reads through it (one I/O thread)
    std::map<asio::ip::address, int32_t> per_ip_;
    std::vector<bool> accepting_;  // per acceptor: an async_accept is outstanding
    bool stopped_accepting_ = false;
    std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
    std::vector<listener> bound_;
    std::vector<std::shared_ptr<const security::listener_security>> security_;  // per acceptor
    std::map<uint64_t, std::shared_ptr<connection>> connections_;
    uint64_t next_id_ = 1;
};

}  // namespace samsa::broker
