// Log compaction (log_cleaner.h): the latest record of every key survives
// with its offset, tombstones go after delete.retention.ms past the clean
// that saw them, batches keep their codec and producer fields, the dirty
// ratio and min.compaction.lag.ms hold cleans back, and a crash at any point
// of the swap leaves old or new segments, never a mix.

#include <filesystem>

#include <gtest/gtest.h>

#include "cleanup_test_util.h"
#include "samsa/record/control_record.h"
#include "samsa/storage/log_cleaner.h"
#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/log_manager.h"
#include "samsa/storage/partition_log.h"

namespace samsa::storage {
namespace {

using record::compression_codec;
using testing::append_keyed;
using testing::clean_now;
using testing::compacted_config;
using testing::files_in;
using testing::kv;
using testing::latest_of;
using testing::read_all;
using testing::temp_dir;

class cleaner_test : public ::testing::Test {
protected:
    std::unique_ptr<partition_log> open_log(const log_config& cfg, const recovery_hint& hint = {}) {
        return open_log_at(dir_.path() / "table-0", cfg, hint);
    }
    // A log of its own in `dir`, for tests that loop over codecs.
    std::unique_ptr<partition_log> open_log_in(const temp_dir& dir, const log_config& cfg) {
        return open_log_at(dir.path() / "t-0", cfg, {});
    }
    std::unique_ptr<partition_log> open_log_at(const std::filesystem::path& path, const log_config& cfg,
                                               const recovery_hint& hint) {
        auto log = partition_log::open(path, cfg, hint);
        EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
        if (log) (*log)->set_cleaner(&cleaner_);
        // The broker tells a log about its open transactions (its producer
        // state); these logs have none unless a test says so.
        if (log) (*log)->set_first_unstable_offset(std::nullopt);
        return log ? std::move(*log) : nullptr;
    }
    std::filesystem::path log_dir() const { return dir_.path() / "table-0"; }

    // 10 keys x `rounds` values, one key per batch; returns key -> latest offset.
    static std::map<std::string, offset> write_rounds(partition_log& log, int rounds, int64_t ts = 1000) {
        std::map<std::string, offset> latest;
        for (int r = 0; r < rounds; ++r) {
            for (int k = 0; k < 10; ++k) {
                std::string key = "key-" + std::to_string(k);
                latest[key] = append_keyed(log, {{key, "value-" + std::to_string(r)}}, ts + r * 10 + k);
            }
        }
        return latest;
    }

