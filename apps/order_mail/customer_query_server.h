#pragma once
// customer_query_server: order-mail's interactive-query endpoint (issue 18),
// a small, real example of queryable state over HTTP (cpp-httplib):
//
//   GET /customers/{id}  ->  200 {"customer": {...}, "address": {...}}
//                            404 when the id has no customer or no address
//                            503 while the key's owner is unknown or its
//                                store not queryable (rebalancing, restoring)
//   GET /metrics         ->  200 the instance's Kafka Streams metrics as
//                            Prometheus text (prometheus_text.h)
//   GET /topology        ->  200 the topology's describe() text (what
//                            `samsa console --topology NAME=URL` draws)
//
// The answer is CUSTOMER join CUSTOMER-ADDRESS for that id. The topology
// does not materialize the join's result (its describe() stays Kafka's,
// byte for byte), so the server reads the two source tables' stores, which
// the join reads too, and joins them with the topology's own inner-join rule.
// Both tables are keyed by customer id and co-partitioned, so one instance
// holds both rows. When the streams metadata says another instance owns the
// id, the request is forwarded to that instance's application.server and its
// answer relayed; a forwarded request carries X-Samsa-Forwarded and is
// answered locally, so two instances with different views of a rebalance
// cannot bounce a request forever.
//
// Threads: bind() and serve() on the caller's thread; requests on the HTTP
// server's worker threads (kafka_streams::store and the metadata calls are
// safe from any thread); stop() from any thread.

#include <memory>
#include <string>
#include <thread>

namespace samsa::streams {
class kafka_streams;
}

namespace samsa::apps::order_mail {

class customer_query_server {
public:
    customer_query_server();
    ~customer_query_server();
    customer_query_server(const customer_query_server&) = delete;
    customer_query_server& operator=(const customer_query_server&) = delete;

    // Binds host:port (port 0: any free port); returns the port, or -1.
    int bind(const std::string& host, int port);
    // Answers requests for app, whose topology describe() gave
    // topology_text, on a background thread until stop().
    void serve(streams::kafka_streams& app, std::string topology_text);
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::thread thread_;
};

}  // namespace samsa::apps::order_mail
