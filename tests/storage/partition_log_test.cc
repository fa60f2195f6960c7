#include "samsa/storage/partition_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "samsa/bytes/big_endian.h"
#include "samsa/storage/file.h"

#include "samsa/record/record_batch.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::all_valid;
using testing::concat;
using testing::files_in;
using testing::headers_of;
using testing::make_batch;
using testing::temp_dir;

class partition_log_test : public ::testing::Test {
protected:
    std::unique_ptr<partition_log> open_log(const log_config& cfg = {}, const recovery_hint& hint = {}) {
        auto log = partition_log::open(dir_.path() / "orders-0", cfg, hint);
        EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
        return log ? std::move(*log) : nullptr;
    }
    append_result append(partition_log& log, bytes batch, int64_t now = 1000) {
        auto r = log.append(batch, timestamp_ms(now));
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? *r : append_result{};
    }
    bytes read_all(partition_log& log, offset from) {
        auto r = log.read(from, 1 << 30, true);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? r->records : bytes{};
    }

    temp_dir dir_;
};

TEST_F(partition_log_test, append_then_read_returns_the_stamped_bytes) {
    auto log = open_log();
    bytes set = concat({make_batch(3), make_batch(1), make_batch(5)});
    auto r = log->append(set, timestamp_ms(1000));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->base_offset, offset(0));
    EXPECT_EQ(r->last_offset, offset(8));
    EXPECT_EQ(r->log_append_time, timestamp_ms(-1));
    EXPECT_EQ(r->log_start_offset, offset(0));
    EXPECT_EQ(log->log_end_offset(), offset(9));
    EXPECT_EQ(log->high_watermark(), offset(9));

    bytes got = read_all(*log, offset(0));
    EXPECT_EQ(got, set);  // the caller's buffer was stamped in place: same bytes
    auto hs = headers_of(got);
    ASSERT_EQ(hs.size(), 3u);
    EXPECT_EQ(hs[0].base_offset, 0);
    EXPECT_EQ(hs[1].base_offset, 3);
    EXPECT_EQ(hs[2].base_offset, 4);
    EXPECT_TRUE(all_valid(got));
    EXPECT_EQ(log->size_bytes(), set.size());
}

TEST_F(partition_log_test, offsets_are_consecutive_across_appends) {
    auto log = open_log();
    EXPECT_EQ(append(*log, make_batch(2)).base_offset, offset(0));
    EXPECT_EQ(append(*log, make_batch(4)).base_offset, offset(2));
    auto r = append(*log, make_batch(1));
    EXPECT_EQ(r.base_offset, offset(6));
    EXPECT_EQ(r.last_offset, offset(6));
    EXPECT_EQ(log->log_end_offset(), offset(7));
}

TEST_F(partition_log_test, read_from_the_middle_of_a_batch_returns_that_batch) {
    auto log = open_log();
    append(*log, make_batch(3));
    append(*log, make_batch(5));  // offsets 3..7
    append(*log, make_batch(2));  // 8..9
    auto r = log->read(offset(5), 1 << 20, false);
    ASSERT_TRUE(r.has_value());
    auto hs = headers_of(r->records);
    ASSERT_EQ(hs.size(), 2u);
    EXPECT_EQ(hs[0].base_offset, 3);
    EXPECT_EQ(hs[1].base_offset, 8);
    EXPECT_EQ(r->next_offset, offset(10));
}

TEST_F(partition_log_test, read_at_the_end_is_empty_and_outside_is_out_of_range) {
    auto log = open_log();
    append(*log, make_batch(2));
    auto at_end = log->read(offset(2), 1000, true);
    ASSERT_TRUE(at_end.has_value());
    EXPECT_TRUE(at_end->records.empty());
    EXPECT_EQ(at_end->next_offset, offset(2));
    auto past = log->read(offset(3), 1000, true);
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error().code, errc::out_of_range);
    auto negative = log->read(offset(-1), 1000, true);
    ASSERT_FALSE(negative.has_value());
    EXPECT_EQ(negative.error().code, errc::out_of_range);
}

