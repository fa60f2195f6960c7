#include "samsa/broker/config/listener.h"

#include <charconv>

#include "samsa/broker/config/config_def.h"

namespace samsa::broker {

std::string listener::to_string() const {
    bool v6 = host.find(':') != std::string::npos;
    return name + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

result<std::vector<listener>> parse_listeners(std::string_view text) {
    std::vector<listener> out;
    for (const auto& item : split_config_list(text)) {
        auto bad = [&](const std::string& why) {
            return make_error(errc::invalid_argument, "'" + item + "' " + why);
        };
        size_t sep = item.find("://");
        if (sep == std::string::npos || sep == 0) return bad("is not NAME://host:port");
        listener l;
        l.name = item.substr(0, sep);
        std::string_view rest = std::string_view(item).substr(sep + 3);
        std::string_view host, port;
        if (!rest.empty() && rest.front() == '[') {
            size_t close = rest.find(']');
            if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
                return bad("is not NAME://[host]:port");
            }
            host = rest.substr(1, close - 1);
            port = rest.substr(close + 2);
        } else {
            size_t colon = rest.rfind(':');
            if (colon == std::string_view::npos) return bad("has no port");
            host = rest.substr(0, colon);
            port = rest.substr(colon + 1);
        }
        int p = -1;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || p < 0 || p > 65535) {
            return bad("has a bad port");
        }
        if (l.name != "PLAINTEXT") {
            return bad("uses " + l.name + ": only PLAINTEXT listeners are supported");
        }
        l.host = std::string(host);
        l.port = static_cast<uint16_t>(p);
        out.push_back(std::move(l));
    }
    if (out.empty()) return make_error(errc::invalid_argument, "'" + std::string(text) + "' names no listener");
    return out;
}

}  // namespace samsa::broker
