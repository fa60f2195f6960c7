#pragma once
// The offsets `samsa groups reset-offsets` sets, worked out as Kafka's
// kafka-consumer-groups.sh --reset-offsets does: for each partition, from the
// group's committed offset, the partition's earliest and latest offsets and
// (for --to-datetime) the first offset at or after a time, then clamped into
// [earliest, latest] (Kafka prints a warning and clamps too).
//
// Pure functions: the command (groups.cc) fetches the inputs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli {

enum class reset_kind { to_earliest, to_latest, to_current, to_offset, to_datetime, shift_by };

struct reset_spec {
    reset_kind kind = reset_kind::to_earliest;
    int64_t value = 0;  // the offset, the time (ms) or the shift
};

// What one partition looks like before the reset.
struct reset_inputs {
    offset committed{-1};                    // -1: the group never committed one
    kafka::watermarks marks;                 // earliest (low) and latest (high)
    std::optional<offset> offset_for_time;   // to_datetime: ListOffsets by time (-1: none)
};

// The new offset; an error for --shift-by or --to-current without a
// committed offset (Kafka refuses those too).
result<offset> plan_reset(const reset_spec& spec, const reset_inputs& in, const kafka::topic_partition& tp);

// "orders" (every partition) or "orders:0,2" (those partitions), Kafka's
// --topic syntax for reset-offsets and delete-offsets.
struct topic_selection {
    std::string topic;
    std::vector<partition_id> partitions;  // empty: all of the topic's
};
result<topic_selection> parse_topic_selection(std::string_view text);

}  // namespace samsa::cli