TEST_F(partition_log_test, max_bytes_keeps_whole_batches_and_min_one_returns_a_large_first_batch) {
    auto log = open_log();
    bytes a = make_batch(1, 1000, 200);
    const size_t batch_size = a.size();
    append(*log, a);
    append(*log, make_batch(1, 1000, 200));
    append(*log, make_batch(1, 1000, 200));

    auto two = log->read(offset(0), batch_size * 2 + batch_size / 2, false);
    ASSERT_TRUE(two.has_value());
    EXPECT_EQ(headers_of(two->records).size(), 2u);
    EXPECT_EQ(two->records.size(), batch_size * 2);
    EXPECT_EQ(two->next_offset, offset(2));

    auto none = log->read(offset(0), batch_size - 1, false);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->records.empty());

    auto one = log->read(offset(1), 10, true);
    ASSERT_TRUE(one.has_value());
    auto hs = headers_of(one->records);
    ASSERT_EQ(hs.size(), 1u);
    EXPECT_EQ(hs[0].base_offset, 1);
    EXPECT_EQ(one->records.size(), batch_size);
}

TEST_F(partition_log_test, rolls_by_size_and_reads_across_segments) {
    log_config cfg;
    bytes probe = make_batch(2, 1000, 50);
    cfg.segment_bytes = static_cast<int64_t>(probe.size() * 3);  // three batches per segment
    auto log = open_log(cfg);
    for (int i = 0; i < 10; ++i) append(*log, make_batch(2, 1000, 50));
    EXPECT_EQ(log->segments().size(), 4u);
    auto logs = files_in(log->dir(), ".log");
    ASSERT_EQ(logs.size(), 4u);
    EXPECT_EQ(logs[0], "00000000000000000000.log");
    EXPECT_EQ(logs[1], "00000000000000000006.log");
    EXPECT_EQ(logs[2], "00000000000000000012.log");
    EXPECT_EQ(logs[3], "00000000000000000018.log");
    EXPECT_EQ(files_in(log->dir(), ".index").size(), 4u);
    EXPECT_EQ(files_in(log->dir(), ".timeindex").size(), 4u);
    for (const auto& seg : log->segments()) EXPECT_LE(seg->size_bytes(), static_cast<uint64_t>(cfg.segment_bytes));

    auto all = read_all(*log, offset(0));
    auto hs = headers_of(all);
    ASSERT_EQ(hs.size(), 10u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(hs[i].base_offset, 2 * i);
    auto from_seven = headers_of(read_all(*log, offset(7)));
    ASSERT_FALSE(from_seven.empty());
    EXPECT_EQ(from_seven.front().base_offset, 6);
}

TEST_F(partition_log_test, segments_keep_only_their_log_file_open) {
    log_config cfg;
    cfg.segment_bytes = static_cast<int64_t>(make_batch(2).size() * 2);
    cfg.index_interval_bytes = 1;
    auto log = open_log(cfg);
    for (int i = 0; i < 40; ++i) append(*log, make_batch(2));
    ASSERT_EQ(log->segments().size(), 20u);
    for (int64_t o = 0; o < 80; o += 3) ASSERT_TRUE(log->read(offset(o), 100, true).has_value());  // loads indexes
    size_t open_in_dir = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(e.path(), ec);
        if (!ec && target.string().rfind(log->dir().string(), 0) == 0) ++open_in_dir;
    }
    // Every .log (the process-wide cap of storage/fd_cache.h is above 20 here);
    // index files, the active segment's too, are closed between flushes.
    EXPECT_EQ(open_in_dir, 20u);
}

// Descriptors this process holds on files under `dir` whose name ends with `ext`.
size_t open_files_in(const std::filesystem::path& dir, const std::string& ext) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(e.path(), ec).string();
        if (!ec && target.rfind(dir.string(), 0) == 0 && target.ends_with(ext)) ++n;
    }
    return n;
}

