// fd_cache (issue 16, branch fdlru): the cap on open segment files, reopening
// on use, files in use never closed under their user, open failures as errors,
// and partition logs working through a small cap.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/storage/fd_cache.h"
#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

namespace fs = std::filesystem;
using testing::temp_dir;

// Files "f<i>" holding "content-<i>", each behind a cached_file of `cache`.
std::vector<std::unique_ptr<cached_file>> make_files(const temp_dir& dir, fd_cache& cache, int count) {
    std::vector<std::unique_ptr<cached_file>> out;
    for (int i = 0; i < count; ++i) {
        const auto path = dir.path() / ("f" + std::to_string(i));
        std::ofstream(path) << "content-" << i;
        out.push_back(std::make_unique<cached_file>(path, cache));
    }
    return out;
}

// The file's first bytes through a fresh acquire ("" when it cannot be opened).
std::string read_through(const cached_file& f) {
    auto opened = f.acquire();
    if (!opened) return "";
    std::string out(32, '\0');
    auto n = (*opened)->pread(std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()), 0);
    if (!n) return "";
    out.resize(*n);
    return out;
}

TEST(fd_cache, the_cap_is_respected_and_the_least_recently_used_file_goes_first) {
    temp_dir dir;
    fd_cache cache(2);
    auto files = make_files(dir, cache, 5);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(read_through(*files[i]), "content-" + std::to_string(i));
        EXPECT_LE(cache.open_count(), 2u);
    }
    // 3 and 4 are the most recent; using 3 again makes 4 the one to go next.
    EXPECT_TRUE(files[3]->is_open());
    EXPECT_TRUE(files[4]->is_open());
    EXPECT_EQ(read_through(*files[3]), "content-3");
    EXPECT_EQ(read_through(*files[0]), "content-0");
    EXPECT_TRUE(files[3]->is_open());
    EXPECT_FALSE(files[4]->is_open());
    EXPECT_EQ(cache.open_count(), 2u);
}

TEST(fd_cache, a_closed_file_is_reopened_on_read) {
    temp_dir dir;
    fd_cache cache(1);
    auto files = make_files(dir, cache, 2);
    EXPECT_EQ(read_through(*files[0]), "content-0");
    EXPECT_EQ(read_through(*files[1]), "content-1");
    EXPECT_FALSE(files[0]->is_open());
    const auto opens = cache.opens();
    EXPECT_EQ(read_through(*files[0]), "content-0");
    EXPECT_EQ(cache.opens(), opens + 1);
    EXPECT_TRUE(files[0]->is_open());
    // Using an open file opens nothing.
    EXPECT_EQ(read_through(*files[0]), "content-0");
    EXPECT_EQ(cache.opens(), opens + 1);
}

TEST(fd_cache, a_file_in_use_is_not_closed) {
    temp_dir dir;
    fd_cache cache(1);
    auto files = make_files(dir, cache, 3);
    auto held = files[0]->acquire();
    ASSERT_TRUE(held) << held.error().message;
    // 1 needs room: 0 is in use, so the cache goes above its cap rather than close it.
    EXPECT_EQ(read_through(*files[1]), "content-1");
    EXPECT_TRUE(files[0]->is_open());
    EXPECT_EQ(cache.open_count(), 2u);
    // 2 needs room: the idle 1 goes, 0 stays.
    EXPECT_EQ(read_through(*files[2]), "content-2");
    EXPECT_TRUE(files[0]->is_open());
    EXPECT_FALSE(files[1]->is_open());
    uint8_t buf[9];
    auto n = (*held)->pread(buf, 0);
    ASSERT_TRUE(n);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), *n), "content-0");
    // Once released, 0 is an ordinary candidate again.
    held->reset();
    EXPECT_EQ(read_through(*files[1]), "content-1");
    EXPECT_LE(cache.open_count(), 1u);
}

TEST(fd_cache, a_file_closed_by_its_owner_stays_alive_for_a_holder) {
    temp_dir dir;
    fd_cache cache(4);
    auto files = make_files(dir, cache, 1);
    auto held = files[0]->acquire();
    ASSERT_TRUE(held);
    files[0]->close();  // what segment::remove_files does before the unlink
    fs::remove(dir.path() / "f0");
    EXPECT_EQ(cache.open_count(), 0u);
    uint8_t buf[9];
    auto n = (*held)->pread(buf, 0);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 9u);
}

TEST(fd_cache, an_open_failure_is_an_error_not_a_crash) {
    temp_dir dir;
    fd_cache cache(2);
    cached_file missing(dir.path() / "absent", cache);
    auto opened = missing.acquire();
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, errc::io_error);
    EXPECT_NE(opened.error().message.find("absent"), std::string::npos) << opened.error().message;
    EXPECT_EQ(cache.open_count(), 0u);
}

TEST(fd_cache, lowering_the_capacity_closes_idle_files) {
    temp_dir dir;
    fd_cache cache(4);
    auto files = make_files(dir, cache, 4);
    for (auto& f : files) EXPECT_FALSE(read_through(*f).empty());
    EXPECT_EQ(cache.open_count(), 4u);
    cache.set_capacity(2);
    EXPECT_EQ(cache.open_count(), 2u);
    EXPECT_TRUE(files[3]->is_open());
    EXPECT_FALSE(files[0]->is_open());
}

TEST(fd_cache, threads_reading_their_own_files_through_one_small_cache_always_read_them) {
    temp_dir dir;
    fd_cache cache(2);
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    auto files = make_files(dir, cache, threads * 2);
    std::vector<int> wrong(threads, 0);
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t) {
        running.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                const int which = t * 2 + i % 2;
                if (read_through(*files[which]) != "content-" + std::to_string(which)) ++wrong[t];
            }
        });
    }
    for (auto& th : running) th.join();
    for (int t = 0; t < threads; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
    EXPECT_LE(cache.open_count(), static_cast<size_t>(threads));  // in-use files only pass the cap
}

// The broker's cache at a cap of 2 under five partition logs: appends and
// reads of every partition work, and at most two `.log` files stay open.
TEST(fd_cache, partition_logs_work_through_the_shared_cache_at_a_small_cap) {
    temp_dir dir;
    fd_cache& shared = fd_cache::shared();
    const size_t saved = shared.capacity();
    shared.set_capacity(2);
    {
        std::vector<std::unique_ptr<partition_log>> logs;
        for (int p = 0; p < 5; ++p) {
            auto log = partition_log::open(dir.path() / ("t-" + std::to_string(p)), log_config{}, recovery_hint{});
            ASSERT_TRUE(log) << log.error().message;
            logs.push_back(std::move(*log));
        }
        for (int round = 0; round < 3; ++round) {
            for (auto& log : logs) {
                bytes batch = testing::make_batch(2, 1000 + round);
                ASSERT_TRUE(log->append(batch, timestamp_ms(5000)).has_value()) << "round " << round;
                EXPECT_LE(shared.open_count(), 2u);
            }
        }
        for (auto& log : logs) {
            EXPECT_EQ(log->log_end_offset(), offset(6));
            auto read = log->read(offset(0), 1 << 20, true);
            ASSERT_TRUE(read) << read.error().message;
            auto headers = testing::headers_of(read->records);
            ASSERT_EQ(headers.size(), 3u);
            EXPECT_EQ(headers.back().last_offset(), 5);
            EXPECT_LE(shared.open_count(), 2u);
        }
    }
    shared.set_capacity(saved);
}

}  // namespace
}  // namespace samsa::storage
