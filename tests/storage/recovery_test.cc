// Unclean shutdowns: a snapshot of the data dir taken while the broker still
// has it open (what kill -9 leaves), damaged in various ways, then opened.

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "samsa/storage/log_manager.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::copy_tree;
using testing::files_in;
using testing::headers_of;
using testing::make_batch;
using testing::temp_dir;

// Captures what storage logs during a test.
class log_capture {
public:
    log_capture() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    }
    ~log_capture() { spdlog::set_default_logger(previous_); }
    std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

void flip_byte(const std::filesystem::path& path, uint64_t position) {
    int fd = ::open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    uint8_t b = 0;
    ASSERT_EQ(::pread(fd, &b, 1, static_cast<off_t>(position)), 1);
    b ^= 0xff;
    ASSERT_EQ(::pwrite(fd, &b, 1, static_cast<off_t>(position)), 1);
    ::close(fd);
}

class recovery_test : public ::testing::Test {
protected:
    log_manager_config config_for(const std::filesystem::path& dir) {
        log_manager_config cfg;
        cfg.log_dirs = {dir};
        cfg.default_config = log_cfg_;
        cfg.checkpoint_interval = std::chrono::milliseconds(0);
        return cfg;
    }

    // Opens a manager on `live`, creates orders-0, appends `batches` batches
    // (batch i holds 1 + i % 3 records), lets `before_crash` act, then copies
    // the tree to `crashed` while everything is still open.
    void run_then_crash(int batches, const std::function<void(log_manager&, partition_log&)>& before_crash = {}) {
        auto mgr = log_manager::open(config_for(live_.path()));
        ASSERT_TRUE(mgr.has_value()) << mgr.error().message;
        auto log = (*mgr)->create_log("orders", partition_id(0), samsa::uuid::random(), log_cfg_);
        ASSERT_TRUE(log.has_value()) << log.error().message;
        for (int i = 0; i < batches; ++i) {
            bytes b = make_batch(1 + i % 3, 1000 + i, 40);
            auto r = (*log)->append(b, timestamp_ms(1000 + i));
            ASSERT_TRUE(r.has_value());
            bounds_.emplace_back(r->base_offset(), r->last_offset());
        }
        if (before_crash) before_crash(**mgr, **log);
        copy_tree(live_.path(), crashed_.path() / "data");
        expected_ = (*log)->read(offset(0), 1 << 30, true)->records;
    }

    std::unique_ptr<log_manager> reopen() {
        auto mgr = log_manager::open(config_for(crashed_.path() / "data"));
        EXPECT_TRUE(mgr.has_value()) << (mgr ? "" : mgr.error().message);
        return mgr ? std::move(*mgr) : nullptr;
    }

    std::filesystem::path crashed_log_dir() { return crashed_.path() / "data" / "orders-0"; }

    log_config log_cfg_;
    temp_dir live_;
    temp_dir crashed_;
    std::vector<std::pair<int64_t, int64_t>> bounds_;  // per batch: base, last offset
    bytes expected_;
};

TEST_F(recovery_test, kill_without_damage_keeps_every_batch) {
    run_then_crash(30);
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_TRUE(log->summary().scanned);
    EXPECT_EQ(log->summary().bytes_truncated, 0u);
    EXPECT_EQ(log->log_end_offset(), offset(bounds_.back().second + 1));
    EXPECT_EQ(log->read(offset(0), 1 << 30, true)->records, expected_);
    EXPECT_EQ(mgr->startup().logs_recovered, 1u);
}

