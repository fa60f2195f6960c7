#include "samsa/broker/metrics/metrics_listener.h"

#include <charconv>

namespace samsa::broker::metrics {

std::string metrics_listener::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

result<std::optional<metrics_listener>> parse_metrics_listener(std::string_view text) {
    if (text.empty()) return std::optional<metrics_listener>{};
    auto bad = [&](std::string_view why) {
        return make_error(errc::invalid_argument,
                          "'" + std::string(text) + "' is not http://host:port (" + std::string(why) + ")");
    };
    constexpr std::string_view scheme = "http://";
    if (!text.starts_with(scheme)) return bad("it must start with http://");
    std::string_view rest = text.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    metrics_listener out;
    std::string_view port_text;
    if (rest.starts_with("[")) {
        auto close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
            return bad("an IPv6 address is written [address]:port");
        out.host = std::string(rest.substr(1, close - 1));
        port_text = rest.substr(close + 2);
    } else {
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return bad("no port");
        out.host = std::string(rest.substr(0, colon));
        if (out.host.find_first_of(":/") != std::string::npos) return bad("bad host");
        port_text = rest.substr(colon + 1);
    }
    if (out.host.empty()) out.host = "0.0.0.0";
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
        return bad("the port must be a number from 0 to 65535");
    out.port = static_cast<uint16_t>(port);
    return std::optional<metrics_listener>(std::move(out));
}

}  // namespace samsa::broker::metrics
