#pragma once
// record_query: the record browser's request, GET /api/topics/{t}/records with
// ?partition=0 and one of &offset=42 or &timestamp=<ms or ISO-8601>, and
// &limit=50 (1..500). Without offset or timestamp the browser starts at the
// partition's start. Pure; thread: any.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "samsa/base/result.h"

namespace samsa::cli::console {

inline constexpr int max_records_per_page = 500;

struct record_query {
    int32_t partition = 0;
    std::optional<int64_t> offset;
    std::optional<int64_t> timestamp_ms;
    int limit = 50;
};

// Errors are errc::invalid_argument, naming the parameter.
result<record_query> parse_record_query(const std::multimap<std::string, std::string>& params);

}  // namespace samsa::cli::console
