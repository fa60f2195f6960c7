#include "samsa/cli/console/node_rates.h"

#include <cmath>
#include <cstdlib>
#include <optional>

namespace samsa::cli::console {

namespace {

// One label value at text[at] (just after the opening quote), unescaped as the
// exposition format escapes it (\\, \", \n); `at` ends after the closing quote.
std::optional<std::string> read_label_value(std::string_view text, size_t& at) {
    std::string out;
    while (at < text.size()) {
        char c = text[at++];
        if (c == '"') return out;
        if (c == '\\' && at < text.size()) {
            char e = text[at++];
            out.push_back(e == 'n' ? '\n' : e);
        } else {
            out.push_back(c);
        }
    }
    return std::nullopt;
}

// The processor_node_id label of a `{...}` label set starting at text[at];
// `at` ends after the closing brace.
std::optional<std::string> node_label(std::string_view text, size_t& at) {
    std::optional<std::string> node;
    ++at;  // '{'
    while (at < text.size() && text[at] != '}') {
        size_t eq = text.find('=', at);
        if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return std::nullopt;
        std::string_view name = text.substr(at, eq - at);
        at = eq + 2;
        auto value = read_label_value(text, at);
        if (!value) return std::nullopt;
        if (name == "processor_node_id") node = std::move(*value);
        if (at < text.size() && text[at] == ',') ++at;
    }
    if (at >= text.size()) return std::nullopt;
    ++at;  // '}'
    return node;
}

// The sample's value after the label set (a timestamp may follow it).
std::optional<double> sample_value(std::string_view rest) {
    std::string value(rest);
    const char* begin = value.c_str();
    while (*begin == ' ' || *begin == '\t') ++begin;
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (end == begin || std::isnan(v) || std::isinf(v)) return std::nullopt;
    return v;
}

}  // namespace

std::map<std::string, double> node_process_rates(std::string_view text) {
    std::map<std::string, double> rates;
    size_t line_start = 0;
    while (line_start < text.size()) {
        size_t line_end = text.find('\n', line_start);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::string_view line = text.substr(line_start, line_end - line_start);
        line_start = line_end + 1;
        if (!line.starts_with(node_process_rate_family)) continue;
        size_t at = node_process_rate_family.size();
        if (at >= line.size() || line[at] != '{') continue;  // another family with this prefix, or no labels
        auto node = node_label(line, at);
        if (!node) continue;
        if (auto v = sample_value(line.substr(at))) rates[*node] += *v;
    }
    return rates;
}

}  // namespace samsa::cli::console
