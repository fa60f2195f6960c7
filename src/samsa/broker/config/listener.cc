#include "samsa/broker/config/listener.h"

#include <cctype>
#include <charconv>
#include <set>

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
        for (char ch : l.name) {
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') {
                return bad("has a bad listener name");
            }
        }
        l.host = std::string(host);
        l.port = static_cast<uint16_t>(p);
        out.push_back(std::move(l));
    }
    if (out.empty()) return make_error(errc::invalid_argument, "'" + std::string(text) + "' names no listener");
    return out;
}

result<std::map<std::string, std::string>> parse_security_protocol_map(std::string_view text) {
    static const std::set<std::string> protocols{"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};
    std::map<std::string, std::string> out;
    for (const auto& item : split_config_list(text)) {
        size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0) {
            return make_error(errc::invalid_argument, "'" + item + "' is not NAME:PROTOCOL");
        }
        std::string protocol = item.substr(colon + 1);
        if (!protocols.contains(protocol)) {
            return make_error(errc::invalid_argument, "'" + protocol + "' is not a security protocol");
        }
        out[item.substr(0, colon)] = protocol;
    }
    return out;
}

status assign_security_protocols(std::vector<listener>& listeners, const std::map<std::string, std::string>& map) {
    for (auto& l : listeners) {
        auto it = map.find(l.name);
        if (it == map.end()) {
            return make_error(errc::invalid_argument, "listener " + l.name +
                                                          " has no security protocol in listener.security.protocol.map");
        }
        l.security_protocol = it->second;
    }
    return ok();
}

bool uses_tls(const listener& l) { return l.security_protocol == "SSL" || l.security_protocol == "SASL_SSL"; }
bool uses_sasl(const listener& l) {
    return l.security_protocol == "SASL_PLAINTEXT" || l.security_protocol == "SASL_SSL";
}

}  // namespace samsa::broker
