#include "samsa/cli/console/url_fetch.h"

#include <httplib.h>

#include <fmt/format.h>

namespace samsa::cli::console {

bool is_http_url(const std::string& text) { return text.starts_with("http://") || text.starts_with("https://"); }

result<std::string> fetch_url_text(const std::string& url, std::chrono::milliseconds timeout) {
    if (!is_http_url(url)) return make_error(errc::invalid_argument, fmt::format("'{}' is not an http:// URL", url));
    auto scheme_end = url.find("://") + 3;
    auto path_start = url.find('/', scheme_end);
    std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(origin);
    if (!client.is_valid()) return make_error(errc::invalid_argument, fmt::format("'{}' is not a usable URL", url));
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
    client.set_connection_timeout(seconds, 0);
    client.set_read_timeout(seconds, 0);
    auto res = client.Get(path.c_str());
    if (!res) {
        return make_error(errc::io_error,
                          fmt::format("the streams application at {} did not answer ({})", url, httplib::to_string(res.error())));
    }
    if (res->status != 200) {
        return make_error(errc::io_error, fmt::format("the streams application at {} answered HTTP {}", url, res->status));
    }
    return res->body;
}

}  // namespace samsa::cli::console
