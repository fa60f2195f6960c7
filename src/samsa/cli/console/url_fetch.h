#pragma once
// url_fetch: reads a text a streams application serves at a URL
// (http://host:port/path; the body is the text): its describe() text for
// `--topology NAME=URL`, its Prometheus metrics for `--metrics NAME=URL`.
// Bounded: a connect and read timeout of a few seconds. Thread: any.

#include <chrono>
#include <string>

#include "samsa/base/result.h"

namespace samsa::cli::console {

bool is_http_url(const std::string& text);

// errc::invalid_argument for a URL we cannot use, errc::io_error when the
// application does not answer or answers with an HTTP error.
result<std::string> fetch_url_text(const std::string& url,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace samsa::cli::console
