#include "samsa/broker/security/listener_security.h"

#include <cctype>

#include <spdlog/spdlog.h>

namespace samsa::broker::security {

namespace {

const std::set<std::string> supported_mechanisms{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};

// Every ssl.* key as this listener sees it.
ssl_settings ssl_settings_of(const broker_config& c, const listener& l) {
    ssl_settings out;
    for (const auto& def : broker_config_defs()) {
        if (!def.name.starts_with("ssl.")) continue;
        if (auto v = c.listener_value(l.name, def.name)) out[std::string(def.name)] = *v;
    }
    return out;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// listener.name.<l>.<mechanism>.sasl.jaas.config, then the listener's
// sasl.jaas.config, then the broker's.
std::optional<std::string> jaas_config(const broker_config& c, const listener& l, const std::string& mechanism) {
    const std::string key = "listener.name." + lower(l.name) + "." + lower(mechanism) + ".sasl.jaas.config";
    if (auto it = c.explicit_values.find(key); it != c.explicit_values.end()) return it->second;
    return c.listener_value(l.name, "sasl.jaas.config");
}

result<sasl_settings> sasl_settings_of(const broker_config& c, const listener& l, scram_store* scram) {
    sasl_settings out;
    out.scram = scram;
    for (const auto& m : split_config_list(c.listener_value(l.name, "sasl.enabled.mechanisms").value_or(""))) {
        if (!supported_mechanisms.contains(m)) {
            spdlog::warn("listener {}: SASL mechanism {} is not supported and is not offered", l.name, m);
            continue;
        }
        out.mechanisms.insert(m);
    }
    if (out.mechanisms.empty()) {
        return make_error(errc::invalid_argument,
                          "sasl.enabled.mechanisms: listener " + l.name +
                              " offers no supported mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)");
    }
    if (out.mechanisms.contains("PLAIN")) {
        if (auto jaas = jaas_config(c, l, "PLAIN")) {
            auto users = parse_plain_jaas_users(*jaas);
            if (!users) return make_error(errc::invalid_argument, "sasl.jaas.config: " + users.error().message);
            out.plain_users = std::move(*users);
        }
        if (out.plain_users.empty()) {
            spdlog::warn("listener {}: PLAIN is enabled but its JAAS config names no user_NAME=\"password\"", l.name);
        }
    }
    out.reauth = std::chrono::milliseconds(std::stoll(c.listener_value(l.name, "connections.max.reauth.ms").value_or("0")));
    return out;
}

}  // namespace

result<std::map<std::string, std::string>> parse_plain_jaas_users(const std::string& jaas) {
    // LoginModule-class required|optional|... key="value" ... ;
    std::map<std::string, std::string> users;
    size_t at = 0;
    while (true) {
        size_t eq = jaas.find('=', at);
        if (eq == std::string::npos) break;
        size_t key_end = eq;
        size_t key_start = jaas.find_last_of(" \t\r\n", key_end - 1);
        key_start = key_start == std::string::npos ? 0 : key_start + 1;
        std::string key = jaas.substr(key_start, key_end - key_start);
        size_t value_start = eq + 1;
        std::string value;
        if (value_start < jaas.size() && jaas[value_start] == '"') {
            size_t close = jaas.find('"', value_start + 1);
            if (close == std::string::npos) return make_error(errc::invalid_argument, "unterminated quote in JAAS config");
            value = jaas.substr(value_start + 1, close - value_start - 1);
            at = close + 1;
        } else {
            size_t end = jaas.find_first_of(" \t\r\n;", value_start);
            if (end == std::string::npos) end = jaas.size();
            value = jaas.substr(value_start, end - value_start);
            at = end;
        }
        if (key.starts_with("user_") && key.size() > 5) users[key.substr(5)] = value;
    }
    return users;
}

result<std::shared_ptr<const listener_security>> make_listener_security(const broker_config& c, const listener& l,
                                                                         scram_store* scram) {
    auto out = std::make_shared<listener_security>();
    out->name = l.name;
    out->protocol = l.security_protocol;
    out->failed_authentication_delay = std::chrono::milliseconds(
        std::stoll(c.listener_value(l.name, "connection.failed.authentication.delay.ms").value_or("100")));
    if (uses_tls(l)) {
        auto ctx = tls_context::create(ssl_settings_of(c, l));
        if (!ctx) return make_error(errc::invalid_argument, "listener " + l.name + ": " + ctx.error().message);
        out->tls = std::move(*ctx);
        auto mapping = principal_mapping::parse(c.listener_value(l.name, "ssl.principal.mapping.rules").value_or("DEFAULT"));
        if (!mapping) return make_error(errc::invalid_argument, "listener " + l.name + ": " + mapping.error().message);
        out->ssl_principal_mapping = std::move(*mapping);
    }
    if (uses_sasl(l)) {
        auto sasl = sasl_settings_of(c, l, scram);
        if (!sasl) return sasl.error();
        out->sasl = std::move(*sasl);
    }
    return std::shared_ptr<const listener_security>(std::move(out));
}

}  // namespace samsa::broker::security
