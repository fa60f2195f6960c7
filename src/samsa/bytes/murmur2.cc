#include "samsa/bytes/murmur2.h"

namespace samsa {

int32_t murmur2(bytes_view key) {
    // Unsigned arithmetic throughout: same bits as Java's wrapping int maths.
    constexpr uint32_t seed = 0x9747b28c;
    constexpr uint32_t m = 0x5bd1e995;
    constexpr int r = 24;
    const auto length = static_cast<uint32_t>(key.size());
    uint32_t h = seed ^ length;
    const uint32_t length4 = length / 4;
    for (uint32_t i = 0; i < length4; ++i) {
        const uint32_t i4 = i * 4;
        uint32_t k = static_cast<uint32_t>(key[i4]) | (static_cast<uint32_t>(key[i4 + 1]) << 8) |
                     (static_cast<uint32_t>(key[i4 + 2]) << 16) | (static_cast<uint32_t>(key[i4 + 3]) << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const uint32_t tail = length & ~3u;
    switch (length % 4) {
    case 3: h ^= static_cast<uint32_t>(key[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint32_t>(key[tail + 1]) << 8; [[fallthrough]];
    case 1:
        h ^= static_cast<uint32_t>(key[tail]);
        h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return static_cast<int32_t>(h);
}

int32_t murmur2_partition(bytes_view key, int32_t partition_count) {
    return static_cast<int32_t>((static_cast<uint32_t>(murmur2(key)) & 0x7fffffffu) %
                                static_cast<uint32_t>(partition_count));
}

}  // namespace samsa
