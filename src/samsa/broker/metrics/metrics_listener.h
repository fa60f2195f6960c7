#pragma once
// samsa.metrics.listener: where the broker serves GET /metrics, written as
// `http://HOST:PORT` (`http://127.0.0.1:9644`, `http://[::1]:9644`,
// `http://:9644` = every interface; port 0 takes a free port). Empty means
// no metrics endpoint. Only plain HTTP: a scraper on another host goes
// through whatever fronts the broker.
//
// Thread: any; pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/base/result.h"

namespace samsa::broker::metrics {

struct metrics_listener {
    std::string host;  // "0.0.0.0" when the text had none
    uint16_t port = 0;

    std::string to_string() const;  // http://host:port
};

// nullopt for an empty value; an error that quotes the value otherwise.
result<std::optional<metrics_listener>> parse_metrics_listener(std::string_view text);

}  // namespace samsa::broker::metrics
