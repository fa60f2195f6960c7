#pragma once
// The strong types shared by the broker, the storage and the streams library.

#include <cstdint>

#include "samsa/base/named_type.h"

namespace samsa {

using offset = named_type<int64_t, struct offset_tag>;
using partition_id = named_type<int32_t, struct partition_id_tag>;
using node_id = named_type<int32_t, struct node_id_tag>;
using generation_id = named_type<int32_t, struct generation_id_tag>;
using producer_id = named_type<int64_t, struct producer_id_tag>;
using producer_epoch = named_type<int16_t, struct producer_epoch_tag>;
using leader_epoch = named_type<int32_t, struct leader_epoch_tag>;
// Milliseconds since the Unix epoch, as Kafka timestamps are.
using timestamp_ms = named_type<int64_t, struct timestamp_ms_tag>;

}  // namespace samsa
