#include "samsa/cli/record_format.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "samsa/cli/options.h"

namespace samsa::cli {

result<output_format> parse_output_format(std::string_view text) {
    if (text == "text") return output_format::text;
    if (text == "json") return output_format::json;
    return make_error(errc::invalid_argument, fmt::format("--format must be text or json, got '{}'", text));
}

status apply_format_property(text_format_options& o, std::string_view key, std::string_view value) {
    auto flag = [&](bool& target) -> status {
        auto b = parse_bool(value, key);
        if (!b) return b.error();
        target = *b;
        return ok();
    };
    if (key == "print.timestamp") return flag(o.print_timestamp);
    if (key == "print.partition") return flag(o.print_partition);
    if (key == "print.offset") return flag(o.print_offset);
    if (key == "print.headers") return flag(o.print_headers);
    if (key == "print.key") return flag(o.print_key);
    if (key == "print.value") return flag(o.print_value);
    if (key == "key.separator") { o.key_separator = unescape(value); return ok(); }
    if (key == "line.separator") { o.line_separator = unescape(value); return ok(); }
    if (key == "headers.separator") { o.headers_separator = unescape(value); return ok(); }
    if (key == "headers.key.separator") { o.headers_key_separator = unescape(value); return ok(); }
    if (key == "null.literal") { o.null_literal = std::string(value); return ok(); }
    return make_error(errc::invalid_argument,
                      fmt::format("unknown consumer --property '{}' (known: print.timestamp, print.partition, "
                                  "print.offset, print.headers, print.key, print.value, key.separator, "
                                  "line.separator, headers.separator, headers.key.separator, null.literal)", key));
}

const char* timestamp_type_name(kafka::timestamp_type t) {
    switch (t) {
        case kafka::timestamp_type::create_time: return "CreateTime";
        case kafka::timestamp_type::log_append_time: return "LogAppendTime";
        case kafka::timestamp_type::none: break;
    }
    return "NoTimestampType";
}

std::string format_text(const kafka::record& r, const text_format_options& o) {
    std::string out;
    // Each part is followed by the column separator when another part follows,
    // and the last one by the line separator.
    bool more[6] = {o.print_partition || o.print_offset || o.print_headers || o.print_key || o.print_value,
                    o.print_offset || o.print_headers || o.print_key || o.print_value,
                    o.print_headers || o.print_key || o.print_value, o.print_key || o.print_value, o.print_value,
                    false};
    auto separator = [&](bool another) { out += another ? o.key_separator : o.line_separator; };
    if (o.print_timestamp) {
        if (r.ts_type == kafka::timestamp_type::none) {
            out += "NO_TIMESTAMP";
        } else {
            out += fmt::format("{}:{}", timestamp_type_name(r.ts_type), r.timestamp());
        }
        separator(more[0]);
    }
    if (o.print_partition) {
        out += fmt::format("Partition:{}", r.partition());
        separator(more[1]);
    }
    if (o.print_offset) {
        out += fmt::format("Offset:{}", r.offset());
        separator(more[2]);
    }
    if (o.print_headers) {
        if (r.headers.empty()) out += "NO_HEADERS";
        for (size_t i = 0; i < r.headers.size(); ++i) {
            if (i > 0) out += o.headers_separator;
            out += r.headers[i].key;
            out += o.headers_key_separator;
            out += r.headers[i].value.value_or(o.null_literal);
        }
        separator(more[3]);
    }
    if (o.print_key) {
        out += r.key.value_or(o.null_literal);
        separator(more[4]);
    }
    if (o.print_value) {
        out += r.value.value_or(o.null_literal);
        out += o.line_separator;
    }
    return out;
}

std::string format_json(const kafka::record& r) {
    nlohmann::ordered_json j;
    j["topic"] = r.topic;
    j["partition"] = r.partition();
    j["offset"] = r.offset();
    if (r.ts_type == kafka::timestamp_type::none) {
        j["timestamp"] = nullptr;
    } else {
        j["timestamp"] = r.timestamp();
    }
    j["timestamp_type"] = timestamp_type_name(r.ts_type);
    j["key"] = r.key ? nlohmann::ordered_json(*r.key) : nlohmann::ordered_json(nullptr);
    j["value"] = r.value ? nlohmann::ordered_json(*r.value) : nlohmann::ordered_json(nullptr);
    auto headers = nlohmann::ordered_json::array();
    for (const auto& h : r.headers) {
        nlohmann::ordered_json hj;
        hj["key"] = h.key;
        hj["value"] = h.value ? nlohmann::ordered_json(*h.value) : nlohmann::ordered_json(nullptr);
        headers.push_back(std::move(hj));
    }
    j["headers"] = std::move(headers);
    // Records carry bytes; a JSON line must stay valid whatever they hold.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

status apply_reader_property(line_reader_options& o, std::string_view key, std::string_view value) {
    auto flag = [&](bool& target) -> status {
        auto b = parse_bool(value, key);
        if (!b) return b.error();
        target = *b;
        return ok();
    };
    auto separator = [&](std::string& target) -> status {
        target = unescape(value);
        if (target.empty()) return make_error(errc::invalid_argument, fmt::format("{} must not be empty", key));
        return ok();
    };
    if (key == "parse.key") return flag(o.parse_key);
    if (key == "key.separator") return separator(o.key_separator);
    if (key == "parse.headers") return flag(o.parse_headers);
    if (key == "headers.delimiter") return separator(o.headers_delimiter);
    if (key == "headers.separator") return separator(o.headers_separator);
    if (key == "headers.key.separator") return separator(o.headers_key_separator);
    if (key == "ignore.error") return flag(o.ignore_error);
    if (key == "null.marker") { o.null_marker = std::string(value); return ok(); }
    return make_error(errc::invalid_argument,
                      fmt::format("unknown producer --property '{}' (known: parse.key, key.separator, parse.headers, "
                                  "headers.delimiter, headers.separator, headers.key.separator, ignore.error, "
                                  "null.marker)", key));
}

result<kafka::record> parse_line(std::string_view line, const line_reader_options& o, size_t line_no) {
    kafka::record r;
    auto nullable = [&](std::string_view s) -> std::optional<std::string> {
        if (o.null_marker && s == *o.null_marker) return std::nullopt;
        return std::string(s);
    };
    std::string_view rest = line;
    if (o.parse_headers) {
        auto d = rest.find(o.headers_delimiter);
        if (d == std::string_view::npos) {
            if (!o.ignore_error) {
                return make_error(errc::invalid_argument,
                                  fmt::format("line {}: no headers delimiter '{}' found (the line is '{}')", line_no,
                                              o.headers_delimiter, line));
            }
        } else {
            std::string_view headers = rest.substr(0, d);
            rest = rest.substr(d + o.headers_delimiter.size());
            while (!headers.empty()) {
                auto comma = headers.find(o.headers_separator);
                std::string_view one = headers.substr(0, comma);
                headers = comma == std::string_view::npos ? std::string_view()
                                                          : headers.substr(comma + o.headers_separator.size());
                auto colon = one.find(o.headers_key_separator);
                if (colon == std::string_view::npos) {
                    r.headers.push_back({std::string(one), std::nullopt});
                } else {
                    r.headers.push_back({std::string(one.substr(0, colon)),
                                         nullable(one.substr(colon + o.headers_key_separator.size()))});
                }
            }
        }
    }
    if (o.parse_key) {
        auto k = rest.find(o.key_separator);
        if (k == std::string_view::npos) {
            if (!o.ignore_error) {
                return make_error(errc::invalid_argument,
                                  fmt::format("line {}: no key separator '{}' found (the line is '{}'); "
                                              "use --property ignore.error=true to send such lines without a key",
                                              line_no, o.key_separator, line));
            }
            r.value = nullable(rest);
            return r;
        }
        r.key = nullable(rest.substr(0, k));
        rest = rest.substr(k + o.key_separator.size());
    }
    r.value = nullable(rest);
    return r;
}

}  // namespace samsa::cli
