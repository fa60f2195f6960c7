#pragma once
// CRC-32C (Castagnoli), the checksum of Kafka's record batch v2.
//
// Written by hand: none of the Debian libraries we use exports CRC-32C (zlib has
// only the IEEE polynomial). Uses the SSE4.2 crc32 instruction when the CPU has
// it, and a slicing-by-8 table otherwise; both give the same result.

#include <cstdint>

#include "samsa/bytes/bytes.h"

namespace samsa {

// Continues a CRC over more bytes: crc32c(b, crc32c(a)) == crc32c(a ++ b).
uint32_t crc32c(bytes_view data, uint32_t crc = 0);

namespace detail {
uint32_t crc32c_portable(bytes_view data, uint32_t crc);
}

}  // namespace samsa
