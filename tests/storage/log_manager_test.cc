#include "samsa/storage/log_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "samsa/storage/background_flusher.h"
#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/fd_cache.h"
#include "samsa/storage/file.h"
#include "samsa/storage/partition_metadata.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::headers_of;
using testing::make_batch;
using testing::temp_dir;

class log_manager_test : public ::testing::Test {
protected:
    std::unique_ptr<log_manager> open(std::vector<std::filesystem::path> dirs = {}) {
        log_manager_config cfg;
        cfg.log_dirs = dirs.empty() ? std::vector<std::filesystem::path>{dir_.path()} : dirs;
        cfg.checkpoint_interval = std::chrono::milliseconds(0);
        auto mgr = log_manager::open(cfg);
        EXPECT_TRUE(mgr.has_value()) << (mgr ? "" : mgr.error().message);
        return mgr ? std::move(*mgr) : nullptr;
    }
    std::string read_text(const std::filesystem::path& p) { return read_small_file(p).value(); }

    temp_dir dir_;
};

TEST_F(log_manager_test, create_append_close_reopen_keeps_logs_and_topic_ids) {
    auto id = samsa::uuid::random();
    bytes before;
    {
        auto mgr = open();
        auto log = mgr->create_log("orders", partition_id(0), id, log_config{});
        ASSERT_TRUE(log.has_value());
        ASSERT_TRUE(mgr->create_log("orders", partition_id(1), id, log_config{}).has_value());
        bytes b = make_batch(3);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
        before = (*log)->read(offset(0), 1 << 20, true)->records;
        EXPECT_EQ(mgr->get_log("orders", partition_id(0)), *log);
        EXPECT_EQ(mgr->get_log("orders", partition_id(2)), nullptr);
        EXPECT_EQ(mgr->get_log("other", partition_id(0)), nullptr);
        auto again = mgr->create_log("orders", partition_id(0), id, log_config{});
        ASSERT_FALSE(again.has_value());
        EXPECT_EQ(again.error().code, errc::already_exists);
        ASSERT_TRUE(mgr->close().has_value());
    }
    EXPECT_TRUE(std::filesystem::is_directory(dir_.path() / "orders-0"));
    EXPECT_EQ(read_text(dir_.path() / "orders-0" / "partition.metadata"),
              "version: 0\ntopic_id: " + samsa::to_string(id) + "\n");
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / ".kafka_cleanshutdown"));
    EXPECT_EQ(read_text(dir_.path() / "recovery-point-offset-checkpoint"), "0\n2\norders 0 3\norders 1 0\n");
    EXPECT_EQ(read_text(dir_.path() / "log-start-offset-checkpoint"), "0\n2\norders 0 0\norders 1 0\n");

    auto mgr = open();
    auto logs = mgr->logs();
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_EQ(logs[0].topic, "orders");
    EXPECT_EQ(logs[0].partition, partition_id(0));
    EXPECT_EQ(logs[0].topic_id, id);
    EXPECT_EQ(logs[1].partition, partition_id(1));
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->read(offset(0), 1 << 20, true)->records, before);
    EXPECT_EQ(log->log_end_offset(), offset(3));
}

TEST_F(log_manager_test, a_clean_close_of_many_logs_syncs_once_and_checkpoints_every_log_end) {
    // Above the threshold the close skips each log's fsyncs and syncs the file
    // system once; every recovery point must still reach its log end.
    const int partitions = static_cast<int>(log_manager::sync_file_system_above_logs) + 6;
    auto id = samsa::uuid::random();
    std::vector<bytes> written(static_cast<size_t>(partitions));
    {
        auto mgr = open();
        for (int p = 0; p < partitions; ++p) {
            auto log = mgr->create_log("many", partition_id(p), id, log_config{});
            ASSERT_TRUE(log.has_value()) << log.error().message;
            bytes b = make_batch(1 + p % 4);
            ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
            written[static_cast<size_t>(p)] = (*log)->read(offset(0), 1 << 20, true)->records;
        }
        ASSERT_TRUE(mgr->close().has_value());
    }
    auto entries = read_checkpoint(dir_.path() / "recovery-point-offset-checkpoint");
    ASSERT_TRUE(entries.has_value()) << entries.error().message;
    ASSERT_EQ(entries->size(), static_cast<size_t>(partitions));
    for (const auto& e : *entries) EXPECT_EQ(e.off, offset(1 + e.partition() % 4)) << "many-" << e.partition();
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / ".kafka_cleanshutdown"));

    auto mgr = open();
    EXPECT_EQ(mgr->startup().logs_opened, static_cast<size_t>(partitions));
    EXPECT_EQ(mgr->startup().logs_recovered, 0u);
    for (int p = 0; p < partitions; ++p) {
        auto* log = mgr->get_log("many", partition_id(p));
        ASSERT_NE(log, nullptr);
        EXPECT_EQ(log->log_end_offset(), offset(1 + p % 4));
        EXPECT_EQ(log->read(offset(0), 1 << 20, true)->records, written[static_cast<size_t>(p)]);
    }
}

