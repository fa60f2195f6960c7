#include "samsa/broker/config/properties.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace samsa::broker {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// True when the line ends with an odd number of backslashes (a continuation).
bool continues(std::string_view line) {
    size_t n = 0;
    while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
    return n % 2 == 1;
}

std::string unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out.push_back(s[i]);
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 't': out.push_back('\t'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 'f': out.push_back('\f'); break;
        default: out.push_back(c); break;
        }
    }
    return out;
}

void parse_logical_line(std::string_view line, properties& out) {
    // The key ends at the first unescaped '=', ':' or blank.
    size_t i = 0;
    for (; i < line.size(); ++i) {
        if (line[i] == '\\') {
            ++i;
            continue;
        }
        if (line[i] == '=' || line[i] == ':' || is_blank(line[i])) break;
    }
    std::string_view key = line.substr(0, std::min(i, line.size()));
    std::string_view rest = i < line.size() ? line.substr(i) : std::string_view{};
    // Skip blanks, then at most one separator, then blanks.
    size_t j = 0;
    while (j < rest.size() && is_blank(rest[j])) ++j;
    if (j < rest.size() && (rest[j] == '=' || rest[j] == ':')) ++j;
    while (j < rest.size() && is_blank(rest[j])) ++j;
    out.set(unescape(key), unescape(trim(rest.substr(j))));
}

}  // namespace

void properties::set(std::string key, std::string value) {
    if (!values.contains(key)) order.push_back(key);
    values[std::move(key)] = std::move(value);
}

properties parse_properties(std::string_view text) {
    properties out;
    std::string logical;
    bool in_continuation = false;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        if (!in_continuation) {
            if (line.empty() || line.front() == '#' || line.front() == '!') continue;
        }
        if (continues(line)) {
            logical.append(line.substr(0, line.size() - 1));
            in_continuation = true;
            if (pos > text.size()) break;
            continue;
        }
        logical.append(line);
        in_continuation = false;
        parse_logical_line(logical, out);
        logical.clear();
    }
    if (!logical.empty()) parse_logical_line(logical, out);
    return out;
}

result<properties> read_properties_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(errc::io_error, path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return make_error(errc::io_error, path + ": read failed");
    return parse_properties(text.str());
}

result<std::pair<std::string, std::string>> parse_override(std::string_view text) {
    size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return make_error(errc::invalid_argument,
                          "--override: '" + std::string(text) + "' is not key=value");
    }
    return std::pair{std::string(trim(text.substr(0, eq))), std::string(trim(text.substr(eq + 1)))};
}

}  // namespace samsa::broker
