#include "samsa/cli/options.h"

#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace samsa::cli {

void add_connection_options(CLI::App& command, connection_options& options) {
    command.add_option("--bootstrap-server,-b", options.bootstrap_server,
                       "host:port[,host:port...] of the Kafka cluster")
        ->capture_default_str()
        ->envname("SAMSA_BOOTSTRAP_SERVER");
    command.add_option("--timeout", options.timeout_ms,
                       "ms to wait for the cluster and for each request before failing")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{1}, int64_t{24} * 3600 * 1000));
    command.add_option("--connect-grace", options.connect_grace_ms,
                       "ms to keep trying while every bootstrap server refuses connections (a broker being "
                       "started), at most --timeout")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{0}, int64_t{24} * 3600 * 1000));
    command.add_option("--command-config", options.command_config,
                       "a properties file of librdkafka settings (security, ...)");
    command.add_option("-X", options.client_properties, "librdkafka property key=value (repeatable)")
        ->allow_extra_args(false);
    command.add_flag("--verbose", options.verbose, "print librdkafka's log on stderr");
}

result<kafka::client_config> make_client_config(const connection_options& options) {
    kafka::client_config config;
    if (options.bootstrap_server.empty()) {
        return make_error(errc::invalid_argument, "--bootstrap-server must not be empty");
    }
    config.bootstrap = options.bootstrap_server;
    config.timeout = std::chrono::milliseconds(options.timeout_ms);
    config.refused_grace = std::chrono::milliseconds(options.connect_grace_ms);
    config.verbose = options.verbose;
    if (!options.command_config.empty()) {
        auto props = read_properties_file(options.command_config);
        if (!props) return props.error();
        config.properties = translate_java_client_properties(std::move(*props));
    }
    auto extra = parse_key_values(options.client_properties, "-X");
    if (!extra) return extra.error();
    config.properties.insert(config.properties.end(), extra->begin(), extra->end());
    return config;
}

namespace {

// The value of key="value" (or key=value) inside a JAAS config line.
std::string jaas_option(const std::string& jaas, const std::string& key) {
    size_t at = 0;
    while ((at = jaas.find(key + "=", at)) != std::string::npos) {
        const bool starts_word = at == 0 || jaas[at - 1] == ' ' || jaas[at - 1] == '\t' || jaas[at - 1] == '\n';
        at += key.size() + 1;
        if (!starts_word) continue;
        if (at < jaas.size() && jaas[at] == '"') {
            size_t close = jaas.find('"', at + 1);
            return jaas.substr(at + 1, close == std::string::npos ? std::string::npos : close - at - 1);
        }
        size_t end = jaas.find_first_of(" \t\n;", at);
        return jaas.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }
    return {};
}

}  // namespace

std::vector<key_value> translate_java_client_properties(std::vector<key_value> properties) {
    std::vector<key_value> out;
    std::string truststore_type;
    for (const auto& [k, v] : properties) {
        if (k == "ssl.truststore.type") truststore_type = v;
    }
    for (auto& [k, v] : properties) {
        if (k == "sasl.mechanism") {
            out.emplace_back("sasl.mechanisms", v);
        } else if (k == "sasl.jaas.config") {
            if (auto user = jaas_option(v, "username"); !user.empty()) out.emplace_back("sasl.username", user);
            if (auto password = jaas_option(v, "password"); !password.empty()) out.emplace_back("sasl.password", password);
        } else if (k == "ssl.truststore.location" && truststore_type == "PEM") {
            out.emplace_back("ssl.ca.location", v);
        } else if (k == "ssl.truststore.type" || k == "ssl.keystore.type" || k == "ssl.truststore.password" ||
                   k == "ssl.truststore.location") {
            continue;  // no librdkafka equivalent (JKS/PKCS12 truststores)
        } else {
            out.emplace_back(std::move(k), std::move(v));
        }
    }
    return out;
}

