// partition_log::read_file_range: a fetch's batches as a range of a segment
// file (sent with sendfile by the broker), whole batches only, and readable
// after the segment is removed.

#include <unistd.h>

#include <gtest/gtest.h>

#include "samsa/storage/fd_cache.h"
#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::headers_of;
using testing::make_batch;
using testing::temp_dir;

constexpr offset no_end = offset(std::numeric_limits<int64_t>::max());

class file_range_test : public ::testing::Test {
protected:
    std::unique_ptr<partition_log> open_log(const log_config& cfg = {}) {
        auto log = partition_log::open(dir_.path() / "orders-0", cfg);
        EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
        return log ? std::move(*log) : nullptr;
    }
    // `batches` batches of 20 records of 100 bytes (about 2.5 KiB each).
    void fill(partition_log& log, int batches) {
        for (int i = 0; i < batches; ++i) {
            bytes b = make_batch(20, 1000 + i, 100);
            ASSERT_TRUE(log.append(b, timestamp_ms(1000)).has_value());
        }
    }
    // The range's bytes, read through the descriptor the range holds.
    static bytes bytes_of(const file_read_result& r) {
        bytes out(r.size);
        EXPECT_EQ(::pread(r.log->fd(), out.data(), out.size(), static_cast<off_t>(r.position)),
                  static_cast<ssize_t>(r.size));
        return out;
    }

    temp_dir dir_;
};

TEST_F(file_range_test, a_range_to_the_segment_end_holds_what_read_returns) {
    auto log = open_log();
    fill(*log, 40);
    auto range = log->read_file_range(offset(45), 1 << 20, 4096, no_end);
    ASSERT_TRUE(range.has_value()) << range.error().message;
    ASSERT_TRUE(range->has_value());
    auto read = log->read(offset(45), 1 << 20, true);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(bytes_of(**range), read->records);
    EXPECT_EQ((*range)->next_offset, log->log_end_offset());
    EXPECT_EQ(headers_of(bytes_of(**range)).front().base_offset, 40);  // the batch holding 45
}

TEST_F(file_range_test, max_bytes_cuts_at_a_batch_boundary_and_the_next_read_follows) {
    auto log = open_log();
    fill(*log, 40);  // offsets 0..799
    offset from(0);
    bytes all;
    int ranges = 0;
    while (from < log->log_end_offset() && ranges < 100) {
        auto range = log->read_file_range(from, 10000, 4096, no_end);
        ASSERT_TRUE(range.has_value()) << range.error().message;
        ASSERT_TRUE(range->has_value()) << "at " << from();
        EXPECT_LE((*range)->size, 10000u);
        bytes got = bytes_of(**range);
        auto hs = headers_of(got);  // whole batches, nothing truncated
        ASSERT_FALSE(hs.empty());
        EXPECT_EQ(hs.front().base_offset, from());
        EXPECT_EQ((*range)->next_offset, offset(hs.back().last_offset() + 1));
        all.insert(all.end(), got.begin(), got.end());
        from = (*range)->next_offset;
        ++ranges;
    }
    EXPECT_GT(ranges, 5);
    EXPECT_EQ(all, log->read(offset(0), 1 << 30, true)->records);
}

TEST_F(file_range_test, read_is_left_to_read_where_a_range_cannot_say_it) {
    auto log = open_log();
    fill(*log, 10);
    // Too small for the first batch (min_one is read()'s business).
    EXPECT_FALSE(log->read_file_range(offset(0), 1000, 500, no_end)->has_value());
    // Below the minimum size.
    EXPECT_FALSE(log->read_file_range(offset(180), 1 << 20, 4096, no_end)->has_value());
    // read_committed under an open transaction: end below the log end.
    EXPECT_FALSE(log->read_file_range(offset(0), 1 << 20, 4096, offset(100))->has_value());
    // At the log end: nothing to send.
    EXPECT_FALSE(log->read_file_range(log->log_end_offset(), 1 << 20, 4096, no_end)->has_value());
    // Outside the log: read() answers out_of_range.
    EXPECT_FALSE(log->read_file_range(offset(100000), 1 << 20, 4096, no_end)->has_value());
}

TEST_F(file_range_test, a_full_fd_cache_keeps_no_file_for_later) {
    auto log = open_log();
    fill(*log, 10);
    // The shared cache is what segments use; fill it to its cap for the test.
    fd_cache& shared = fd_cache::shared();
    const size_t before = shared.capacity();
    shared.set_capacity(shared.open_count());
    auto range = log->read_file_range(offset(0), 1 << 20, 4096, no_end);
    shared.set_capacity(before);
    ASSERT_TRUE(range.has_value());
    EXPECT_FALSE(range->has_value());
    EXPECT_TRUE(log->read_file_range(offset(0), 1 << 20, 4096, no_end)->has_value());
}

TEST_F(file_range_test, a_range_stays_readable_after_its_segment_is_deleted) {
    log_config cfg;
    cfg.segment_bytes = 16 * 1024;
    auto log = open_log(cfg);
    fill(*log, 30);
    ASSERT_GT(log->segments().size(), 2u);
    auto range = log->read_file_range(offset(0), 1 << 20, 4096, no_end);
    ASSERT_TRUE(range.has_value() && range->has_value());
    const bytes expected = log->read(offset(0), (*range)->size, true)->records;
    ASSERT_EQ(expected.size(), (*range)->size);
    // Retention's way: the first segments go, their files are unlinked.
    ASSERT_TRUE(log->delete_records_before(log->segments()[2]->base_offset()).has_value());
    EXPECT_EQ(testing::files_in(log->dir(), ".log").size(), log->segments().size());
    EXPECT_EQ(bytes_of(**range), expected);
}

}  // namespace
}  // namespace samsa::storage