TEST_F(recovery_test, an_unclean_start_of_many_logs_recovers_each_and_syncs_once) {
    // Above the threshold the scans only write their fixes and open() syncs
    // the file system once: every log must come back whole, a torn one cut,
    // and the indexes the scans rebuilt must serve lookups.
    const int partitions = static_cast<int>(log_manager::sync_file_system_above_logs) + 6;
    std::vector<bytes> written(static_cast<size_t>(partitions));
    {
        auto mgr = log_manager::open(config_for(live_.path()));
        ASSERT_TRUE(mgr.has_value()) << mgr.error().message;
        auto id = samsa::uuid::random();
        for (int p = 0; p < partitions; ++p) {
            auto log = (*mgr)->create_log("many", partition_id(p), id, log_cfg_);
            ASSERT_TRUE(log.has_value()) << log.error().message;
            for (int i = 0; i < 3; ++i) {
                bytes b = make_batch(2, 1000 + i, 40);
                ASSERT_TRUE((*log)->append(b, timestamp_ms(1000 + i)).has_value());
            }
            written[static_cast<size_t>(p)] = (*log)->read(offset(0), 1 << 30, true)->records;
        }
        copy_tree(live_.path(), crashed_.path() / "data");
    }
    auto torn = crashed_.path() / "data" / "many-7" / "00000000000000000000.log";
    const auto full = std::filesystem::file_size(torn);
    std::filesystem::resize_file(torn, full - 5);
    for (int p = 0; p < partitions; ++p) {
        std::filesystem::remove(crashed_.path() / "data" / ("many-" + std::to_string(p)) / "00000000000000000000.index");
    }

    auto mgr = reopen();
    ASSERT_NE(mgr, nullptr);
    EXPECT_EQ(mgr->startup().logs_recovered, static_cast<size_t>(partitions));
    for (int p = 0; p < partitions; ++p) {
        auto* log = mgr->get_log("many", partition_id(p));
        ASSERT_NE(log, nullptr);
        const bytes& all = written[static_cast<size_t>(p)];
        if (p == 7) {
            EXPECT_EQ(log->log_end_offset(), offset(4));
            EXPECT_GT(log->summary().bytes_truncated, 0u);
        } else {
            EXPECT_EQ(log->log_end_offset(), offset(6));
            EXPECT_EQ(log->read(offset(0), 1 << 30, true)->records, all) << "many-" << p;
        }
        // Offset 4 is in the third batch: found through the rebuilt index.
        auto tail = log->read(offset(4), 1 << 30, true);
        ASSERT_TRUE(tail.has_value());
        if (p != 7) {
            EXPECT_FALSE(tail->records.empty());
        }
    }
    // The recovery points reached the log ends: a clean close and start scan nothing.
    ASSERT_TRUE(mgr->close().has_value());
    mgr.reset();
    auto again = reopen();
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->startup().logs_recovered, 0u);
    EXPECT_EQ(again->get_log("many", partition_id(7))->log_end_offset(), offset(4));
}

TEST_F(recovery_test, a_torn_tail_is_truncated_and_reported) {
    run_then_crash(30);
    auto path = crashed_log_dir() / "00000000000000000000.log";
    const auto full = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, full - 7);
    log_capture capture;
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    const auto& s = log->summary();
    EXPECT_TRUE(s.scanned);
    const auto last_batch_size = make_batch(1 + 29 % 3, 0, 40).size();
    EXPECT_EQ(s.bytes_truncated, last_batch_size - 7);
    EXPECT_NE(s.truncation_reason.find("partial batch"), std::string::npos) << s.truncation_reason;
    EXPECT_EQ(log->log_end_offset(), offset(bounds_[28].second + 1));
    EXPECT_EQ(std::filesystem::file_size(path), full - last_batch_size);
    bytes got = log->read(offset(0), 1 << 30, true)->records;
    EXPECT_EQ(got, bytes(expected_.begin(), expected_.end() - static_cast<long>(last_batch_size)));
    EXPECT_NE(capture.text().find("recovered orders-0"), std::string::npos) << capture.text();
    EXPECT_NE(capture.text().find("truncated"), std::string::npos);
    // Appends continue right after the last whole batch.
    bytes more = make_batch(1);
    EXPECT_EQ(log->append(more, timestamp_ms(5000))->base_offset, offset(bounds_[28].second + 1));
}

TEST_F(recovery_test, a_corrupted_byte_in_the_middle_truncates_from_that_batch) {
    run_then_crash(30);
    auto path = crashed_log_dir() / "00000000000000000000.log";
    const auto full = std::filesystem::file_size(path);
    auto hs = headers_of(expected_);
    uint64_t position = 0;
    for (int i = 0; i < 12; ++i) position += hs[i].total_size();  // batch 12 starts here
    flip_byte(path, position + 70);                                // inside its records
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->log_end_offset(), offset(bounds_[12].first));
    EXPECT_EQ(log->summary().bytes_truncated, full - position);
    EXPECT_NE(log->summary().truncation_reason.find("CRC"), std::string::npos) << log->summary().truncation_reason;
    EXPECT_EQ(headers_of(log->read(offset(0), 1 << 30, true)->records).size(), 12u);
}