TEST_F(partition_log_test, the_transaction_index_holds_no_descriptor_between_flushes) {
    auto log = open_log();
    for (int i = 0; i < 4; ++i) append(*log, make_batch(2));
    ASSERT_TRUE(log->append_aborted_txn({producer_id(7), offset(0), offset(3), offset(4)}));
    EXPECT_EQ(open_files_in(log->dir(), ".txnindex"), 1u);  // written through at once
    ASSERT_TRUE(log->flush());
    EXPECT_EQ(open_files_in(log->dir(), ".txnindex"), 0u);
    // Read back through a reopened file, and appended to again.
    auto found = log->collect_aborted_txns(offset(0), offset(8));
    ASSERT_TRUE(found.has_value());
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].producer, producer_id(7));
    ASSERT_TRUE(log->append_aborted_txn({producer_id(8), offset(4), offset(7), offset(8)}));
    ASSERT_TRUE(log->flush());
    EXPECT_EQ(open_files_in(log->dir(), ".txnindex"), 0u);
    EXPECT_EQ(log->collect_aborted_txns(offset(0), offset(8))->size(), 2u);
}

TEST_F(partition_log_test, a_batch_larger_than_a_segment_gets_its_own_segment) {
    log_config cfg;
    cfg.segment_bytes = 300;
    auto log = open_log(cfg);
    append(*log, make_batch(1, 1000, 10));
    append(*log, make_batch(1, 1000, 1000));  // alone, over segment_bytes
    append(*log, make_batch(1, 1000, 10));
    EXPECT_EQ(log->segments().size(), 3u);
    EXPECT_EQ(headers_of(read_all(*log, offset(0))).size(), 3u);
}

TEST_F(partition_log_test, rolls_by_time_since_the_first_append) {
    log_config cfg;
    cfg.segment_ms = std::chrono::milliseconds(100);
    auto log = open_log(cfg);
    append(*log, make_batch(1), 1000);
    append(*log, make_batch(1), 1099);
    EXPECT_EQ(log->segments().size(), 1u);
    append(*log, make_batch(1), 1100);
    EXPECT_EQ(log->segments().size(), 2u);
    EXPECT_EQ(log->segments().back()->base_offset(), offset(2));
    append(*log, make_batch(1), 1150);
    EXPECT_EQ(log->segments().size(), 2u);
    append(*log, make_batch(1), 1200);
    EXPECT_EQ(log->segments().size(), 3u);
}

TEST_F(partition_log_test, index_lookups_find_every_offset_after_many_segments) {
    log_config cfg;
    cfg.segment_bytes = 16 * 1024;
    cfg.index_interval_bytes = 256;
    auto log = open_log(cfg);
    std::vector<std::pair<int64_t, int64_t>> batches;  // base, last
    int64_t next = 0;
    for (int i = 0; i < 400; ++i) {
        int n = 1 + i % 4;
        auto r = append(*log, make_batch(n, 1000 + i, 40));
        EXPECT_EQ(r.base_offset, offset(next));
        batches.emplace_back(next, next + n - 1);
        next += n;
    }
    ASSERT_GE(log->segments().size(), 5u);
    for (const auto& seg : log->segments()) EXPECT_GT(seg->size_bytes(), 0u);
    size_t b = 0;
    for (int64_t o = 0; o < next; ++o) {
        while (batches[b].second < o) ++b;
        auto r = log->read(offset(o), 1, true);
        ASSERT_TRUE(r.has_value());
        auto hs = headers_of(r->records);
        ASSERT_EQ(hs.size(), 1u) << "offset " << o;
        EXPECT_EQ(hs[0].base_offset, batches[b].first) << "offset " << o;
    }
    // The index has entries and is written at close.
    ASSERT_TRUE(log->close().has_value());
    auto size = std::filesystem::file_size(log->dir() / "00000000000000000000.index");
    EXPECT_GT(size, 0u);
    EXPECT_EQ(size % 8, 0u);
    EXPECT_EQ(std::filesystem::file_size(log->dir() / "00000000000000000000.timeindex") % 12, 0u);
}

