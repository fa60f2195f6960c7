// durable_acks' group commit: the syncs run on its helper thread, the
// completions on the I/O thread (the io_context's), counted before they run.
// Labelled tsan: the ThreadSanitizer stage runs it.
#include "samsa/broker/producer/durable_acks.h"

#include <fcntl.h>

#include <chrono>

#include <gtest/gtest.h>

#include "tests/storage/storage_test_util.h"

namespace samsa::broker::producer {
namespace {

using storage::testing::temp_dir;

TEST(durable_acks_test, completions_run_on_the_io_thread_after_the_syncs) {
    temp_dir dir;
    asio::io_context io;
    auto keep_running = asio::make_work_guard(io);
    durable_acks acks(io);
    int completed = 0;
    constexpr int jobs = 20;
    for (int i = 0; i < jobs; ++i) {
        int fd = ::open((dir.path() / "f").c_str(), O_CREAT | O_WRONLY, 0644);
        ASSERT_GE(fd, 0);
        acks.submit({fd}, [&](bool ok) {
            EXPECT_TRUE(ok);
            ++completed;
        });
    }
    while (completed < jobs && io.run_one_for(std::chrono::seconds(10)) > 0) {
    }
    EXPECT_EQ(completed, jobs);
    EXPECT_EQ(acks.jobs(), uint64_t(jobs));
    EXPECT_GE(acks.rounds(), 1u);
    EXPECT_LE(acks.rounds(), uint64_t(jobs));
}

}  // namespace
}  // namespace samsa::broker::producer