TEST_F(recovery_test, damage_in_an_older_segment_removes_the_later_ones) {
    log_cfg_.segment_bytes = 1500;
    run_then_crash(60);
    auto logs = files_in(crashed_log_dir(), ".log");
    ASSERT_GE(logs.size(), 4u);
    flip_byte(crashed_log_dir() / logs[1], 30);  // the CRC field of segment 1's first batch
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->summary().segments_removed, logs.size() - 2);
    EXPECT_EQ(files_in(crashed_log_dir(), ".log").size(), 2u);
    auto base1 = parse_segment_file_name(logs[1], ".log");
    EXPECT_EQ(log->log_end_offset(), *base1);
    EXPECT_EQ(log->segments().back()->size_bytes(), 0u);
}

TEST_F(recovery_test, only_the_data_past_the_recovery_point_is_scanned) {
    log_cfg_.index_interval_bytes = 256;
    run_then_crash(200, [](log_manager& mgr, partition_log& log) {
        ASSERT_TRUE(log.flush().has_value());
        ASSERT_TRUE(mgr.checkpoint().has_value());
        for (int i = 0; i < 5; ++i) {
            bytes b = make_batch(2, 9000 + i, 40);
            ASSERT_TRUE(log.append(b, timestamp_ms(9000)).has_value());
        }
    });
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    const auto& s = log->summary();
    EXPECT_TRUE(s.scanned);
    EXPECT_GT(s.bytes_scanned, 0u);
    EXPECT_LT(s.bytes_scanned, log->size_bytes() / 4) << "scanned " << s.bytes_scanned << " of " << log->size_bytes();
    EXPECT_EQ(log->log_end_offset(), offset(bounds_.back().second + 1 + 10));
    // The index entries rebuilt past the recovery point find every batch.
    for (int64_t o = 0; o < log->log_end_offset()(); o += 7) {
        auto r = log->read(offset(o), 1, true);
        ASSERT_TRUE(r.has_value());
        auto h = headers_of(r->records);
        ASSERT_EQ(h.size(), 1u);
        EXPECT_LE(h[0].base_offset, o);
        EXPECT_GE(h[0].last_offset(), o);
    }
    auto ts = log->offset_for_timestamp(timestamp_ms(9002));
    ASSERT_TRUE(ts.has_value() && ts->has_value());
    EXPECT_EQ((*ts)->off, offset(bounds_.back().second + 1 + 3));  // batch 1 after the flush: 9001, 9002
}

TEST_F(recovery_test, time_lookups_stay_exact_after_recovery_past_the_recovery_point) {
    log_cfg_.index_interval_bytes = 300;
    auto mgr = log_manager::open(config_for(live_.path()));
    ASSERT_TRUE(mgr.has_value());
    auto log = (*mgr)->create_log("orders", partition_id(0), samsa::uuid::random(), log_cfg_);
    ASSERT_TRUE(log.has_value());
    for (int i = 0; i <= 100; ++i) {  // offsets 0..100, timestamps 100..200
        bytes b = make_batch(1, 100 + i, 40);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
    }
    ASSERT_TRUE((*log)->flush().has_value());
    ASSERT_TRUE((*mgr)->checkpoint().has_value());
    for (int ts : {190, 195}) {  // after the recovery point, below the max before it
        bytes b = make_batch(1, ts, 40);
        ASSERT_TRUE((*log)->append(b, timestamp_ms(1)).has_value());
    }
    copy_tree(live_.path(), crashed_.path() / "data");
    auto recovered = reopen();
    auto* r = recovered->get_log("orders", partition_id(0));
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->summary().scanned);
    for (int ts = 100; ts <= 200; ts += 7) {
        auto hit = r->offset_for_timestamp(timestamp_ms(ts));
        ASSERT_TRUE(hit.has_value() && hit->has_value()) << ts;
        EXPECT_EQ((*hit)->off, offset(ts - 100)) << ts;
    }
    auto top = r->offset_for_timestamp(timestamp_ms(200));
    ASSERT_TRUE(top.has_value() && top->has_value());
    EXPECT_EQ((*top)->off, offset(100));
}