TEST_F(partition_log_test, offset_for_timestamp_finds_the_first_record_at_or_after) {
    log_config cfg;
    cfg.segment_bytes = 400;
    cfg.index_interval_bytes = 1;
    auto log = open_log(cfg);
    // Batch i: offsets 2i, 2i + 1 with timestamps 1000 + 100i, 1001 + 100i.
    for (int i = 0; i < 20; ++i) append(*log, make_batch(2, 1000 + 100 * i));
    ASSERT_GT(log->segments().size(), 3u);

    auto expect_hit = [&](int64_t ts, int64_t want_offset, int64_t want_ts) {
        auto r = log->offset_for_timestamp(timestamp_ms(ts));
        ASSERT_TRUE(r.has_value()) << r.error().message;
        ASSERT_TRUE(r->has_value()) << "ts " << ts;
        EXPECT_EQ((*r)->off, offset(want_offset)) << "ts " << ts;
        EXPECT_EQ((*r)->timestamp, timestamp_ms(want_ts)) << "ts " << ts;
    };
    expect_hit(1500, 10, 1500);
    expect_hit(1501, 11, 1501);  // the second record of its batch
    expect_hit(1502, 12, 1600);
    expect_hit(0, 0, 1000);
    auto late = log->offset_for_timestamp(timestamp_ms(99999));
    ASSERT_TRUE(late.has_value());
    EXPECT_FALSE(late->has_value());

    auto max = log->max_timestamp();
    ASSERT_TRUE(max.has_value() && max->has_value());
    EXPECT_EQ((*max)->timestamp, timestamp_ms(1000 + 100 * 19 + 1));
    EXPECT_EQ((*max)->off, offset(39));

    // After DeleteRecords the answer never goes below the log start.
    ASSERT_TRUE(log->delete_records_before(offset(11)).has_value());
    expect_hit(0, 11, 1501);
}

TEST_F(partition_log_test, offset_for_timestamp_looks_inside_compressed_batches) {
    auto log = open_log();
    record::record_batch_builder builder(record::compression_codec::gzip);
    for (int i = 0; i < 10; ++i) builder.add("k", "value", timestamp_ms(5000 + 10 * i));
    bytes batch = builder.build();
    append(*log, batch);
    auto r = log->offset_for_timestamp(timestamp_ms(5041));
    ASSERT_TRUE(r.has_value() && r->has_value());
    EXPECT_EQ((*r)->off, offset(5));
    EXPECT_EQ((*r)->timestamp, timestamp_ms(5050));
    auto max = log->max_timestamp();
    ASSERT_TRUE(max.has_value() && max->has_value());
    EXPECT_EQ((*max)->off, offset(9));
}

TEST_F(partition_log_test, sequential_reads_follow_the_log) {
    auto log = open_log();
    offset next(0);
    for (int i = 0; i < 50; ++i) {
        append(*log, make_batch(1 + i % 3));
        auto r = log->read(next, 1 << 20, true);
        ASSERT_TRUE(r.has_value());
        auto hs = headers_of(r->records);
        ASSERT_EQ(hs.size(), 1u);
        EXPECT_EQ(hs[0].base_offset, next());
        next = r->next_offset;
    }
    EXPECT_EQ(next, log->log_end_offset());
}

TEST_F(partition_log_test, offset_for_timestamp_handles_timestamps_that_go_back) {
    auto log = open_log();
    append(*log, make_batch(1, 5000));
    append(*log, make_batch(1, 1000));
    append(*log, make_batch(1, 6000));
    auto r = log->offset_for_timestamp(timestamp_ms(2000));
    ASSERT_TRUE(r.has_value() && r->has_value());
    EXPECT_EQ((*r)->off, offset(0));
    auto r2 = log->offset_for_timestamp(timestamp_ms(5500));
    ASSERT_TRUE(r2.has_value() && r2->has_value());
    EXPECT_EQ((*r2)->off, offset(2));
}

