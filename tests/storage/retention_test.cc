// Retention (partition_log::apply_retention): whole segments by largest
// timestamp and by total size, the log start offset, Kafka's roll of the
// active segment when everything is to go.

#include <gtest/gtest.h>

#include "cleanup_test_util.h"
#include "samsa/storage/partition_log.h"

namespace samsa::storage {
namespace {

using testing::append_keyed;
using testing::read_all;
using testing::temp_dir;

class retention_test : public ::testing::Test {
protected:
    std::unique_ptr<partition_log> open_log(const log_config& cfg) {
        auto log = partition_log::open(dir_.path() / "events-0", cfg);
        EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
        return log ? std::move(*log) : nullptr;
    }
    // One segment per batch (segment.bytes smaller than two batches).
    static log_config small_segments() {
        log_config cfg;
        cfg.segment_bytes = 120;
        cfg.retention_ms = std::chrono::milliseconds(-1);
        cfg.retention_bytes = -1;
        return cfg;
    }

    temp_dir dir_;
};

TEST_F(retention_test, by_time_deletes_the_segments_older_than_retention_ms_and_moves_the_log_start) {
    auto cfg = small_segments();
    cfg.retention_ms = std::chrono::milliseconds(10'000);
    auto log = open_log(cfg);
    for (int i = 0; i < 5; ++i) append_keyed(*log, {{"k" + std::to_string(i), "v"}}, 1000 + i * 10'000);
    ASSERT_EQ(log->segments().size(), 5u);
    // At 35'500 the segments with timestamps 1000 .. 21'000 (and 31'000 - 35'500 < 10'000) are old.
    auto deleted = log->apply_retention(timestamp_ms(35'500));
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, 3u);
    EXPECT_EQ(log->log_start_offset(), offset(3));
    EXPECT_EQ(log->published_log_start_offset(), offset(3));
    EXPECT_EQ(log->segments().size(), 2u);
    // A consumer below the start gets OFFSET_OUT_OF_RANGE (errc::out_of_range in storage).
    auto below = log->read(offset(1), 1 << 20, true);
    ASSERT_FALSE(below.has_value());
    EXPECT_EQ(below.error().code, errc::out_of_range);
    auto rest = read_all(*log);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest.front().off, offset(3));
}

TEST_F(retention_test, when_every_segment_is_old_the_active_one_is_rolled_and_deleted_too) {
    auto cfg = small_segments();
    cfg.retention_ms = std::chrono::milliseconds(1000);
    auto log = open_log(cfg);
    for (int i = 0; i < 3; ++i) append_keyed(*log, {{"k", "v"}}, 1000 + i);
    auto deleted = log->apply_retention(timestamp_ms(100'000));
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, 3u);
    EXPECT_EQ(log->log_start_offset(), offset(3));
    EXPECT_EQ(log->log_end_offset(), offset(3));
    ASSERT_EQ(log->segments().size(), 1u);
    EXPECT_TRUE(log->segments().front()->empty());
    // An empty active segment stays, and the log goes on.
    EXPECT_EQ(*log->apply_retention(timestamp_ms(200'000)), 0u);
    EXPECT_EQ(append_keyed(*log, {{"k", "w"}}, 200'000), offset(3));
    EXPECT_EQ(read_all(*log).size(), 1u);
}

TEST_F(retention_test, by_size_deletes_the_oldest_segments_while_the_log_exceeds_retention_bytes) {
    auto cfg = small_segments();
    auto log = open_log(cfg);
    for (int i = 0; i < 6; ++i) append_keyed(*log, {{"k" + std::to_string(i), "value"}}, 1000 + i);
    const uint64_t one = log->segments().front()->size_bytes();
    ASSERT_EQ(log->size_bytes(), 6 * one);
    cfg.retention_bytes = static_cast<int64_t>(2 * one + one / 2);  // room for 2.5 segments
    log->set_config(cfg);
    auto deleted = log->apply_retention(timestamp_ms(2000));
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, 3u);  // 6 -> 3 segments: one more would go below retention.bytes
    EXPECT_EQ(log->size_bytes(), 3 * one);
    EXPECT_EQ(log->log_start_offset(), offset(3));
}

TEST_F(retention_test, a_compact_only_topic_keeps_everything_and_a_later_config_change_applies) {
    auto cfg = small_segments();
    cfg.retention_ms = std::chrono::milliseconds(1);
    cfg.cleanup = cleanup_policy::compact;
    auto log = open_log(cfg);
    for (int i = 0; i < 3; ++i) append_keyed(*log, {{"k" + std::to_string(i), "v"}}, 1000 + i);
    EXPECT_EQ(*log->apply_retention(timestamp_ms(1'000'000)), 0u);
    EXPECT_EQ(log->log_start_offset(), offset(0));
    cfg.cleanup = cleanup_policy::compact_and_delete;  // AlterConfigs at run time
    log->set_config(cfg);
    EXPECT_EQ(*log->apply_retention(timestamp_ms(1'000'000)), 3u);
    EXPECT_EQ(log->log_start_offset(), offset(3));
}

TEST_F(retention_test, the_log_start_survives_a_reopen_through_the_hint) {
    auto cfg = small_segments();
    cfg.retention_ms = std::chrono::milliseconds(100);
    {
        auto log = open_log(cfg);
        for (int i = 0; i < 4; ++i) append_keyed(*log, {{"k", "v"}}, 1000 + i * 100);
        ASSERT_EQ(*log->apply_retention(timestamp_ms(1215)), 2u);
        EXPECT_EQ(log->log_start_offset(), offset(2));
    }
    auto log = open_log(cfg);
    EXPECT_EQ(log->log_start_offset(), offset(2));  // the first segment's base
    EXPECT_EQ(log->log_end_offset(), offset(4));
}

}  // namespace
}  // namespace samsa::storage
