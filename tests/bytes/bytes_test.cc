#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/crc32c.h"
#include "samsa/bytes/murmur2.h"

#include <gtest/gtest.h>

#include <random>

namespace samsa {
namespace {

TEST(crc32c, known_vectors) {
    EXPECT_EQ(crc32c(as_bytes("")), 0u);
    EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
    bytes zeros(32, 0);
    EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4
}

TEST(crc32c, hardware_and_portable_agree_and_chain) {
    std::mt19937 rng(7);
    // Around the three-way blocks (3 x 256 and 3 x 8192 bytes) too.
    for (size_t n : std::initializer_list<size_t>{0, 1, 7, 8, 9, 63, 64, 767, 768, 769, 1000, 4097, 24575, 24576, 24577, 24576 + 776,
                     1u << 20, (1u << 20) + 13}) {
        bytes data(n);
        for (auto& b : data) b = static_cast<uint8_t>(rng());
        EXPECT_EQ(crc32c(data), detail::crc32c_portable(data, 0)) << n;
        size_t half = n / 2;
        bytes_view all(data);
        EXPECT_EQ(crc32c(all.subspan(half), crc32c(all.first(half))), crc32c(all)) << n;
    }
}

// The values of Kafka's own UtilsTest.testMurmur2.
TEST(murmur2, matches_java_client) {
    EXPECT_EQ(murmur2(as_bytes("21")), -973932308);
    EXPECT_EQ(murmur2(as_bytes("foobar")), -790332482);
    EXPECT_EQ(murmur2(as_bytes("a-little-bit-long-string")), -985981536);
    EXPECT_EQ(murmur2(as_bytes("a-little-bit-longer-string")), -1486304829);
    EXPECT_EQ(murmur2(as_bytes("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")), -58897971);
    EXPECT_EQ(murmur2(as_bytes("abc")), 479470107);
}

TEST(murmur2, partition_is_positive_modulo) {
    for (int n : {1, 3, 6, 100}) {
        int32_t p = murmur2_partition(as_bytes("foobar"), n);
        EXPECT_GE(p, 0);
        EXPECT_LT(p, n);
        EXPECT_EQ(p, static_cast<int32_t>((static_cast<uint32_t>(-790332482) & 0x7fffffff) % n));
    }
}

TEST(varint, round_trips_edges) {
    byte_writer w;
    const int32_t ints[] = {0, 1, -1, 63, -64, 64, 300, INT32_MAX, INT32_MIN};
    const int64_t longs[] = {0, -1, INT64_MAX, INT64_MIN, 1LL << 40};
    for (int32_t v : ints) w.write_varint(v);
    for (int64_t v : longs) w.write_varlong(v);
    w.write_uvarint(UINT32_MAX);
    byte_reader r(w.buffer());
    for (int32_t v : ints) EXPECT_EQ(r.read_varint(), v);
    for (int64_t v : longs) EXPECT_EQ(r.read_varlong(), v);
    EXPECT_EQ(r.read_uvarint(), UINT32_MAX);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.at_end());
}

TEST(varint, zigzag_sizes_match_encoding) {
    for (int64_t v : {0LL, -1LL, 63LL, 64LL, -65LL, 1LL << 35}) {
        byte_writer w;
        w.write_varlong(v);
        EXPECT_EQ(w.size(), varlong_size(v)) << v;
    }
}

TEST(byte_reader, never_reads_past_the_end) {
    bytes data{0x01, 0x02, 0x03};
    byte_reader r(data);
    EXPECT_EQ(r.read_i16(), 0x0102);
    EXPECT_EQ(r.read_i32(), 0);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.read_bytes(1).empty());
}

TEST(byte_reader, rejects_overlong_varint) {
    bytes data(11, 0xff);
    byte_reader r(data);
    (void)r.read_varlong();
    EXPECT_FALSE(r.ok());
}

TEST(byte_writer, big_endian_and_patch) {
    byte_writer w;
    size_t at = w.reserve_i32();
    w.write_i16(0x0102);
    w.patch_i32(at, 2);
    EXPECT_EQ(w.buffer(), (bytes{0, 0, 0, 2, 1, 2}));
}

}  // namespace
}  // namespace samsa
