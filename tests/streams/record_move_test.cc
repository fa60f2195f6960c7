// record's with_key / with_value / with_timestamp: an lvalue is copied and
// left as it was; an rvalue gives up its value, key and headers (moved, not
// copied: the same buffers end up in the result).

#include <gtest/gtest.h>

#include "samsa/streams/record.h"

namespace samsa::streams {
namespace {

using rec = record<std::string, std::vector<int>>;

rec sample() {
    return rec{std::string(40, 'k'), std::vector<int>(100, 7), 42, {record_header{"h", bytes{1, 2, 3}}}};
}

TEST(streams_record_with, lvalue_copies_and_keeps_the_original) {
    rec r = sample();
    auto k = r.with_key<int>(5);
    auto v = r.with_value<std::string>("v");
    auto t = r.with_timestamp(7);
    EXPECT_EQ(r.key, sample().key);
    EXPECT_EQ(r.value, sample().value);
    EXPECT_EQ(r.headers, sample().headers);
    EXPECT_EQ(k.key, 5);
    EXPECT_EQ(k.value, r.value);
    EXPECT_EQ(k.headers, r.headers);
    EXPECT_EQ(v.key, r.key);
    EXPECT_EQ(v.value, "v");
    EXPECT_EQ(t.timestamp, 7);
    EXPECT_EQ(t.value, r.value);
}

TEST(streams_record_with, rvalue_moves_its_buffers) {
    rec r = sample();
    const int* value_data = r.value->data();
    const char* key_data = r.key->data();
    auto k = std::move(r).with_key<int>(5);
    EXPECT_EQ(k.value->data(), value_data);
    EXPECT_EQ(k.timestamp, 42);
    ASSERT_EQ(k.headers.size(), 1u);
    EXPECT_EQ(k.headers[0].key, "h");

    rec r2 = sample();
    key_data = r2.key->data();
    auto v = std::move(r2).with_value<std::string>("v");
    EXPECT_EQ(v.key->data(), key_data);
    EXPECT_EQ(v.value, "v");

    rec r3 = sample();
    value_data = r3.value->data();
    auto t = std::move(r3).with_timestamp(9);
    EXPECT_EQ(t.value->data(), value_data);
    EXPECT_EQ(t.timestamp, 9);
    EXPECT_EQ(t.key, sample().key);
}

}  // namespace
}  // namespace samsa::streams
