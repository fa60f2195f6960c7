#pragma once
// config_def: one configuration key as Kafka describes it (name, type,
// default, allowed range), shared by the broker's own keys (broker_config.h)
// and the per-topic keys (topics/topic_config.h). Values are kept as the text
// the user gave and checked against the definition, so DescribeConfigs can
// show them back exactly.
//
// Thread: any; the tables are constant.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"

namespace samsa::broker {

// Kafka's DescribeConfigs config_type numbers (v3+).
enum class config_type : int8_t {
    unknown = 0,
    boolean = 1,
    string = 2,
    int32 = 3,
    int16 = 4,
    int64 = 5,
    float64 = 6,
    list = 7,
    class_name = 8,
    password = 9,
};

struct config_def {
    std::string_view name;
    config_type type = config_type::string;
    // nullopt: Kafka's null default (the key has no value unless set).
    std::optional<std::string_view> default_value;
    // Inclusive bounds for int16/int32/int64/float64 values.
    double min = std::numeric_limits<double>::lowest();
    double max = std::numeric_limits<double>::max();
    // For string and list values: the allowed words (case-sensitive), empty
    // for any.
    std::span<const std::string_view> allowed = {};
    // Accepted for compatibility with Kafka's files but without effect on a
    // single node (num.network.threads, zookeeper.connect, ...).
    bool ignored = false;
};

// Checks `value` against the definition; the error message is the part after
// "<key>: ", e.g. "'abc' is not an integer".
status validate_config_value(const config_def& def, std::string_view value);

// Parsers for values that passed validation (they still fail on bad input).
result<int64_t> parse_config_int(std::string_view value);
result<double> parse_config_double(std::string_view value);
result<bool> parse_config_bool(std::string_view value);
// Comma-separated, items trimmed, empty items dropped.
std::vector<std::string> split_config_list(std::string_view value);

}  // namespace samsa::broker