TEST_F(recovery_test, a_missing_index_is_rebuilt_after_a_crash) {
    log_cfg_.segment_bytes = 1500;
    log_cfg_.index_interval_bytes = 100;
    run_then_crash(60);
    std::filesystem::remove(crashed_log_dir() / "00000000000000000000.index");
    auto mgr = reopen();
    auto* log = mgr->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_GE(log->summary().indexes_rebuilt, 1u);
    EXPECT_GT(std::filesystem::file_size(crashed_log_dir() / "00000000000000000000.index"), 0u);
    EXPECT_EQ(log->read(offset(0), 1 << 30, true)->records, expected_);
}

TEST_F(recovery_test, a_missing_or_garbled_index_is_rebuilt_after_a_clean_shutdown) {
    log_cfg_.segment_bytes = 1500;
    log_cfg_.index_interval_bytes = 100;
    bytes all;
    {
        auto mgr = log_manager::open(config_for(live_.path()));
        ASSERT_TRUE(mgr.has_value());
        auto log = (*mgr)->create_log("orders", partition_id(0), samsa::uuid::random(), log_cfg_);
        ASSERT_TRUE(log.has_value());
        for (int i = 0; i < 60; ++i) {
            bytes b = make_batch(2, 1000 + i, 40);
            ASSERT_TRUE((*log)->append(b, timestamp_ms(1000)).has_value());
        }
        all = (*log)->read(offset(0), 1 << 30, true)->records;
        ASSERT_TRUE((*mgr)->close().has_value());
    }
    auto dir = live_.path() / "orders-0";
    auto indexes = files_in(dir, ".index");
    ASSERT_GE(indexes.size(), 3u);
    std::filesystem::remove(dir / indexes[0]);
    {  // entries that go backwards: corrupt
        int fd = ::open((dir / indexes[1]).c_str(), O_WRONLY | O_TRUNC);
        const uint8_t garbage[16] = {0, 0, 0, 9, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 1};
        ASSERT_EQ(::write(fd, garbage, sizeof garbage), 16);
        ::close(fd);
    }
    auto mgr = log_manager::open(config_for(live_.path()));
    ASSERT_TRUE(mgr.has_value());
    auto* log = (*mgr)->get_log("orders", partition_id(0));
    ASSERT_NE(log, nullptr);
    EXPECT_FALSE(log->summary().scanned);
    EXPECT_EQ(log->summary().indexes_rebuilt, 1u);  // the missing one at open; the garbled one at first use
    EXPECT_EQ(log->read(offset(0), 1 << 30, true)->records, all);
    for (int64_t o = 0; o < 120; o += 5) {
        auto h = headers_of(log->read(offset(o), 1, true)->records);
        ASSERT_EQ(h.size(), 1u);
        EXPECT_EQ(h[0].base_offset, o - o % 2);
    }
}

TEST_F(recovery_test, a_clean_start_reads_only_the_active_tail) {
    {
        auto mgr = log_manager::open(config_for(live_.path()));
        ASSERT_TRUE(mgr.has_value());
        auto log = (*mgr)->create_log("orders", partition_id(0), samsa::uuid::random(), log_cfg_);
        ASSERT_TRUE(log.has_value());
        for (int i = 0; i < 2000; ++i) {
            bytes b = make_batch(5, 1000 + i, 100);
            ASSERT_TRUE((*log)->append(b, timestamp_ms(1000)).has_value());
        }
    }  // the destructor closes cleanly
    EXPECT_TRUE(std::filesystem::exists(live_.path() / ".kafka_cleanshutdown"));
    auto mgr = log_manager::open(config_for(live_.path()));
    ASSERT_TRUE(mgr.has_value());
    EXPECT_FALSE(std::filesystem::exists(live_.path() / ".kafka_cleanshutdown"));
    auto* log = (*mgr)->get_log("orders", partition_id(0));
    EXPECT_FALSE(log->summary().scanned);
    EXPECT_EQ(log->summary().bytes_scanned, 0u);
    EXPECT_EQ(log->log_end_offset(), offset(10000));
    EXPECT_EQ((*mgr)->startup().logs_recovered, 0u);
}

}  // namespace
}  // namespace samsa::storage
