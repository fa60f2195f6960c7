#pragma once
// DeleteRecords (api key 21): versions 0-2.
//
// Moves each partition's log start offset up to `offset` (-1 = the high
// watermark); the answer carries the new low watermark.

#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using delete_records_api = api_range<api_key::delete_records, 0, 2>;

struct delete_records_partition {
    partition_id partition_index;
    samsa::offset offset;
    bool operator==(const delete_records_partition&) const = default;
};

struct delete_records_topic {
    std::string name;
    std::vector<delete_records_partition> partitions;
    bool operator==(const delete_records_topic&) const = default;
};

struct delete_records_request {
    using api = delete_records_api;
    std::vector<delete_records_topic> topics;
    int32_t timeout_ms = 0;
    bool operator==(const delete_records_request&) const = default;
};

struct delete_records_partition_result {
    partition_id partition_index;
    offset low_watermark;
    protocol::error_code error_code = protocol::error_code::none;
    bool operator==(const delete_records_partition_result&) const = default;
};

struct delete_records_topic_result {
    std::string name;
    std::vector<delete_records_partition_result> partitions;
    bool operator==(const delete_records_topic_result&) const = default;
};

struct delete_records_response {
    using api = delete_records_api;
    int32_t throttle_time_ms = 0;
    std::vector<delete_records_topic_result> topics;
    bool operator==(const delete_records_response&) const = default;
};

template<class IO>
void serde(IO& io, delete_records_partition& m) {
    io.field(m.partition_index);
    io.field(m.offset);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_records_topic& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_records_request& m) {
    io.field(m.topics);
    io.field(m.timeout_ms);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_records_partition_result& m) {
    io.field(m.partition_index);
    io.field(m.low_watermark);
    io.field(m.error_code);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_records_topic_result& m) {
    io.field(m.name);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, delete_records_response& m) {
    io.field(m.throttle_time_ms);
    io.field(m.topics);
    io.tags();
}

}  // namespace samsa::protocol
