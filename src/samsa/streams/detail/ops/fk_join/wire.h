#pragma once
// Big-endian reading and writing for the foreign-key join's wire formats
// (Java's ByteBuffer order).
//
// Threads: pure functions.

#include <cstdint>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::internal::fk_join {

inline void put_be(samsa::bytes& out, uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

inline uint64_t get_be(bytes_view in, size_t at, int width) {
    if (at + width > in.size()) throw serde_error("foreign-key join record too short");
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | in[at + i];
    return v;
}

}  // namespace samsa::streams::internal::fk_join
