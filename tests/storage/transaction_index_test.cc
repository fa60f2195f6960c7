// The .txnindex: Kafka's 34-byte entries, collecting the aborted
// transactions of a fetch range across segments, truncation with the log,
// and read_committed reads that stop at an offset.
#include "samsa/storage/transaction_index.h"

#include <gtest/gtest.h>

#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage::testing {
namespace {

aborted_txn txn(int64_t pid, int64_t first, int64_t last, int64_t lso) {
    return {producer_id(pid), offset(first), offset(last), offset(lso)};
}

TEST(transaction_index, entries_are_kafkas_34_bytes_written_through) {
    temp_dir dir;
    transaction_index index(dir.path() / "00000000000000000000.txnindex");
    EXPECT_FALSE(std::filesystem::exists(index.path()));  // no file until an entry exists, as Kafka
    ASSERT_TRUE(index.append(txn(7, 100, 250, 251)));
    ASSERT_EQ(std::filesystem::file_size(index.path()), 34u);
    auto data = read_small_file(index.path());
    ASSERT_TRUE(data);
    bytes expected{0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 100,
                   0, 0, 0, 0, 0, 0, 0, 250, 0, 0, 0, 0, 0, 0, 0, 251};
    EXPECT_EQ(bytes(data->begin(), data->end()), expected);
    EXPECT_FALSE(index.append(txn(8, 10, 250, 251)));  // last offsets must increase
    transaction_index reread(index.path());
    auto all = reread.all();
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, std::vector<aborted_txn>{txn(7, 100, 250, 251)});
}

TEST(transaction_index, collect_finds_overlapping_entries_and_says_when_it_is_complete) {
    temp_dir dir;
    transaction_index index(dir.path() / "x.txnindex");
    ASSERT_TRUE(index.append(txn(1, 0, 5, 6)));
    ASSERT_TRUE(index.append(txn(2, 3, 10, 4)));   // another was open at 4
    ASSERT_TRUE(index.append(txn(3, 20, 30, 31)));
    auto r = index.collect(offset(6), offset(25));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->found, (std::vector<aborted_txn>{txn(2, 3, 10, 4), txn(3, 20, 30, 31)}));
    EXPECT_TRUE(r->complete);
    auto open = index.collect(offset(40), offset(50));
    EXPECT_TRUE(open->found.empty());
    EXPECT_FALSE(open->complete);
}

TEST(transaction_index, a_damaged_file_is_an_error) {
    temp_dir dir;
    auto path = dir.path() / "x.txnindex";
    ASSERT_TRUE(write_file_atomically(path, std::string(33, '\0')));
    transaction_index index(path);
    EXPECT_FALSE(index.load());
    ASSERT_TRUE(write_file_atomically(path, std::string(34, '\1')));
    EXPECT_FALSE(index.load());  // version 0x0101
}

TEST(transaction_index, the_log_collects_across_segments_and_truncates_with_recovery) {
    temp_dir dir;
    log_config config;
    config.segment_bytes = 200;  // about two batches per segment
    auto log = partition_log::open(dir.path() / "t-0", config);
    ASSERT_TRUE(log);
    for (int i = 0; i < 8; ++i) {
        bytes b = make_batch(1);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1000)));
    }
    ASSERT_GT((*log)->segments().size(), 2u);
    ASSERT_TRUE((*log)->append_aborted_txn(txn(7, 1, 3, 4)));
    ASSERT_TRUE((*log)->append_aborted_txn(txn(8, 2, 7, 8)));
    ASSERT_TRUE((*log)->append_aborted_txn(txn(8, 2, 7, 8), /*if_missing=*/true));  // already there
    EXPECT_FALSE((*log)->append_aborted_txn(txn(9, 0, 99, 100)));                  // past the log end
    auto all = (*log)->collect_aborted_txns(offset(0), offset(8));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u);
    auto late = (*log)->collect_aborted_txns(offset(5), offset(8));
    ASSERT_TRUE(late);
    EXPECT_EQ(*late, std::vector<aborted_txn>{txn(8, 2, 7, 8)});
    const auto dir_path = (*log)->dir();
    log->reset();
    // The last batch (offset 7) is torn and recovery cuts it: the entry
    // whose marker was there goes with it.
    std::filesystem::path last_log;
    for (const auto& e : std::filesystem::directory_iterator(dir_path))
        if (e.path().extension() == ".log" && (last_log.empty() || e.path() > last_log)) last_log = e.path();
    std::filesystem::resize_file(last_log, std::filesystem::file_size(last_log) - 3);
    auto reopened = partition_log::open(dir_path, config, recovery_hint{false, offset(0), std::nullopt, std::nullopt});
    ASSERT_TRUE(reopened);
    auto left = (*reopened)->collect_aborted_txns(offset(0), (*reopened)->log_end_offset());
    ASSERT_TRUE(left);
    EXPECT_EQ((*reopened)->log_end_offset(), offset(7));
    EXPECT_EQ(*left, std::vector<aborted_txn>{txn(7, 1, 3, 4)});
}

TEST(transaction_index, reads_stop_before_an_end_offset) {
    temp_dir dir;
    auto log = partition_log::open(dir.path() / "t-0", log_config{});
    ASSERT_TRUE(log);
    for (int i = 0; i < 4; ++i) {  // 0-1 2-3 4-5 6-7
        bytes b = make_batch(2);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1000)));
    }
    auto r = (*log)->read(offset(0), 1 << 20, true, offset(4));
    ASSERT_TRUE(r);
    EXPECT_EQ(headers_of(r->records).size(), 2u);
    EXPECT_EQ(r->next_offset, offset(4));
    auto none = (*log)->read(offset(4), 1 << 20, true, offset(4));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->records.empty());
    EXPECT_EQ((*log)->last_stable_offset(), offset(8));
    (*log)->set_first_unstable_offset(offset(2));
    EXPECT_EQ((*log)->last_stable_offset(), offset(2));
    ASSERT_TRUE((*log)->delete_records_before(offset(6)));
    EXPECT_EQ((*log)->last_stable_offset(), offset(6));  // never below the log start
}

}  // namespace
}  // namespace samsa::storage::testing
