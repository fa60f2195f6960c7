#include "samsa/broker/config/config_def.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace samsa::broker {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string quoted(std::string_view v) { return "'" + std::string(v) + "'"; }

std::string format_bound(double v) {
    if (v == static_cast<double>(static_cast<int64_t>(v))) return std::to_string(static_cast<int64_t>(v));
    return std::to_string(v);
}

status check_range(const config_def& def, std::string_view value, double v) {
    if (v < def.min) {
        return make_error(errc::invalid_argument, quoted(value) + " is below the minimum " + format_bound(def.min));
    }
    if (v > def.max) {
        return make_error(errc::invalid_argument, quoted(value) + " is above the maximum " + format_bound(def.max));
    }
    return ok();
}

status check_allowed(const config_def& def, std::string_view item) {
    if (def.allowed.empty()) return ok();
    if (std::find(def.allowed.begin(), def.allowed.end(), item) != def.allowed.end()) return ok();
    std::string msg = quoted(item) + " is not one of";
    for (size_t i = 0; i < def.allowed.size(); ++i) msg += (i ? ", " : " ") + std::string(def.allowed[i]);
    return make_error(errc::invalid_argument, std::move(msg));
}

// Kafka's GzipCompression.LevelValidator (KIP-390, the broker and the topic
// key alike): a level from 1 to 9, or -1 for zlib's default. zlib's 0
// (stored, no compression) lies inside -1..9 but is not a level Kafka takes.
bool is_gzip_level_key(const config_def& def) { return def.name == "compression.gzip.level"; }

status check_gzip_level(int64_t level) {
    if (level == -1 || (level >= 1 && level <= 9)) return ok();
    return make_error(errc::invalid_argument, "Value must be between 1 and 9 or equal to -1");
}

}  // namespace

result<int64_t> parse_config_int(std::string_view value) {
    std::string_view v = trim(value);
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec == std::errc::result_out_of_range) {
        return make_error(errc::invalid_argument, quoted(value) + " is not an integer");
    }
    if (ec != std::errc{} || ptr != v.data() + v.size()) {
        return make_error(errc::invalid_argument, quoted(value) + " is not an integer");
    }
    return out;
}

result<double> parse_config_double(std::string_view value) {
    std::string v(trim(value));
    if (v.empty()) return make_error(errc::invalid_argument, quoted(value) + " is not a number");
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size()) return make_error(errc::invalid_argument, quoted(value) + " is not a number");
    return d;
}

result<bool> parse_config_bool(std::string_view value) {
    std::string v(trim(value));
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true") return true;
    if (v == "false") return false;
    return make_error(errc::invalid_argument, quoted(value) + " is not true or false");
}

std::vector<std::string> split_config_list(std::string_view value) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= value.size()) {
        size_t comma = value.find(',', pos);
        if (comma == std::string_view::npos) comma = value.size();
        std::string_view item = trim(value.substr(pos, comma - pos));
        if (!item.empty()) out.emplace_back(item);
        pos = comma + 1;
    }
    return out;
}

status validate_config_value(const config_def& def, std::string_view value) {
    switch (def.type) {
    case config_type::boolean: {
        auto b = parse_config_bool(value);
        if (!b) return b.error();
        return ok();
    }
    case config_type::int16:
    case config_type::int32:
    case config_type::int64: {
        auto n = parse_config_int(value);
        if (!n) return n.error();
        if (is_gzip_level_key(def)) return check_gzip_level(*n);
        double lo = def.min, hi = def.max;
        if (def.type == config_type::int32) {
            lo = std::max(lo, double(std::numeric_limits<int32_t>::min()));
            hi = std::min(hi, double(std::numeric_limits<int32_t>::max()));
        } else if (def.type == config_type::int16) {
            lo = std::max(lo, double(std::numeric_limits<int16_t>::min()));
            hi = std::min(hi, double(std::numeric_limits<int16_t>::max()));
        }
        config_def bounded = def;
        bounded.min = lo;
        bounded.max = hi;
        return check_range(bounded, value, static_cast<double>(*n));
    }
    case config_type::float64: {
        auto d = parse_config_double(value);
        if (!d) return d.error();
        return check_range(def, value, *d);
    }
    case config_type::list: {
        for (const auto& item : split_config_list(value)) {
            if (auto s = check_allowed(def, item); !s) return s;
        }
        return ok();
    }
    case config_type::string:
        return check_allowed(def, trim(value));
    default:
        return ok();
    }
}

}  // namespace samsa::broker
