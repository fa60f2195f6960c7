// Opening and creating logs when files cannot be opened (issue 16): a log
// whose open fails part-way is destroyed without a crash, and a create_log
// that fails leaves no directory behind, so the next start adopts nothing.

#include <sys/resource.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "samsa/storage/log_manager.h"
#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

namespace fs = std::filesystem;
using testing::temp_dir;

// Lowers the soft RLIMIT_NOFILE for one test and restores it after.
class soft_file_limit {
public:
    explicit soft_file_limit(rlim_t soft) {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit lowered{soft, saved_.rlim_max};
        ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
    }
    ~soft_file_limit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
    bool ok() const { return ok_; }

private:
    rlimit saved_{};
    bool ok_ = false;
};

// The lowest descriptor number free now: roughly how many this process holds.
int descriptors_in_use() {
    int n = 0;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
        (void)e;
        ++n;
    }
    return n;
}

TEST(partition_log_open, a_failure_before_the_first_segment_is_an_error_not_a_crash) {
    temp_dir dir;
    const auto partition = dir.path() / "t-0";
    fs::create_directories(partition / "00000000000000000000.log");  // a directory where the file goes
    auto log = partition_log::open(partition, log_config{}, recovery_hint{});
    ASSERT_FALSE(log.has_value());
    EXPECT_NE(log.error().message.find("00000000000000000000.log"), std::string::npos) << log.error().message;
}

TEST(partition_log_open, a_directory_named_like_a_later_segment_is_ignored) {
    temp_dir dir;
    const auto partition = dir.path() / "t-0";
    {
        auto log = partition_log::open(partition, log_config{}, recovery_hint{});
        ASSERT_TRUE(log.has_value()) << log.error().message;
        bytes batch = testing::make_batch(3);
        ASSERT_TRUE((*log)->append(batch, timestamp_ms(5000)).has_value());
    }
    fs::create_directories(partition / "00000000000000000007.log");
    auto log = partition_log::open(partition, log_config{}, recovery_hint{});
    ASSERT_TRUE(log.has_value()) << log.error().message;
    EXPECT_EQ((*log)->log_end_offset(), offset(3));
}

TEST(log_manager_create, running_out_of_descriptors_fails_the_create_and_leaves_no_directory) {
    temp_dir dir;
    log_manager_config cfg;
    cfg.log_dirs = {dir.path()};
    cfg.checkpoint_interval = std::chrono::milliseconds(0);
    cfg.cleaner_enable = false;
    auto mgr = log_manager::open(cfg);
    ASSERT_TRUE(mgr.has_value()) << mgr.error().message;
    const samsa::uuid id = samsa::uuid::random();
    int created = 0;
    std::optional<error> failure;
    {
        soft_file_limit limit(static_cast<rlim_t>(descriptors_in_use() + 20));
        ASSERT_TRUE(limit.ok());
        for (int p = 0; p < 200 && !failure; ++p) {  // 20 descriptors last a few partitions, never 200
            auto log = (*mgr)->create_log("t", partition_id(p), id, log_config{});
            if (log) ++created;
            else failure = log.error();
        }
    }
    ASSERT_TRUE(failure.has_value()) << "200 partitions fit in 20 descriptors?";
    EXPECT_EQ(failure->code, errc::io_error) << failure->message;
    EXPECT_GT(created, 0);
    // The partition that failed left nothing; the ones before it are whole.
    EXPECT_FALSE(fs::exists(dir.path() / ("t-" + std::to_string(created))));
    for (int p = 0; p < created; ++p) EXPECT_NE((*mgr)->get_log("t", partition_id(p)), nullptr);
    // Undoing the created ones (what topic_manager does) removes them all.
    ASSERT_TRUE((*mgr)->delete_logs("t").has_value());
    for (int p = 0; p <= created; ++p) EXPECT_FALSE(fs::exists(dir.path() / ("t-" + std::to_string(p))));
}

TEST(log_manager_create, delete_logs_from_a_partition_on_keeps_the_earlier_ones) {
    temp_dir dir;
    log_manager_config cfg;
    cfg.log_dirs = {dir.path()};
    cfg.checkpoint_interval = std::chrono::milliseconds(0);
    auto mgr = log_manager::open(cfg);
    ASSERT_TRUE(mgr.has_value()) << mgr.error().message;
    const samsa::uuid id = samsa::uuid::random();
    for (int p = 0; p < 4; ++p) ASSERT_TRUE((*mgr)->create_log("t", partition_id(p), id, log_config{}).has_value());
    ASSERT_TRUE((*mgr)->delete_logs("t", 2).has_value());
    EXPECT_NE((*mgr)->get_log("t", partition_id(1)), nullptr);
    EXPECT_EQ((*mgr)->get_log("t", partition_id(2)), nullptr);
    EXPECT_TRUE(fs::exists(dir.path() / "t-1"));
    EXPECT_FALSE(fs::exists(dir.path() / "t-2"));
    EXPECT_FALSE(fs::exists(dir.path() / "t-3"));
}

}  // namespace
}  // namespace samsa::storage
