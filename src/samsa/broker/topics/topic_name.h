#pragma once
// Kafka's rule for topic names: 1 to 249 characters of [a-zA-Z0-9._-], and
// neither "." nor "..". (249 leaves room for "-<partition>" in a directory
// name of 255 bytes.) Names that differ only in '.' versus '_' collide in
// Kafka's metrics; Kafka warns about them, and so do we (topic_table).
//
// Thread: any; pure functions.

#include <string_view>

#include "samsa/base/result.h"

namespace samsa::broker {

inline constexpr size_t max_topic_name_length = 249;

// ok(), or errc::invalid_argument with Kafka's message for the rule broken.
status validate_topic_name(std::string_view name);

// True for names starting with "__" (Kafka's internal topics).
bool is_internal_topic_name(std::string_view name);

}  // namespace samsa::broker
