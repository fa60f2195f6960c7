// The on-disk formats, byte for byte, as the header comments document them.

#include <gtest/gtest.h>

#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/file.h"
#include "samsa/storage/partition_log.h"
#include "samsa/storage/partition_metadata.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::make_batch;
using testing::temp_dir;

samsa::uuid counting_uuid() {
    samsa::uuid u;
    for (int i = 0; i < 16; ++i) u.data[i] = static_cast<uint8_t>(i);
    return u;
}

TEST(partition_metadata_test, uses_kafkas_text_and_uuid_form) {
    EXPECT_EQ(format_partition_metadata(counting_uuid()), "version: 0\ntopic_id: AAECAwQFBgcICQoLDA0ODw\n");
    auto parsed = parse_partition_metadata("version: 0\ntopic_id: AAECAwQFBgcICQoLDA0ODw\n");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, counting_uuid());
    EXPECT_FALSE(parse_partition_metadata("version: 1\ntopic_id: AAECAwQFBgcICQoLDA0ODw\n").has_value());
    EXPECT_FALSE(parse_partition_metadata("version: 0\ntopic_id: not-a-uuid\n").has_value());
    EXPECT_FALSE(parse_partition_metadata("").has_value());

    temp_dir dir;
    auto id = samsa::uuid::random();
    ASSERT_TRUE(write_partition_metadata(dir.path(), id).has_value());
    auto back = read_partition_metadata(dir.path());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, id);
    auto none = read_partition_metadata(dir.path() / "nope");
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code, errc::not_found);
}

TEST(checkpoint_file_test, round_trips_kafkas_format) {
    std::vector<checkpoint_entry> entries{{"orders", partition_id(0), offset(1542)},
                                          {"orders", partition_id(1), offset(1377)}};
    EXPECT_EQ(format_checkpoint(entries), "0\n2\norders 0 1542\norders 1 1377\n");
    auto parsed = parse_checkpoint("0\n2\norders 0 1542\norders 1 1377\n");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, entries);
    EXPECT_TRUE(parse_checkpoint("0\n0\n").has_value());
    EXPECT_FALSE(parse_checkpoint("1\n0\n").has_value());
    EXPECT_FALSE(parse_checkpoint("0\n3\norders 0 1\n").has_value());
    EXPECT_FALSE(parse_checkpoint("0\n1\norders x 1\n").has_value());
    EXPECT_FALSE(parse_checkpoint("0").has_value());

    temp_dir dir;
    ASSERT_TRUE(write_checkpoint(dir.path() / "cp", entries).has_value());
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "cp.tmp"));
    EXPECT_EQ(*read_checkpoint(dir.path() / "cp"), entries);
    EXPECT_TRUE(read_checkpoint(dir.path() / "absent")->empty());
}

TEST(segment_files_test, names_are_twenty_digit_base_offsets) {
    EXPECT_EQ(segment_file_stem(offset(0)), "00000000000000000000");
    EXPECT_EQ(segment_file_stem(offset(4096)), "00000000000000004096");
    EXPECT_EQ(parse_segment_file_name("00000000000000004096.log", ".log"), offset(4096));
    EXPECT_EQ(parse_segment_file_name("00000000000000004096.index", ".log"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("0000000000000004096.log", ".log"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("0000000000000000409x.log", ".log"), std::nullopt);
}

TEST(index_files_test, entries_are_big_endian_relative_offset_and_position) {
    temp_dir dir;
    log_config cfg;
    cfg.index_interval_bytes = 1;  // an entry for every batch after the first
    auto log = partition_log::open(dir.path() / "t-0", cfg).value();
    bytes b0 = make_batch(3, 1000);
    bytes b1 = make_batch(2, 2000);
    bytes b2 = make_batch(1, 1500);  // max timestamp does not grow: no time index entry
    bytes b3 = make_batch(1, 3000);
    for (auto* b : {&b0, &b1, &b2, &b3}) ASSERT_TRUE(log->append(*b, timestamp_ms(1)).has_value());
    ASSERT_TRUE(log->close().has_value());

    auto index = read_small_file(dir.path() / "t-0" / "00000000000000000000.index").value();
    // Entries for batches 1..3: (last offset, position).
    const uint32_t p1 = static_cast<uint32_t>(b0.size());
    const uint32_t p2 = p1 + static_cast<uint32_t>(b1.size());
    const uint32_t p3 = p2 + static_cast<uint32_t>(b2.size());
    auto be32 = [](uint32_t v) {
        return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    };
    EXPECT_EQ(index, be32(4) + be32(p1) + be32(5) + be32(p2) + be32(6) + be32(p3));

    auto times = read_small_file(dir.path() / "t-0" / "00000000000000000000.timeindex").value();
    auto be64 = [&](uint64_t v) { return be32(static_cast<uint32_t>(v >> 32)) + be32(static_cast<uint32_t>(v)); };
    // (max timestamp so far, last offset of its batch) when it grew: batch 1 (2001 at 4), batch 3 (3000 at 6).
    EXPECT_EQ(times, be64(2001) + be32(4) + be64(3000) + be32(6));
}

}  // namespace
}  // namespace samsa::storage
