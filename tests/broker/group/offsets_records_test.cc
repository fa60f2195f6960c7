// The __consumer_offsets record formats (Kafka's) and the group -> partition
// mapping (Kafka's partitionFor with Java's String.hashCode).
#include <gtest/gtest.h>

#include "samsa/broker/group/offsets_records.h"

namespace samsa::broker::group {
namespace {

TEST(offsets_records, offset_commit_key_and_value_match_the_worked_example) {
    bytes key = encode_key(offset_commit_key{"g", "t", 0});
    EXPECT_EQ(key, (bytes{0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 0}));
    offset_commit_value v;
    v.offset = 5;
    v.commit_timestamp = 0;
    bytes value = encode_value(v);
    EXPECT_EQ(value, (bytes{0, 3, 0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    auto k = decode_key(key);
    ASSERT_TRUE(k);
    EXPECT_EQ(std::get<offset_commit_key>(*k), (offset_commit_key{"g", "t", 0}));
    auto back = decode_offset_commit_value(value);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v);
}

TEST(offsets_records, older_value_versions_are_read) {
    // v1: offset, metadata, commit ts, expire ts.
    bytes v1{0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 8};
    auto v = decode_offset_commit_value(v1);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->offset, 9);
    EXPECT_EQ(v->metadata, "hi");
    EXPECT_EQ(v->commit_timestamp, 7);
    EXPECT_EQ(v->expire_timestamp, 8);
    EXPECT_EQ(v->leader_epoch, -1);
}

TEST(offsets_records, group_metadata_round_trips) {
    group_metadata_value v;
    v.protocol_type = "consumer";
    v.generation = 3;
    v.protocol = "range";
    v.leader = "m1";
    v.current_state_timestamp = 42;
    v.members.push_back({"m1", std::string("static-1"), "client", "/127.0.0.1", 30000, 10000, {1, 2}, {3}});
    bytes key = encode_key(group_metadata_key{"grp"});
    EXPECT_EQ(key, (bytes{0, 2, 0, 3, 'g', 'r', 'p'}));
    auto back = decode_group_metadata_value(encode_value(v));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v);
}

TEST(offsets_records, garbage_is_an_error_not_a_crash) {
    EXPECT_FALSE(decode_key(bytes{}));
    EXPECT_FALSE(decode_key(bytes{0, 1, 0, 9}));
    EXPECT_FALSE(decode_key(bytes{0, 9, 0, 0}));
    EXPECT_FALSE(decode_offset_commit_value(bytes{0, 3, 1}));
    EXPECT_FALSE(decode_offset_commit_value(bytes{0, 77, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_FALSE(decode_group_metadata_value(bytes{0, 3, 0xff, 0xf0}));
    bytes big_count{0, 3, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff};
    EXPECT_FALSE(decode_group_metadata_value(big_count));
}

TEST(offsets_records, partition_for_is_kafkas) {
    EXPECT_EQ(java_string_hash(""), 0);
    EXPECT_EQ(java_string_hash("abc"), 96354);
    EXPECT_EQ(java_string_hash("hello"), 99162322);
    // The classic String whose hashCode is Integer.MIN_VALUE: Kafka's
    // Utils.abs maps it to 0.
    EXPECT_EQ(java_string_hash("polygenelubricants"), std::numeric_limits<int32_t>::min());
    EXPECT_EQ(offsets_partition_for("polygenelubricants", 50), 0);
    EXPECT_EQ(offsets_partition_for("abc", 50), 96354 % 50);
    // Non-ASCII: "é" is one UTF-16 unit (0xE9); an emoji is a surrogate pair.
    EXPECT_EQ(java_string_hash("\xC3\xA9"), 0xE9);
    EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 31 * 0xD83D + 0xDE00);
}

}  // namespace
}  // namespace samsa::broker::group