result<key_value> parse_key_value(std::string_view text, std::string_view flag) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return make_error(errc::invalid_argument,
                          fmt::format("{} expects key=value, got '{}'", flag, text));
    }
    return key_value{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

result<std::vector<key_value>> parse_key_values(const std::vector<std::string>& texts, std::string_view flag) {
    std::vector<key_value> out;
    for (const auto& t : texts) {
        auto kv = parse_key_value(t, flag);
        if (!kv) return kv.error();
        out.push_back(std::move(*kv));
    }
    return out;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

result<std::vector<key_value>> parse_properties(std::string_view text) {
    std::vector<key_value> out;
    size_t line_no = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++line_no;
        if (line.empty() || line.front() == '#' || line.front() == '!') continue;
        auto sep = line.find_first_of("=:");
        if (sep == std::string_view::npos || sep == 0) {
            return make_error(errc::invalid_argument, fmt::format("line {}: expected key=value, got '{}'", line_no, line));
        }
        out.emplace_back(std::string(trim(line.substr(0, sep))), std::string(trim(line.substr(sep + 1))));
    }
    return out;
}

result<std::vector<key_value>> read_properties_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return make_error(errc::not_found, fmt::format("cannot read {}", path.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    auto props = parse_properties(ss.str());
    if (!props) return make_error(errc::invalid_argument, fmt::format("{}: {}", path.string(), props.error().message));
    return props;
}

namespace {

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view s, size_t& pos, size_t width, int& out) {
    if (pos + width > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < width; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += width;
    return true;
}

}  // namespace

result<int64_t> parse_time_ms(std::string_view text) {
    auto bad = [&] {
        return make_error(errc::invalid_argument,
                          fmt::format("'{}' is not a time: use ms since the epoch or ISO-8601 "
                                      "(2024-05-01T12:30:00Z, 2024-05-01T12:30:00.250+02:00, 2024-05-01)", text));
    };
    if (text.empty()) return bad();
    if (text.find_first_not_of("0123456789") == std::string_view::npos) {
        int64_t ms = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec != std::errc() || ptr != text.data() + text.size()) return bad();
        return ms;
    }
    size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, millis = 0;
    if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' || !read_digits(text, pos, 2, mo) ||
        pos >= text.size() || text[pos++] != '-' || !read_digits(text, pos, 2, d)) {
        return bad();
    }
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
        ++pos;
        if (!read_digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':' || !read_digits(text, pos, 2, mi)) {
            return bad();
        }
        if (pos < text.size() && text[pos] == ':') {
            ++pos;
            if (!read_digits(text, pos, 2, sec)) return bad();
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                ++pos;
                // Up to milliseconds; finer digits are accepted and dropped.
                size_t start = pos;
                int scale = 100;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                    if (scale > 0) millis += (text[pos] - '0') * scale;
                    scale /= 10;
                    ++pos;
                }
                if (pos == start) return bad();
            }
        }
    }
    int offset_minutes = 0;
    if (pos < text.size()) {
        char z = text[pos];
        if ((z == 'Z' || z == 'z') && pos + 1 == text.size()) {
            ++pos;
        } else if (z == '+' || z == '-') {
            ++pos;
            int oh = 0, om = 0;
            if (!read_digits(text, pos, 2, oh)) return bad();
            if (pos < text.size() && text[pos] == ':') ++pos;
            if (pos < text.size() && !read_digits(text, pos, 2, om)) return bad();
            if (oh > 23 || om > 59) return bad();
            offset_minutes = (z == '+' ? 1 : -1) * (oh * 60 + om);
        }
        if (pos != text.size()) return bad();
    }
    using namespace std::chrono;
    year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad();
    auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(millis) - minutes(offset_minutes);
    return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

std::string unescape(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        switch (text[++i]) {
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case '0': out += '\0'; break;
            case '\\': out += '\\'; break;
            default: out += '\\'; out += text[i]; break;
        }
    }
    return out;
}

result<bool> parse_bool(std::string_view text, std::string_view what) {
    if (text == "true" || text == "TRUE" || text == "True") return true;
    if (text == "false" || text == "FALSE" || text == "False") return false;
    return make_error(errc::invalid_argument, fmt::format("{} must be true or false, got '{}'", what, text));
}

result<int64_t> parse_non_negative(std::string_view text, std::string_view what) {
    int64_t v = -1;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
        return make_error(errc::invalid_argument, fmt::format("{} must be a non-negative integer, got '{}'", what, text));
    }
    return v;
}

}  // namespace samsa::cli
