#include "samsa/streams/internal/runtime/metrics_http_endpoint.h"

#include <future>

#include "samsa/broker/metrics/metrics_endpoint.h"

namespace samsa::streams::internal {

result<std::unique_ptr<metrics_http_endpoint>> metrics_http_endpoint::start(std::string_view listener,
                                                                            std::function<std::string()> render) {
    auto where = broker::metrics::parse_metrics_listener(listener);
    if (!where) return where.error();
    if (!*where) return make_error(errc::invalid_argument, "samsa.metrics.listener is empty");
    // The broker's endpoint waits on a future because its state lives on
    // another thread; a snapshot can be taken here, so the future is ready.
    auto scrape = [render = std::move(render)] {
        std::promise<std::string> text;
        text.set_value(render());
        return text.get_future();
    };
    auto endpoint = broker::metrics::metrics_endpoint::start(**where, std::move(scrape));
    if (!endpoint) return endpoint.error();
    auto out = std::unique_ptr<metrics_http_endpoint>(new metrics_http_endpoint());
    out->endpoint_ = std::move(*endpoint);
    return out;
}

metrics_http_endpoint::~metrics_http_endpoint() = default;

std::string metrics_http_endpoint::url() const { return endpoint_->bound().to_string() + "/metrics"; }

}  // namespace samsa::streams::internal
