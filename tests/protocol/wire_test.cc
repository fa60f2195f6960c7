// The field encodings of wire.h, checked against hand-computed bytes, and the
// reader's behaviour on malformed input.

#include "samsa/protocol/wire.h"

#include <gtest/gtest.h>

#include <limits>

#include "samsa/protocol/messages/api_versions.h"

namespace samsa::protocol {
namespace {

template<class T>
bytes write_one(const T& v, bool flexible) {
    byte_writer out;
    protocol_writer w(out, 0, flexible);
    w.field(v);
    return out.release();
}

template<class T>
std::optional<T> read_one(const bytes& b, bool flexible) {
    protocol_reader r(b, 0, flexible);
    T v{};
    r.field(v);
    if (!r.ok()) return std::nullopt;
    return v;
}

TEST(wire, classic_and_compact_strings) {
    EXPECT_EQ(write_one(std::string("abc"), false), (bytes{0x00, 0x03, 'a', 'b', 'c'}));
    EXPECT_EQ(write_one(std::string("abc"), true), (bytes{0x04, 'a', 'b', 'c'}));
    EXPECT_EQ(write_one(std::optional<std::string>(), false), (bytes{0xff, 0xff}));
    EXPECT_EQ(write_one(std::optional<std::string>(), true), (bytes{0x00}));
    EXPECT_EQ(write_one(std::string(), true), (bytes{0x01}));
    EXPECT_EQ(read_one<std::string>(bytes{0x04, 'x', 'y', 'z'}, true), "xyz");
    auto null_read = read_one<std::optional<std::string>>(bytes{0x00}, true);
    ASSERT_TRUE(null_read);
    EXPECT_FALSE(*null_read);
}

TEST(wire, long_compact_string_uses_multi_byte_varint) {
    std::string s(200, 'q');
    bytes b = write_one(s, true);
    ASSERT_EQ(b.size(), 202u);
    EXPECT_EQ(b[0], 0xc9);  // 201 = 0b1_1001001 -> 0xc9 0x01
    EXPECT_EQ(b[1], 0x01);
    EXPECT_EQ(read_one<std::string>(b, true), s);
}

TEST(wire, bytes_and_arrays) {
    EXPECT_EQ(write_one(bytes{1, 2}, false), (bytes{0, 0, 0, 2, 1, 2}));
    EXPECT_EQ(write_one(bytes{1, 2}, true), (bytes{3, 1, 2}));
    EXPECT_EQ(write_one(std::optional<bytes>(), false), (bytes{0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(write_one(std::vector<int32_t>{7}, false), (bytes{0, 0, 0, 1, 0, 0, 0, 7}));
    EXPECT_EQ(write_one(std::vector<int32_t>{7}, true), (bytes{2, 0, 0, 0, 7}));
    EXPECT_EQ(write_one(std::optional<std::vector<int32_t>>(), true), (bytes{0}));
    EXPECT_EQ(write_one(std::optional<std::vector<int32_t>>(), false), (bytes{0xff, 0xff, 0xff, 0xff}));
}

TEST(wire, uuid_is_sixteen_raw_bytes) {
    uuid id;
    for (size_t i = 0; i < 16; ++i) id.data[i] = static_cast<uint8_t>(i);
    bytes b = write_one(id, true);
    EXPECT_EQ(b.size(), 16u);
    EXPECT_EQ(read_one<uuid>(b, true), id);
    EXPECT_EQ(to_string(uuid{}), "AAAAAAAAAAAAAAAAAAAAAA");
    uuid r = uuid::random();
    EXPECT_EQ(uuid_from_string(to_string(r)), r);
    EXPECT_FALSE(uuid_from_string("not a uuid"));
}

TEST(wire, negative_lengths_fail_except_null) {
    EXPECT_FALSE(read_one<std::string>(bytes{0xff, 0xff}, false));        // null into non-nullable
    EXPECT_FALSE(read_one<std::string>(bytes{0xff, 0xfe}, false));        // -2
    EXPECT_FALSE(read_one<std::optional<std::string>>(bytes{0xff, 0xfe}, false));
    EXPECT_FALSE(read_one<std::string>(bytes{0x00}, true));               // compact null
    EXPECT_FALSE(read_one<bytes>(bytes{0xff, 0xff, 0xff, 0xfe}, false));
    EXPECT_FALSE((read_one<std::vector<int32_t>>(bytes{0xff, 0xff, 0xff, 0xff}, false)));  // null non-nullable array
    EXPECT_FALSE((read_one<std::optional<std::vector<int32_t>>>(bytes{0x80, 0, 0, 0}, false)));
}

TEST(wire, lengths_beyond_the_buffer_fail) {
    EXPECT_FALSE(read_one<std::string>(bytes{0x00, 0x05, 'a'}, false));
    EXPECT_FALSE(read_one<std::string>(bytes{0x09, 'a'}, true));
    EXPECT_FALSE(read_one<bytes>(bytes{0x7f, 0xff, 0xff, 0xff}, false));
    // A varint that never ends.
    EXPECT_FALSE(read_one<std::string>(bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true));
}

TEST(wire, absurd_array_counts_fail_before_allocating) {
    // Two billion elements announced in 4 bytes: must fail at once.
    EXPECT_FALSE((read_one<std::vector<int64_t>>(bytes{0x7f, 0xff, 0xff, 0xff}, false)));
    EXPECT_FALSE((read_one<std::vector<std::string>>(bytes{0xff, 0xff, 0xff, 0xff, 0x0f}, true)));
}

TEST(wire, failure_is_sticky) {
    bytes b{0x00, 0x09, 'a', 0x00, 0x01, 'b'};
    protocol_reader r(b, 0, false);
    std::string s1, s2;
    r.field(s1);
    r.field(s2);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(s2.empty());
}

TEST(wire, tagged_fields_skip_unknown_and_read_known) {
    // count 2: tag 1 (known, int64 5), tag 7 (unknown, 3 bytes)
    bytes b{0x02, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 5, 0x07, 0x03, 0xaa, 0xbb, 0xcc, 0x42};
    protocol_reader r(b, 3, true);
    int64_t epoch = -1;
    r.tags([&](auto& t) { t(1, epoch); });
    int8_t after = 0;
    r.field(after);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(epoch, 5);
    EXPECT_EQ(after, 0x42);
}

TEST(wire, tagged_fields_out_of_order_or_oversized_fail) {
    bytes unordered{0x02, 0x05, 0x00, 0x01, 0x00};
    protocol_reader r1(unordered, 3, true);
    r1.tags();
    EXPECT_FALSE(r1.ok());
    bytes oversized{0x01, 0x00, 0x09, 0x00};
    protocol_reader r2(oversized, 3, true);
    r2.tags();
    EXPECT_FALSE(r2.ok());
}

TEST(wire, tagged_section_encoding) {
    api_versions_response m;
    m.finalized_features_epoch = 5;
    byte_writer out;
    protocol_writer w(out, 3, true);
    serde(w, m);
    // error_code, api_keys (compact empty), throttle, tags {1: int64 5}
    bytes expected{0, 0, 0x01, 0, 0, 0, 0, 0x01, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 5};
    EXPECT_EQ(out.buffer(), expected);
    auto back = decode<api_versions_response>(expected, 3);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->finalized_features_epoch, 5);
    // Classic versions have no tagged section at all.
    EXPECT_EQ(encode(m, 2).size(), 2u + 4u + 4u);
}

}  // namespace
}  // namespace samsa::protocol
