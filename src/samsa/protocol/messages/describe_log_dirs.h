#pragma once
// DescribeLogDirs (api key 35): versions 0-4 (flexible from v2).
//
// topics null asks for every partition; v1 is v0 (throttle semantics only),
// v3 adds the top-level error code, v4 each log dir's total and usable bytes.

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using describe_log_dirs_api = api_range<api_key::describe_log_dirs, 0, 4>;

struct describable_log_dir_topic {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const describable_log_dir_topic&) const = default;
};

struct describe_log_dirs_request {
    using api = describe_log_dirs_api;
    std::optional<std::vector<describable_log_dir_topic>> topics;  // null = all
    bool operator==(const describe_log_dirs_request&) const = default;
};

struct describe_log_dirs_partition {
    int32_t partition_index = 0;
    int64_t partition_size = 0;
    int64_t offset_lag = 0;
    bool is_future_key = false;
    bool operator==(const describe_log_dirs_partition&) const = default;
};

struct describe_log_dirs_topic {
    std::string name;
    std::vector<describe_log_dirs_partition> partitions;
    bool operator==(const describe_log_dirs_topic&) const = default;
};

struct describe_log_dirs_result {
    protocol::error_code error_code = protocol::error_code::none;
    std::string log_dir;
    std::vector<describe_log_dirs_topic> topics;
    int64_t total_bytes = -1;   // v4+
    int64_t usable_bytes = -1;  // v4+
    bool operator==(const describe_log_dirs_result&) const = default;
};

struct describe_log_dirs_response {
    using api = describe_log_dirs_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;  // v3+
    std::vector<describe_log_dirs_result> results;
    bool operator==(const describe_log_dirs_response&) const = default;
};

template<class IO>
void serde(IO& io, describable_log_dir_topic& m) {
    io.field(m.topic);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_log_dirs_request& m) {
    io.field(m.topics);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_log_dirs_partition& m) {
    io.field(m.partition_index);
    io.field(m.partition_size);
    io.field(m.offset_lag);
    io.field(m.is_future_key);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_log_dirs_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, describe_log_dirs_result& m) {
    io.field(m.error_code);
    io.field(m.log_dir);
    io.field(m.topics);
    if (io.version() >= 4) {
        io.field(m.total_bytes);
        io.field(m.usable_bytes);
    }
    io.tags();
}

template<class IO>
void serde(IO& io, describe_log_dirs_response& m) {
    io.field(m.throttle_time_ms);
    if (io.version() >= 3) io.field(m.error_code);
    io.field(m.results);
    io.tags();
}

}  // namespace samsa::protocol