TEST_F(log_manager_test, refuses_names_kafka_refuses) {
    auto mgr = open();
    for (const std::string& bad : std::vector<std::string>{"", ".", "..", "has space", "slash/name", std::string(250, 'a')}) {
        auto r = mgr->create_log(bad, partition_id(0), samsa::uuid::random(), log_config{});
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_EQ(r.error().code, errc::invalid_argument);
    }
    EXPECT_FALSE(mgr->create_log("ok", partition_id(-1), samsa::uuid::random(), log_config{}).has_value());
    EXPECT_TRUE(mgr->create_log("with-dash-7", partition_id(3), samsa::uuid::random(), log_config{}).has_value());
    mgr.reset();
    mgr = open();
    ASSERT_NE(mgr->get_log("with-dash-7", partition_id(3)), nullptr);
}

TEST_F(log_manager_test, delete_logs_renames_then_removes_and_forgets_the_topic) {
    auto mgr = open();
    for (int p = 0; p < 3; ++p)
        ASSERT_TRUE(mgr->create_log("gone", partition_id(p), samsa::uuid::random(), log_config{}).has_value());
    ASSERT_TRUE(mgr->create_log("kept", partition_id(0), samsa::uuid::random(), log_config{}).has_value());
    ASSERT_TRUE(mgr->delete_logs("gone").has_value());
    EXPECT_EQ(mgr->get_log("gone", partition_id(0)), nullptr);
    EXPECT_NE(mgr->get_log("kept", partition_id(0)), nullptr);
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
        EXPECT_EQ(e.path().filename().string().rfind("gone", 0), std::string::npos) << e.path();
    EXPECT_EQ(read_text(dir_.path() / "recovery-point-offset-checkpoint"), "0\n1\nkept 0 0\n");
    auto missing = mgr->delete_logs("gone");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, errc::not_found);
    // A deletion interrupted by a crash is finished at the next start.
    ASSERT_TRUE(mgr->close().has_value());
    std::filesystem::create_directories(dir_.path() / "gone-0.0123456789abcdef0123456789abcdef-delete");
    mgr = open();
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "gone-0.0123456789abcdef0123456789abcdef-delete"));
    EXPECT_EQ(mgr->logs().size(), 1u);
}

TEST_F(log_manager_test, log_start_offset_survives_a_restart) {
    log_config cfg;
    cfg.segment_bytes = static_cast<int64_t>(make_batch(2).size() * 2);
    {
        auto mgr = open();
        auto log = mgr->create_log("t", partition_id(0), samsa::uuid::random(), cfg);
        ASSERT_TRUE(log.has_value());
        for (int i = 0; i < 6; ++i) {
            bytes b = make_batch(2);
            ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
        }
        ASSERT_TRUE((*log)->delete_records_before(offset(5)).has_value());
        ASSERT_TRUE(mgr->checkpoint().has_value());
        EXPECT_EQ(read_text(dir_.path() / "log-start-offset-checkpoint"), "0\n1\nt 0 5\n");
    }
    auto mgr = open();
    auto* log = mgr->get_log("t", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->log_start_offset(), offset(5));
    EXPECT_EQ(log->log_end_offset(), offset(12));
    EXPECT_FALSE(log->read(offset(4), 100, true).has_value());
    EXPECT_EQ(headers_of(log->read(offset(5), 1 << 20, true)->records).front().base_offset, 4);
}

