#pragma once
// metrics_http_endpoint: what samsa.metrics.listener turns on (streams_config.h):
// GET /metrics answers the instance's metrics as Prometheus text
// (prometheus_text.h) while the kafka_streams instance runs.
//
// The HTTP side is the broker's (broker/metrics/metrics_endpoint.h: cpp-httplib,
// 404 for other paths, 503 when there is nothing to answer); only the text
// differs. kafka_streams::metrics() may be called from any thread, so a
// request renders the snapshot on the HTTP worker itself.
//
// Threads: start() on the caller's thread (a port in use is a start-up
// error); requests on cpp-httplib's threads; the destructor stops and joins.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "samsa/base/result.h"

namespace samsa::broker::metrics {
class metrics_endpoint;
}

namespace samsa::streams::internal {

class metrics_http_endpoint {
public:
    // `listener` as samsa.metrics.listener (http://host:port; port 0 takes a
    // free port); `render` answers the text of one scrape.
    static result<std::unique_ptr<metrics_http_endpoint>> start(std::string_view listener,
                                                                std::function<std::string()> render);
    ~metrics_http_endpoint();
    metrics_http_endpoint(const metrics_http_endpoint&) = delete;
    metrics_http_endpoint& operator=(const metrics_http_endpoint&) = delete;

    // http://host:port/metrics with the port actually bound.
    std::string url() const;

private:
    metrics_http_endpoint() = default;
    std::unique_ptr<broker::metrics::metrics_endpoint> endpoint_;
};

}  // namespace samsa::streams::internal
