#pragma once
// The 128-bit MurmurHash3 (x64 variant) that Kafka Streams' foreign-key join
// puts in its subscriptions and responses: Murmur3.hash128(bytes) with
// Kafka's seed 104729, as the two longs {h1, h2}. Debian's libmurmurhash
// (libmurmurhash-dev) computes it (lmmh_x64_128), so it is not written here;
// tests check it against Kafka's own Murmur3Test vectors.
//
// Threads: pure function.

#include <array>
#include <cstdint>

#include <murmurhash.h>

#include "samsa/bytes/bytes.h"

namespace samsa::streams::internal::fk_join {

inline constexpr uint32_t murmur3_default_seed = 104729;  // Kafka's Murmur3.DEFAULT_SEED

using hash128 = std::array<int64_t, 2>;

inline hash128 murmur3_hash128(bytes_view data, uint32_t seed = murmur3_default_seed) {
    uint64_t out[2];
    lmmh_x64_128(data.data(), static_cast<unsigned int>(data.size()), seed, out);
    return {static_cast<int64_t>(out[0]), static_cast<int64_t>(out[1])};
}

}  // namespace samsa::streams::internal::fk_join