TEST_F(partition_log_test, log_append_time_stamps_the_clock_and_keeps_the_crc_valid) {
    log_config cfg;
    cfg.message_timestamp_type = timestamp_type::log_append_time;
    auto log = open_log(cfg);
    auto r = append(*log, make_batch(3, 1000), 777777);
    EXPECT_EQ(r.log_append_time, timestamp_ms(777777));
    auto got = read_all(*log, offset(0));
    EXPECT_TRUE(all_valid(got));
    auto hs = headers_of(got);
    ASSERT_EQ(hs.size(), 1u);
    EXPECT_TRUE(hs[0].log_append_time());
    EXPECT_EQ(hs[0].max_timestamp, 777777);
}

// Kafka's LogValidator stores every batch of a CreateTime topic as
// CreateTime: a producer's LogAppendTime mark goes, the CRC is redone.
TEST_F(partition_log_test, create_time_takes_the_log_append_time_mark_off_a_produced_batch) {
    auto log = open_log();
    bytes batch = make_batch(3, 1000);
    put_be16(batch.data() + 21, static_cast<uint16_t>((batch[21] << 8 | batch[22]) | 0x08));
    put_be32(batch.data() + 17, record::compute_batch_crc(batch));
    auto r = append(*log, batch, 777777);
    EXPECT_EQ(r.log_append_time, timestamp_ms(-1));
    auto got = read_all(*log, offset(0));
    EXPECT_TRUE(all_valid(got));
    auto hs = headers_of(got);
    ASSERT_EQ(hs.size(), 1u);
    EXPECT_FALSE(hs[0].log_append_time());
    EXPECT_EQ(hs[0].max_timestamp, 1002);
}

TEST_F(partition_log_test, refuses_a_malformed_record_set_without_changing_anything) {
    auto log = open_log();
    append(*log, make_batch(1));
    bytes torn = make_batch(2);
    torn.resize(torn.size() - 3);
    auto r = log->append(torn, timestamp_ms(1000));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::invalid_argument);
    bytes empty;
    EXPECT_FALSE(log->append(empty, timestamp_ms(1000)).has_value());
    EXPECT_EQ(log->log_end_offset(), offset(1));
    EXPECT_EQ(headers_of(read_all(*log, offset(0))).size(), 1u);
}

TEST_F(partition_log_test, delete_records_before_moves_the_start_and_drops_whole_segments) {
    log_config cfg;
    bytes probe = make_batch(2);
    cfg.segment_bytes = static_cast<int64_t>(probe.size() * 2);  // two batches (four offsets) per segment
    auto log = open_log(cfg);
    for (int i = 0; i < 8; ++i) append(*log, make_batch(2));  // offsets 0..15, segments at 0,4,8,12
    ASSERT_EQ(log->segments().size(), 4u);

    auto r = log->delete_records_before(offset(9));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, offset(9));
    EXPECT_EQ(log->log_start_offset(), offset(9));
    EXPECT_EQ(log->segments().size(), 2u);
    EXPECT_EQ(log->segments().front()->base_offset(), offset(8));
    EXPECT_EQ(files_in(log->dir(), ".log").size(), 2u);
    EXPECT_EQ(files_in(log->dir(), ".index").size(), 2u);

    auto below = log->read(offset(8), 1000, true);
    ASSERT_FALSE(below.has_value());
    EXPECT_EQ(below.error().code, errc::out_of_range);
    auto at = log->read(offset(9), 1000, true);
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(headers_of(at->records).front().base_offset, 8);  // the batch holding 9
    EXPECT_EQ(append(*log, make_batch(1)).log_start_offset, offset(9));

    EXPECT_EQ(*log->delete_records_before(offset(3)), offset(9));  // below the start: no-op
    auto past = log->delete_records_before(offset(100));
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error().code, errc::out_of_range);

    // Everything: an empty active segment at the log end remains.
    auto all = log->delete_records_before(log->high_watermark());
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(log->log_start_offset(), offset(17));
    EXPECT_EQ(log->segments().size(), 1u);
    EXPECT_EQ(log->segments().front()->base_offset(), offset(17));
    EXPECT_EQ(append(*log, make_batch(1)).base_offset, offset(17));
}

