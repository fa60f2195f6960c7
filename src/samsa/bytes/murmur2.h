#pragma once
// murmur2 exactly as Kafka's Java client computes it (Utils.murmur2), so that a
// key lands on the partition a Java producer would choose. Written by hand: the
// Java client's variant (seed 0x9747b28c, signed arithmetic) is in no C++ library.

#include <cstdint>

#include "samsa/bytes/bytes.h"

namespace samsa {

int32_t murmur2(bytes_view key);

// The Java DefaultPartitioner / BuiltInPartitioner for a keyed record:
// toPositive(murmur2(key)) % partitions.
int32_t murmur2_partition(bytes_view key, int32_t partition_count);

}  // namespace samsa