TEST_F(log_manager_test, new_partitions_go_to_the_emptiest_log_dir) {
    std::filesystem::path a = dir_.path() / "a";
    std::filesystem::path b = dir_.path() / "b";
    auto mgr = open({a, b});
    for (int p = 0; p < 4; ++p)
        ASSERT_TRUE(mgr->create_log("t", partition_id(p), samsa::uuid::random(), log_config{}).has_value());
    EXPECT_TRUE(std::filesystem::exists(a / "t-0"));
    EXPECT_TRUE(std::filesystem::exists(b / "t-1"));
    EXPECT_TRUE(std::filesystem::exists(a / "t-2"));
    EXPECT_TRUE(std::filesystem::exists(b / "t-3"));
    ASSERT_TRUE(mgr->close().has_value());
    EXPECT_EQ(read_text(a / "recovery-point-offset-checkpoint"), "0\n2\nt 0 0\nt 2 0\n");
    mgr = open({a, b});
    EXPECT_EQ(mgr->logs().size(), 4u);
}

TEST_F(log_manager_test, the_background_checkpointer_writes_recovery_points) {
    log_manager_config cfg;
    cfg.log_dirs = {dir_.path()};
    cfg.checkpoint_interval = std::chrono::milliseconds(20);
    auto mgr = log_manager::open(cfg);
    ASSERT_TRUE(mgr.has_value());
    auto log = (*mgr)->create_log("t", partition_id(0), samsa::uuid::random(), log_config{});
    ASSERT_TRUE(log.has_value());
    bytes b = make_batch(4);
    ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
    ASSERT_TRUE((*log)->flush().has_value());
    std::string text;
    for (int i = 0; i < 200 && text != "0\n1\nt 0 4\n"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        auto r = read_small_file(dir_.path() / "recovery-point-offset-checkpoint");
        if (r) text = *r;
    }
    EXPECT_EQ(text, "0\n1\nt 0 4\n");
}

TEST_F(log_manager_test, rolled_segments_are_fsynced_in_the_background) {
    auto mgr = open();
    log_config cfg;
    cfg.segment_bytes = static_cast<int64_t>(make_batch(2).size() * 2);
    auto log = mgr->create_log("t", partition_id(0), samsa::uuid::random(), cfg);
    ASSERT_TRUE(log.has_value());
    for (int i = 0; i < 5; ++i) {
        bytes b = make_batch(2);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
    }
    ASSERT_EQ((*log)->segments().size(), 3u);  // rolled at 4 and 8
    for (int i = 0; i < 500 && (*log)->recovery_point() != offset(8); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ((*log)->recovery_point(), offset(8));
    ASSERT_TRUE(mgr->close().has_value());
    EXPECT_EQ((*log)->recovery_point(), offset(10));
    EXPECT_EQ(read_text(dir_.path() / "recovery-point-offset-checkpoint"), "0\n1\nt 0 10\n");
}

}  // namespace
}  // namespace samsa::storage

namespace samsa::storage {
namespace {

long open_descriptors() {
    long n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

// Each roll queues a background fsync job holding the sealed segment's
// descriptors. Rolling faster than the disk syncs (tiny segments, a tight
// loop) must wait for the queue instead of piling up descriptors: without
// the bound, 2,000 rolls held thousands of them (the broker hit its
// open-file limit writing a log of 1 MiB segments).
TEST_F(log_manager_test, segment_rolls_wait_for_the_flusher_so_descriptors_stay_bounded) {
    // Sealed segments' .log files stay open in the shared fd cache up to its
    // capacity (the broker sets half RLIMIT_NOFILE); a small one here, so that
    // what is counted is the flusher's queue.
    auto& cache = fd_cache::shared();
    const size_t old_capacity = cache.capacity();
    cache.set_capacity(50);
    auto mgr = open();
    log_config small;
    small.segment_bytes = 512;  // a segment per batch
    auto log = mgr->create_log("rolls", partition_id(0), samsa::uuid::random(), small);
    ASSERT_TRUE(log.has_value());
    const long before = open_descriptors();
    long most = before;
    bytes b = make_batch(4, 1000, 100);
    for (int i = 0; i < 300; ++i) {
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1000)).has_value()) << i;
        if (i % 10 == 0) most = std::max(most, open_descriptors());
    }
    // A job holds the .log, both indexes, maybe the .txnindex and the directory.
    EXPECT_LE(most - before, 50 + static_cast<long>(background_flusher::max_pending_roll_flushes) * 5 + 20);
    EXPECT_EQ((*log)->segments().size(), 300u);  // the first batch fills the first segment
    ASSERT_TRUE(mgr->close().has_value());
    cache.set_capacity(old_capacity);
}

}  // namespace
}  // namespace samsa::storage