    temp_dir dir_;
    log_cleaner cleaner_{cleaner_config{}};
};

TEST_F(cleaner_test, keeps_exactly_the_latest_record_of_every_key_at_its_offset) {
    auto log = open_log(compacted_config());
    auto latest = write_rounds(*log, 6);
    const auto before = read_all(*log);
    ASSERT_EQ(before.size(), 60u);
    const uint64_t size_before = log->size_bytes();
    const offset end_before = log->log_end_offset();

    ASSERT_TRUE(clean_now(*log, timestamp_ms(10'000)));
    auto after = read_all(*log);
    EXPECT_LT(after.size(), before.size());
    EXPECT_LT(log->size_bytes(), size_before);
    EXPECT_EQ(log->log_end_offset(), end_before);
    // Every key once in the cleaned part (the active segment is untouched), at its latest offset.
    auto got = latest_of(after);
    ASSERT_EQ(got.size(), latest.size());
    for (const auto& [key, off] : latest) {
        EXPECT_EQ(got[key].first, off) << key;
        EXPECT_EQ(got[key].second, std::optional<std::string>("value-5")) << key;
    }
    // Offsets stay increasing (gaps are fine).
    for (size_t i = 1; i < after.size(); ++i) EXPECT_LT(after[i - 1].off, after[i].off);
    const offset active_base = log->segments().back()->base_offset();
    size_t below_active = 0;
    for (const auto& r : after) below_active += r.off < active_base;
    EXPECT_LE(below_active, 10u);
    EXPECT_GE(log->cleaner_offset(), active_base);
    EXPECT_TRUE(files_in(log_dir(), ".cleaned").empty());
    EXPECT_TRUE(files_in(log_dir(), ".swap").empty());

    // A reopen (clean shutdown) reads the same.
    log.reset();
    recovery_hint hint;
    hint.clean_shutdown = true;
    auto reopened = open_log(compacted_config(), hint);
    auto again = read_all(*reopened);
    ASSERT_EQ(again.size(), after.size());
    for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].off, after[i].off);
}

TEST_F(cleaner_test, tombstones_stay_delete_retention_ms_after_the_clean_that_saw_them_then_go) {
    auto cfg = compacted_config();
    cfg.delete_retention_ms = std::chrono::milliseconds(5000);
    auto log = open_log(cfg);
    write_rounds(*log, 2);
    append_keyed(*log, {{"key-3", std::nullopt}}, 2000);  // delete key-3
    append_keyed(*log, {{"key-4", std::nullopt}}, 2001);  // delete key-4
    append_keyed(*log, {{"other", std::string(500, 'x')}}, 2002);  // rolls: the tombstones are in closed segments

    ASSERT_TRUE(clean_now(*log, timestamp_ms(10'000)));
    auto first = latest_of(read_all(*log));
    ASSERT_TRUE(first.count("key-3"));
    EXPECT_FALSE(first["key-3"].second.has_value()) << "the tombstone stays until its delete horizon";
    EXPECT_FALSE(first["key-4"].second.has_value());
    size_t key3_records = 0;
    for (const auto& r : read_all(*log)) key3_records += r.key == "key-3";
    EXPECT_EQ(key3_records, 1u) << "older values of a deleted key are gone at once";

    // Before the horizon (10'000 + 5000) nothing is due; after it the clean drops them.
    EXPECT_FALSE(clean_now(*log, timestamp_ms(12'000)));
    ASSERT_TRUE(clean_now(*log, timestamp_ms(15'001)));
    auto second = latest_of(read_all(*log));
    EXPECT_FALSE(second.count("key-3"));
    EXPECT_FALSE(second.count("key-4"));
    EXPECT_EQ(second.size(), 9u);  // key-0..9 without 3 and 4, plus "other"
    for (int k : {0, 1, 2, 5, 6, 7, 8, 9}) {
        EXPECT_EQ(second["key-" + std::to_string(k)].second, std::optional<std::string>("value-1"));
    }
}

TEST_F(cleaner_test, rewritten_batches_keep_codec_producer_fields_and_timestamps) {
    for (auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                       compression_codec::zstd}) {
        SCOPED_TRACE(static_cast<int>(codec));
        temp_dir dir;
        auto opened = open_log_in(dir, compacted_config(1000));
        ASSERT_TRUE(opened);
        auto& log = *opened;
        record::batch_producer producer{producer_id(42), producer_epoch(3), 7, false};
        // One batch: a, b, a, c (the first "a" is superseded inside its own batch).
        append_keyed(log, {{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}}, 5000, codec, producer);
        append_keyed(log, {{"b", std::string(1200, 'z')}}, 6000);  // rolls; supersedes b
        append_keyed(log, {{"d", "5"}}, 7000);                     // rolls again: the big batch is closed

        ASSERT_TRUE(clean_now(log, timestamp_ms(10'000)));
        auto read = log.read(offset(0), 1 << 20, true);
        ASSERT_TRUE(read.has_value());
        ASSERT_TRUE(testing::all_valid(read->records));
        auto headers = testing::headers_of(read->records);
        ASSERT_GE(headers.size(), 1u);
        const auto& h = headers.front();
        EXPECT_EQ(h.codec(), codec);
        EXPECT_EQ(h.base_offset, 0);
        EXPECT_EQ(h.last_offset_delta, 3);  // Kafka keeps the batch's last offset
        EXPECT_EQ(h.producer_id, 42);
        EXPECT_EQ(h.producer_epoch, 3);
        EXPECT_EQ(h.base_sequence, 7);
        EXPECT_EQ(h.records_count, 2);
        auto records = read_all(log);
        ASSERT_GE(records.size(), 2u);
        EXPECT_EQ(records[0].off, offset(2));
        EXPECT_EQ(records[0].key, "a");
        EXPECT_EQ(records[0].ts, timestamp_ms(5002));
        EXPECT_EQ(records[1].off, offset(3));
        EXPECT_EQ(records[1].key, "c");
        EXPECT_EQ(records[1].ts, timestamp_ms(5003));
        EXPECT_EQ(h.max_timestamp, 5003);
    }
}

TEST_F(cleaner_test, an_idempotent_producers_last_batch_is_kept_empty_and_its_earlier_ones_go) {
    for (auto codec : {compression_codec::none, compression_codec::lz4}) {
        SCOPED_TRACE(static_cast<int>(codec));
        temp_dir dir;
        auto opened = open_log_in(dir, compacted_config(1000));
        ASSERT_TRUE(opened);
        auto& log = *opened;
        // Producer 42 writes two batches (sequences 0-1 and 2-3); producer 43
        // one. A plain producer then supersedes every key they wrote.
        append_keyed(log, {{"a", "1"}, {"b", "1"}}, 5000, codec, {producer_id(42), producer_epoch(1), 0, false});
        append_keyed(log, {{"a", "2"}, {"b", "2"}}, 5001, codec, {producer_id(42), producer_epoch(1), 2, false});
        append_keyed(log, {{"c", "1"}}, 5002, codec, {producer_id(43), producer_epoch(0), 0, false});
        append_keyed(log, {{"a", "3"}, {"b", "3"}, {"c", std::string(1200, 'z')}}, 6000);  // rolls
        append_keyed(log, {{"d", "5"}}, 7000);  // rolls again: all of the above is closed

        ASSERT_TRUE(clean_now(log, timestamp_ms(10'000)));
        auto read = log.read(offset(0), 1 << 20, true);
        ASSERT_TRUE(read.has_value());
        ASSERT_TRUE(testing::all_valid(read->records));
        auto headers = testing::headers_of(read->records);
        ASSERT_GE(headers.size(), 3u);
        // 42's first batch is gone; its last and 43's only batch stay, empty,
        // with their offsets, producer fields and sequences.
        EXPECT_EQ(headers[0].base_offset, 2);
        EXPECT_EQ(headers[0].last_offset_delta, 1);
        EXPECT_EQ(headers[0].producer_id, 42);
        EXPECT_EQ(headers[0].producer_epoch, 1);
        EXPECT_EQ(headers[0].base_sequence, 2);
        EXPECT_EQ(headers[0].records_count, 0);
        EXPECT_EQ(headers[0].codec(), compression_codec::none);
        EXPECT_EQ(headers[0].max_timestamp, 5002);
        EXPECT_EQ(headers[1].base_offset, 4);
        EXPECT_EQ(headers[1].producer_id, 43);
        EXPECT_EQ(headers[1].records_count, 0);
        EXPECT_EQ(headers[2].base_offset, 5);
        EXPECT_EQ(headers[2].producer_id, -1);
        // The records read back are the plain producer's only.
        auto records = read_all(log);
        ASSERT_GE(records.size(), 3u);
        EXPECT_EQ(records[0].off, offset(5));

        // A second clean keeps the empty batches (still the producers' last) as they are.
        append_keyed(log, {{"a", "4"}}, 8000);
        append_keyed(log, {{"e", std::string(1200, 'y')}}, 9000);
        ASSERT_TRUE(clean_now(log, timestamp_ms(20'000)));
        auto again = log.read(offset(0), 1 << 20, true);
        ASSERT_TRUE(again.has_value());
        auto headers2 = testing::headers_of(again->records);
        ASSERT_GE(headers2.size(), 2u);
        EXPECT_EQ(headers2[0].base_offset, 2);
        EXPECT_EQ(headers2[0].records_count, 0);
        EXPECT_EQ(headers2[1].base_offset, 4);
    }
}

TEST_F(cleaner_test, the_dirty_ratio_and_min_compaction_lag_hold_a_clean_back) {
    auto cfg = compacted_config();
    cfg.min_compaction_lag_ms = std::chrono::milliseconds(60'000);
    auto log = open_log(cfg);
    write_rounds(*log, 3, 1000);
    EXPECT_FALSE(clean_now(*log, timestamp_ms(2000))) << "every segment is younger than the lag";
    EXPECT_TRUE(clean_now(*log, timestamp_ms(100'000)));

    // Now mostly clean: a little new dirt stays below a 0.9 ratio.
    cfg.min_compaction_lag_ms = std::chrono::milliseconds(0);
    cfg.min_cleanable_dirty_ratio = 0.9;
    log->set_config(cfg);
    append_keyed(*log, {{"key-1", "new"}}, 200'000);
    append_keyed(*log, {{"key-2", "new"}}, 200'001);
    append_keyed(*log, {{"pad", std::string(500, 'p')}}, 200'002);  // rolls: the new records are in a closed segment
    EXPECT_FALSE(clean_now(*log, timestamp_ms(300'000)));
    // max.compaction.lag.ms forces it once the first dirty segment is old enough.
    cfg.max_compaction_lag_ms = std::chrono::milliseconds(1000);
    log->set_config(cfg);
    EXPECT_TRUE(clean_now(*log, timestamp_ms(300'000)));
    EXPECT_EQ(latest_of(read_all(*log))["key-1"].second, std::optional<std::string>("new"));
}

TEST_F(cleaner_test, the_active_segment_is_never_cleaned) {
    auto log = open_log(compacted_config(1 << 20));  // everything stays in the active segment
    write_rounds(*log, 5);
    EXPECT_FALSE(clean_now(*log, timestamp_ms(100'000)));
    EXPECT_EQ(read_all(*log).size(), 50u);
}

// Runs the cleaner's heavy part directly, as a job would, without the swap.
clean_result clean_without_swap(partition_log& log, const std::filesystem::path& dir, timestamp_ms now,
                                io_throttler* throttle = nullptr) {
    clean_request req;
    req.throttle = throttle;
    req.dir = dir;
    req.first_dirty = log.log_start_offset();
    req.now = now;
    req.delete_retention = std::chrono::milliseconds(1000);
    req.max_segment_bytes = 1 << 20;  // one group: a single swap replaces every closed segment
    req.max_index_bytes = log.config().segment_index_bytes;
    req.index_interval_bytes = log.config().index_interval_bytes;
    req.map_entries = 1000;
    req.io_buffer_size = 64 * 1024;
    const auto& segs = log.segments();
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
        auto f = file::open(segs[i]->log_path(), false);
        EXPECT_TRUE(f.has_value());
        req.segments.push_back({segs[i]->base_offset(), segs[i + 1]->base_offset(), segs[i]->size_bytes(),
                                std::move(*f)});
    }
    std::atomic<bool> cancel{false};
    auto out = clean_segments(req, cancel);
    EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message);
    return out ? std::move(*out) : clean_result{};
}

// log.cleaner.io.max.bytes.per.second: every byte the clean reads (mapping,
// then copying) and writes is counted, and the throttle stretches the clean
// to that rate. On a simulated clock where each reading of the clock moves it
// 50 ms (so a check comes every few batches, and the bytes after the last
// check — not throttled — are a few batches' worth) and a sleep moves it on.
TEST_F(cleaner_test, the_io_limit_counts_every_byte_read_and_written_and_stretches_the_clean) {
    auto log = open_log(compacted_config());
    write_rounds(*log, 40);
    auto now = std::chrono::steady_clock::time_point{};
    std::chrono::milliseconds slept{0};
    constexpr double limit = 500;  // bytes/s, far below the simulated clean's own pace
    io_throttler throttle(
        limit, [&] { return now += std::chrono::milliseconds(50); },
        [&](std::chrono::milliseconds d, const std::atomic<bool>&) {
            slept += d;
            now += d;
        });
    auto result = clean_without_swap(*log, log_dir(), timestamp_ms(10'000), &throttle);
    ASSERT_FALSE(result.groups.empty());
    // Read twice (the key map, then the copy), written once.
    const double io = 2.0 * static_cast<double>(result.stats.bytes_read) + static_cast<double>(result.stats.bytes_written);
    const double took_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    // Without the limit the simulated clean would take about a tenth of this.
    EXPECT_NEAR(took_s, io / limit, 0.05 * io / limit) << "bytes " << io << ", slept " << slept.count() << " ms";
    EXPECT_GT(slept.count(), 0);
}

TEST_F(cleaner_test, a_crash_before_the_commit_leaves_the_old_segments) {
    std::vector<testing::read_record> before;
    {
        auto log = open_log(compacted_config());
        write_rounds(*log, 4);
        before = read_all(*log);
        auto result = clean_without_swap(*log, log_dir(), timestamp_ms(10'000));
        ASSERT_FALSE(result.groups.empty());
        ASSERT_FALSE(files_in(log_dir(), ".cleaned").empty());
    }  // "crash": the .cleaned files stay
    auto log = open_log(compacted_config());
    EXPECT_TRUE(files_in(log_dir(), ".cleaned").empty());
    auto after = read_all(*log);
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].off, before[i].off);
}

TEST_F(cleaner_test, a_crash_after_the_commit_is_finished_at_open_even_with_some_old_segments_gone) {
    std::map<std::string, offset> latest;
    size_t expected_records = 0;
    for (int variant = 0; variant < 2; ++variant) {
        SCOPED_TRACE(variant == 0 ? "all old segments left" : "some old segments already deleted");
        temp_dir dir;
        auto path = dir.path() / "table-0";
        {
            auto opened = partition_log::open(path, compacted_config());
            ASSERT_TRUE(opened.has_value());
            latest = write_rounds(**opened, 4);
            auto result = clean_without_swap(**opened, path, timestamp_ms(10'000));
            ASSERT_FALSE(result.groups.empty());
            // Commit as the owner would (indexes then .log to .swap), then "crash".
            for (const auto& g : result.groups) {
                if (!g.next) continue;
                for (std::string_view ext : {".index", ".timeindex", ".log"})
                    std::filesystem::rename(cleaned_file(path, g.base, ext), swap_file(path, g.base, ext));
                if (variant == 1) {
                    // Step c had begun: the last old segments of the group are gone.
                    for (size_t i = g.old_bases.size() / 2; i < g.old_bases.size(); ++i) {
                        if (g.old_bases[i] == g.base) continue;
                        std::filesystem::remove(path / (segment_file_stem(g.old_bases[i]) + ".log"));
                        std::filesystem::remove(path / (segment_file_stem(g.old_bases[i]) + ".index"));
                        std::filesystem::remove(path / (segment_file_stem(g.old_bases[i]) + ".timeindex"));
                    }
                }
            }
        }
        auto opened = partition_log::open(path, compacted_config());
        ASSERT_TRUE(opened.has_value()) << opened.error().message;

        EXPECT_TRUE(files_in(path, ".swap").empty());
        auto records = read_all(**opened);
        auto got = latest_of(records);
        ASSERT_EQ(got.size(), latest.size());
        for (const auto& [key, off] : latest) EXPECT_EQ(got[key].first, off) << key;
        for (size_t i = 1; i < records.size(); ++i) EXPECT_LT(records[i - 1].off, records[i].off);
        if (variant == 0) expected_records = records.size();
        else EXPECT_EQ(records.size(), expected_records) << "never a mix of old and cleaned segments";
        EXPECT_LT(records.size(), 40u);
    }
}

TEST_F(cleaner_test, closing_a_log_cancels_its_clean) {
    auto log = open_log(compacted_config());
    write_rounds(*log, 4);
    ASSERT_TRUE(log->maybe_start_clean(timestamp_ms(10'000)).has_value());
    ASSERT_TRUE(log->close().has_value());  // waits for the job, whatever it got to
    log.reset();
    auto reopened = open_log(compacted_config());
    EXPECT_TRUE(files_in(log_dir(), ".swap").empty());
    EXPECT_EQ(latest_of(read_all(*reopened)).size(), 10u);
}

TEST_F(cleaner_test, a_clean_whose_segments_were_deleted_meanwhile_is_dropped) {
    auto log = open_log(compacted_config());
    write_rounds(*log, 4);
    ASSERT_TRUE(log->maybe_start_clean(timestamp_ms(10'000)).has_value());
    ASSERT_TRUE(log->cleaning());
    // DeleteRecords while the cleaner works: the first segments go.
    auto start = log->delete_records_before(offset(12));
    ASSERT_TRUE(start.has_value());
    for (int i = 0; i < 2000 && log->cleaning(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ASSERT_TRUE(log->finish_clean().has_value());
    }
    ASSERT_FALSE(log->cleaning());
    EXPECT_TRUE(files_in(log_dir(), ".cleaned").empty());
    EXPECT_TRUE(files_in(log_dir(), ".swap").empty());
    auto records = read_all(*log);
    ASSERT_EQ(records.size(), 28u) << "the clean was dropped, DeleteRecords applied";
    EXPECT_EQ(records.front().off, offset(12));
    // The next clean works from what is there.
    EXPECT_TRUE(clean_now(*log, timestamp_ms(20'000)));
    EXPECT_EQ(latest_of(read_all(*log)).size(), 10u);
}

// --- transactions (step 5) -------------------------------------------------

record::batch_producer txn_producer(int64_t pid, int32_t seq) {
    return {producer_id(pid), producer_epoch(0), seq, /*transactional=*/true};
}

offset append_marker(partition_log& log, int64_t pid, record::control_type type, int64_t ts) {
    bytes batch = record::build_end_txn_marker_batch(producer_id(pid), producer_epoch(0), {type, 0}, timestamp_ms(ts));
    auto appended = log.append(batch, timestamp_ms(ts));
    EXPECT_TRUE(appended.has_value());
    return appended ? appended->base_offset : offset(-1);
}

// The control batches of the log: base offset -> record count.
std::map<int64_t, int32_t> control_batches(const partition_log& log) {
    std::map<int64_t, int32_t> out;
    auto got = log.read(log.log_start_offset(), 64 << 20, true);
    EXPECT_TRUE(got.has_value());
    if (!got) return out;
    record::batch_splitter split(got->records);
    while (auto b = split.next()) {
        auto h = record::read_batch_header(*b);
        if (h && h->control()) out[h->base_offset] = h->records_count;
    }
    return out;
}

std::vector<std::string> values_of(const partition_log& log) {
    std::vector<std::string> out;
    for (const auto& r : read_all(log)) {
        if (r.value && !r.key.empty() && r.key[0] != '\0') out.push_back(*r.value);  // not a marker's key
    }
    return out;
}

TEST_F(cleaner_test, aborted_transactions_lose_their_data_and_then_their_markers) {
    auto cfg = compacted_config();
    cfg.delete_retention_ms = std::chrono::milliseconds(5000);
    auto log = open_log(cfg);
    const offset first = append_keyed(*log, {{"a", "aborted-a"}, {"b", "aborted-b"}}, 1000, compression_codec::none,
                                      txn_producer(7, 0));
    append_keyed(*log, {{"c", "committed-c"}}, 1001, compression_codec::none, txn_producer(8, 0));
    const offset abort_at = append_marker(*log, 7, record::control_type::abort, 1002);
    ASSERT_TRUE(log->append_aborted_txn({producer_id(7), first, abort_at, offset(2)}));
    const offset commit_at = append_marker(*log, 8, record::control_type::commit, 1003);
    append_keyed(*log, {{"a", "plain-a"}}, 1004, compression_codec::none, {producer_id(7), producer_epoch(0), 2});
    append_keyed(*log, {{"other", std::string(500, 'x')}}, 1005);  // rolls

    ASSERT_TRUE(clean_now(*log, timestamp_ms(10'000)));
    auto values = values_of(*log);
    EXPECT_EQ(std::count(values.begin(), values.end(), "aborted-b"), 0);
    EXPECT_EQ(std::count(values.begin(), values.end(), "committed-c"), 1);
    EXPECT_EQ(std::count(values.begin(), values.end(), "plain-a"), 1);
    // Both markers stay: this clean saw data of their transactions; the
    // abort's .txnindex entry moved into the cleaned segment with it.
    auto markers = control_batches(*log);
    EXPECT_EQ(markers.count(abort_at()), 1u);
    EXPECT_EQ(markers.count(commit_at()), 1u);
    auto aborted = log->collect_aborted_txns(offset(0), log->log_end_offset());
    ASSERT_TRUE(aborted);
    EXPECT_EQ(aborted->size(), 1u);

    // The next clean finds no data of the aborted transaction: its marker
    // gets a delete horizon, and goes once that passed. The commit marker
    // stays while its transaction's record "c" does.
    append_keyed(*log, {{"d", "later"}}, 11'000);
    append_keyed(*log, {{"other", std::string(500, 'y')}}, 11'001);
    ASSERT_TRUE(clean_now(*log, timestamp_ms(12'000)));
    EXPECT_EQ(control_batches(*log).count(abort_at()), 1u);
    EXPECT_TRUE(log->collect_aborted_txns(offset(0), log->log_end_offset())->empty());
    EXPECT_FALSE(clean_now(*log, timestamp_ms(13'000)));  // horizon 17'000 not reached, nothing dirty
    ASSERT_TRUE(clean_now(*log, timestamp_ms(17'001)));
    markers = control_batches(*log);
    EXPECT_EQ(markers.count(abort_at()), 0u);
    EXPECT_EQ(markers.count(commit_at()), 1u);
    values = values_of(*log);
    EXPECT_EQ(std::count(values.begin(), values.end(), "committed-c"), 1);
}

TEST_F(cleaner_test, an_open_transaction_and_everything_after_it_is_not_cleaned) {
    auto log = open_log(compacted_config());
    write_rounds(*log, 2);
    const offset open_at =
        append_keyed(*log, {{"key-1", "uncommitted"}}, 2000, compression_codec::none, txn_producer(9, 0));
    write_rounds(*log, 2, 3000);
    append_keyed(*log, {{"other", std::string(500, 'x')}}, 4000);  // rolls
    log->set_first_unstable_offset(open_at);
    ASSERT_TRUE(clean_now(*log, timestamp_ms(10'000)));
    // Below the open transaction: compacted. From it on: untouched.
    EXPECT_LT(log->cleaner_offset(), open_at + 1);
    auto values = values_of(*log);
    EXPECT_EQ(std::count(values.begin(), values.end(), "uncommitted"), 1);
    size_t after = 0;
    for (const auto& r : read_all(*log)) after += r.off >= open_at && r.key.rfind("key-", 0) == 0;
    EXPECT_EQ(after, 21u);  // the open record and both later rounds, all of them
}

TEST(cleaner_checkpoint_test, log_manager_keeps_the_cleaner_offset_across_a_restart) {
    temp_dir dir;
    log_manager_config lc;
    lc.log_dirs = {dir.path()};
    lc.checkpoint_interval = std::chrono::milliseconds(0);
    lc.default_config = compacted_config();
    offset cleaned_up_to{-1};
    {
        auto mgr = log_manager::open(lc);
        ASSERT_TRUE(mgr.has_value());
        auto log = (*mgr)->create_log("table", partition_id(0), samsa::uuid::random(), compacted_config());
        ASSERT_TRUE(log.has_value());
        for (int r = 0; r < 4; ++r)
            for (int k = 0; k < 5; ++k) append_keyed(**log, {{"k" + std::to_string(k), "v"}}, 1000 + r * 10 + k);
        (*log)->set_first_unstable_offset(std::nullopt);  // no open transactions
        ASSERT_TRUE(clean_now(**log, timestamp_ms(10'000)));
        cleaned_up_to = (*log)->cleaner_offset();
        EXPECT_GT(cleaned_up_to, offset(0));
        ASSERT_TRUE((*mgr)->close().has_value());
    }
    auto entries = read_checkpoint(dir.path() / cleaner_offset_checkpoint_file);
    ASSERT_TRUE(entries.has_value());
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ(entries->front().off, cleaned_up_to);
    auto mgr = log_manager::open(lc);
    ASSERT_TRUE(mgr.has_value());
    EXPECT_EQ((*mgr)->get_log("table", partition_id(0))->cleaner_offset(), cleaned_up_to);
}

}  // namespace
}  // namespace samsa::storage
