#include "samsa/bytes/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace samsa {
namespace {

constexpr uint32_t polynomial = 0x82F63B78;  // Castagnoli, reflected

using table_t = std::array<std::array<uint32_t, 256>, 8>;

constexpr table_t make_tables() {
    table_t t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ polynomial : c >> 1;
        t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
        for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    return t;
}

constexpr table_t tables = make_tables();

#if defined(__x86_64__)
// The crc32 instruction has a latency of three cycles and a throughput of one,
// so one dependent chain uses a third of the unit. Long buffers are cut into
// three blocks whose CRCs run side by side, then joined: the CRC register
// is linear, so reg(A ++ B) = shift(reg(A), |B|) ^ reg_from_zero(B), where
// shift is "append |B| zero bytes", a fixed linear map for a fixed |B|,
// applied a byte at a time with four 256-entry tables. (The same method as
// Intel's and Mark Adler's crc32c; written here from that description.)
constexpr size_t long_block = 8192;
constexpr size_t short_block = 256;

using shift_tables = std::array<std::array<uint32_t, 256>, 4>;

__attribute__((target("sse4.2"))) uint32_t append_zeros(uint32_t reg, size_t n) {
    uint64_t c = reg;
    for (size_t i = 0; i < n / 8; ++i) c = _mm_crc32_u64(c, 0);
    return static_cast<uint32_t>(c);
}

// The map is linear: its value on each of the 32 register bits, then every
// byte value of every byte lane as an XOR of those.
shift_tables make_shift_tables(size_t n) {
    std::array<uint32_t, 32> basis{};
    for (int b = 0; b < 32; ++b) basis[static_cast<size_t>(b)] = append_zeros(uint32_t{1} << b, n);
    shift_tables t{};
    for (size_t lane = 0; lane < 4; ++lane)
        for (uint32_t v = 0; v < 256; ++v) {
            uint32_t out = 0;
            for (size_t bit = 0; bit < 8; ++bit)
                if (v & (1u << bit)) out ^= basis[lane * 8 + bit];
            t[lane][v] = out;
        }
    return t;
}

uint32_t shift(const shift_tables& t, uint32_t reg) {
    return t[0][reg & 0xff] ^ t[1][(reg >> 8) & 0xff] ^ t[2][(reg >> 16) & 0xff] ^ t[3][reg >> 24];
}

uint64_t load64(const uint8_t* p) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
}

// Three blocks of `block` bytes at a time while they last.
__attribute__((target("sse4.2"))) uint64_t three_way(uint64_t c0, const uint8_t*& p, size_t& n, size_t block,
                                                    const shift_tables& t) {
    while (n >= 3 * block) {
        uint64_t c1 = 0;
        uint64_t c2 = 0;
        for (size_t i = 0; i < block; i += 8) {
            c0 = _mm_crc32_u64(c0, load64(p + i));
            c1 = _mm_crc32_u64(c1, load64(p + block + i));
            c2 = _mm_crc32_u64(c2, load64(p + 2 * block + i));
        }
        c0 = shift(t, static_cast<uint32_t>(c0)) ^ c1;
        c0 = shift(t, static_cast<uint32_t>(c0)) ^ c2;
        p += 3 * block;
        n -= 3 * block;
    }
    return c0;
}

__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(bytes_view data, uint32_t crc) {
    static const shift_tables long_shift = make_shift_tables(long_block);
    static const shift_tables short_shift = make_shift_tables(short_block);
    uint64_t c = ~crc;
    const uint8_t* p = data.data();
    size_t n = data.size();
    c = three_way(c, p, n, long_block, long_shift);
    c = three_way(c, p, n, short_block, short_shift);
    while (n >= 8) {
        c = _mm_crc32_u64(c, load64(p));
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<uint32_t>(c);
    while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
    return ~c32;
}

bool cpu_has_sse42() {
    static const bool has = __builtin_cpu_supports("sse4.2");
    return has;
}
#endif

}  // namespace

namespace detail {

uint32_t crc32c_portable(bytes_view data, uint32_t crc) {
    uint32_t c = ~crc;
    const uint8_t* p = data.data();
    size_t n = data.size();
    while (n >= 8) {
        uint32_t lo, hi;
        std::memcpy(&lo, p, 4);  // little-endian hosts only (x86_64, aarch64)
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;
        c = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
            tables[4][lo >> 24] ^ tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
            tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) c = (c >> 8) ^ tables[0][(c ^ *p++) & 0xff];
    return ~c;
}

}  // namespace detail

uint32_t crc32c(bytes_view data, uint32_t crc) {
#if defined(__x86_64__)
    if (cpu_has_sse42()) return crc32c_sse42(data, crc);
#endif
    return detail::crc32c_portable(data, crc);
}

}  // namespace samsa
