#include "samsa/cli/console/record_query.h"

#include <fmt/format.h>

#include "samsa/cli/options.h"

namespace samsa::cli::console {

namespace {

std::optional<std::string> param(const std::multimap<std::string, std::string>& params, const std::string& name) {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

}  // namespace

result<record_query> parse_record_query(const std::multimap<std::string, std::string>& params) {
    record_query q;
    if (auto p = param(params, "partition")) {
        auto n = parse_non_negative(*p, "partition");
        if (!n || *n > INT32_MAX) return make_error(errc::invalid_argument, fmt::format("partition '{}' is not a partition number", *p));
        q.partition = static_cast<int32_t>(*n);
    }
    auto offset = param(params, "offset");
    auto timestamp = param(params, "timestamp");
    if (offset && timestamp) return make_error(errc::invalid_argument, "give either offset or timestamp, not both");
    if (offset) {
        auto n = parse_non_negative(*offset, "offset");
        if (!n) return make_error(errc::invalid_argument, fmt::format("offset '{}' is not a non-negative number", *offset));
        q.offset = *n;
    }
    if (timestamp) {
        auto t = parse_time_ms(*timestamp);
        if (!t) return make_error(errc::invalid_argument,
                                  fmt::format("timestamp '{}': {}", *timestamp, t.error().message));
        q.timestamp_ms = *t;
    }
    if (auto l = param(params, "limit")) {
        auto n = parse_non_negative(*l, "limit");
        if (!n || *n < 1 || *n > max_records_per_page) {
            return make_error(errc::invalid_argument, fmt::format("limit '{}' must be 1..{}", *l, max_records_per_page));
        }
        q.limit = static_cast<int>(*n);
    }
    return q;
}

}  // namespace samsa::cli::console