TEST_F(partition_log_test, flush_advances_the_recovery_point_and_flush_messages_is_honoured) {
    log_config cfg;
    cfg.flush_interval_messages = 5;
    auto log = open_log(cfg);
    append(*log, make_batch(3));
    EXPECT_EQ(log->recovery_point(), offset(0));
    append(*log, make_batch(3));
    EXPECT_EQ(log->recovery_point(), offset(6));
    EXPECT_EQ(log->published_recovery_point(), offset(6));
    append(*log, make_batch(1));
    ASSERT_TRUE(log->flush().has_value());
    EXPECT_EQ(log->recovery_point(), offset(7));
}

TEST_F(partition_log_test, flush_ms_is_honoured_at_append_and_at_maybe_flush) {
    log_config cfg;
    cfg.flush_interval_ms = std::chrono::milliseconds(100);
    auto log = open_log(cfg);
    ASSERT_TRUE(log->maybe_flush(timestamp_ms(1000)).has_value());
    append(*log, make_batch(1), 1010);
    EXPECT_EQ(log->recovery_point(), offset(0));
    ASSERT_TRUE(log->maybe_flush(timestamp_ms(1050)).has_value());
    EXPECT_EQ(log->recovery_point(), offset(0));
    ASSERT_TRUE(log->maybe_flush(timestamp_ms(1100)).has_value());
    EXPECT_EQ(log->recovery_point(), offset(1));
    append(*log, make_batch(1), 1150);
    EXPECT_EQ(log->recovery_point(), offset(1));
    append(*log, make_batch(1), 1250);
    EXPECT_EQ(log->recovery_point(), offset(3));
}

TEST_F(partition_log_test, reopen_after_close_keeps_everything_without_scanning) {
    log_config cfg;
    cfg.segment_bytes = 2000;
    cfg.index_interval_bytes = 128;
    bytes before;
    {
        auto log = open_log(cfg);
        for (int i = 0; i < 50; ++i) append(*log, make_batch(1 + i % 3, 1000 + i, 30));
        before = read_all(*log, offset(0));
        ASSERT_TRUE(log->close().has_value());
    }
    auto log = open_log(cfg, recovery_hint{true, std::nullopt, std::nullopt, std::nullopt});
    EXPECT_FALSE(log->summary().scanned);
    EXPECT_EQ(log->summary().indexes_rebuilt, 0u);
    EXPECT_EQ(read_all(*log, offset(0)), before);
    auto hs = headers_of(before);
    EXPECT_EQ(log->log_end_offset(), offset(hs.back().last_offset() + 1));
    const offset leo = log->log_end_offset();
    EXPECT_EQ(append(*log, make_batch(1)).base_offset, leo);
    auto max = log->max_timestamp();
    ASSERT_TRUE(max.has_value() && max->has_value());
    EXPECT_EQ((*max)->timestamp, timestamp_ms(1050));  // batch 49: two records at 1049 and 1050
    EXPECT_EQ((*max)->off, offset(hs.back().last_offset()));
}

// Preallocation (segment.h): blocks are reserved ahead of the active
// segment's end once it holds 4 MiB, the file's size never shows them, and
// roll and close give them back.
class preallocation_test : public partition_log_test {
protected:
    void SetUp() override {
        // Only where the filesystem reserves blocks (ext4, xfs, tmpfs do).
        auto probe = file::open(dir_.path() / "probe", true);
        ASSERT_TRUE(probe);
        if (!probe->preallocate(0, 1 << 20)) GTEST_SKIP() << "no fallocate on " << dir_.path();
    }
    static uint64_t allocated(const std::filesystem::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
        return static_cast<uint64_t>(st.st_blocks) * 512;
    }
    std::filesystem::path log_file(int64_t base) {
        return dir_.path() / "orders-0" / (segment_file_stem(offset(base)) + ".log");
    }
};

TEST_F(preallocation_test, reserves_ahead_without_changing_the_size_and_gives_it_back) {
    log_config cfg;
    cfg.segment_bytes = 64 << 20;
    bytes written;
    {
        auto log = open_log(cfg);
        size_t sent = 0;
        for (int i = 0; i < 9; ++i) {  // 9 batches of 512 KiB: 4.5 MiB
            bytes b = make_batch(1, 1000 + i, 512 * 1024);
            sent += b.size();
            append(*log, std::move(b));
        }
        written = read_all(*log, offset(0));
        EXPECT_EQ(written.size(), sent);
        EXPECT_TRUE(all_valid(written));
        const auto path = log_file(0);
        EXPECT_EQ(std::filesystem::file_size(path), written.size());
        EXPECT_EQ(log->size_bytes(), written.size());
        // From 4 MiB on, a quarter of what it holds (1 MiB) reserved past
        // the 9th batch's start: half a MiB past the end.
        EXPECT_GE(allocated(path), written.size() + (256u << 10));
        ASSERT_TRUE(log->close().has_value());
        EXPECT_EQ(std::filesystem::file_size(path), written.size());
        EXPECT_LT(allocated(path), written.size() + 64 * 1024) << "the reserve was given back at close";
    }
    // Reopened unclean (everything past the recovery point validated): the
    // file holds exactly the batches.
    auto log = open_log(cfg, recovery_hint{false, offset(0), std::nullopt, std::nullopt});
    EXPECT_EQ(log->summary().bytes_truncated, 0u);
    EXPECT_EQ(log->log_end_offset(), offset(9));
    EXPECT_EQ(read_all(*log, offset(0)), written);
}

TEST_F(preallocation_test, a_roll_gives_the_reserve_back_and_never_reserves_past_segment_bytes) {
    log_config cfg;
    cfg.segment_bytes = 5 << 20;
    auto log = open_log(cfg);
    for (int i = 0; i < 14; ++i) append(*log, make_batch(1, 1000 + i, 512 * 1024));
    ASSERT_GE(log->segments().size(), 2u);
    const auto first = log_file(0);
    EXPECT_LT(allocated(first), std::filesystem::file_size(first) + 64 * 1024);
    // The active one: never more than segment.bytes reserved.
    const auto active = log_file(log->segments().back()->base_offset()());
    EXPECT_LE(allocated(active), static_cast<uint64_t>(cfg.segment_bytes) + 64 * 1024);
}

// A crash leaves the reserve past the end: the file's size is still the
// data's, so recovery finds nothing to cut.
TEST_F(preallocation_test, a_crash_with_a_reserve_recovers_every_batch) {
    log_config cfg;
    cfg.segment_bytes = 64 << 20;
    auto log = open_log(cfg);
    for (int i = 0; i < 9; ++i) append(*log, make_batch(1, 1000 + i, 512 * 1024));
    bytes before = read_all(*log, offset(0));
    ASSERT_GE(allocated(log_file(0)), before.size() + (256u << 10));
    const auto crashed = dir_.path() / "crashed";
    std::filesystem::create_directories(crashed);
    testing::copy_tree(dir_.path() / "orders-0", crashed / "orders-0");
    // std::filesystem::copy copies bytes, not the reserve: put one back.
    {
        auto f = file::open(crashed / "orders-0" / (segment_file_stem(offset(0)) + ".log"), false);
        ASSERT_TRUE(f);
        ASSERT_TRUE(f->preallocate(before.size(), 8 << 20));
    }
    auto reopened = partition_log::open(crashed / "orders-0", cfg, recovery_hint{});
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_TRUE((*reopened)->summary().scanned);
    EXPECT_EQ((*reopened)->summary().bytes_truncated, 0u);
    EXPECT_EQ((*reopened)->log_end_offset(), offset(9));
    EXPECT_EQ(read_all(**reopened, offset(0)), before);
}

}  // namespace
}  // namespace samsa::storage
