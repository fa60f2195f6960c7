// Open-file limits (issue 16): the broker raises its soft RLIMIT_NOFILE to
// the hard limit at start and logs both; under a hard limit too low for a
// request, CreateTopics and CreatePartitions fail with KAFKA_STORAGE_ERROR
// for that request only, leave no directory or table entry behind, and the
// broker goes on serving. The limit is set by a /bin/sh wrapper that
// `ulimit`s and then execs the broker (the same process, so its pid and
// /proc/<pid>/limits are the broker's).

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

namespace fs = std::filesystem;
using protocol::error_code;
using test_support::broker_options;
using test_support::broker_process;

// "Max open files  <soft>  <hard>  files" from /proc/<pid>/limits.
std::pair<std::string, std::string> open_file_limits_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    std::smatch m;
    static const std::regex row(R"(Max open files\s+(\S+)\s+(\S+))");
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, row)) return {m[1], m[2]};
    }
    return {};
}

bool partition_dirs_exist(const fs::path& data, const std::string& topic, int first, int last) {
    for (int p = first; p <= last; ++p) {
        if (fs::exists(data / (topic + "-" + std::to_string(p)))) return true;
    }
    return false;
}

TEST(descriptor_limit, the_soft_limit_is_raised_to_the_hard_limit_and_both_are_logged) {
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max <= 256) GTEST_SKIP() << "hard limit too low to test a raise";
    limited_broker_script script("-S -n 256");
    broker_options o;
    o.binary = script.path();
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    auto [soft, hard] = open_file_limits_of(broker.pid());
    EXPECT_EQ(soft, hard);
    EXPECT_NE(broker.log_text().find("open files: soft limit raised from 256 to " + soft + " (hard limit " + hard),
              std::string::npos)
        << broker.log_tail();
}

TEST(descriptor_limit, more_partitions_than_descriptors_fail_that_request_only_and_leave_nothing) {
    limited_broker_script script("-n 200");  // soft and hard: the broker cannot raise it
    broker_options o;
    o.binary = script.path();
    // A segment-file cap above the limit (storage/fd_cache.h): each partition
    // then keeps its active segment open, as before the cap existed.
    o.overrides.emplace_back("samsa.log.max.open.files", "1000000");
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    const fs::path data = broker.data_dir() / "data";

    // 300 partitions need ~300 descriptors (the active segment's .log).
    auto big = create_topics(broker.port(), {"big"}, 300);
    ASSERT_TRUE(big && big->topics.size() == 1) << broker.log_tail();
    EXPECT_EQ(big->topics[0].error_code, error_code::kafka_storage_error);
    EXPECT_NE(big->topics[0].error_message.value_or("").find("Too many open files"), std::string::npos)
        << big->topics[0].error_message.value_or("");
    EXPECT_EQ(partition_count(broker.port(), "big"), -1);
    EXPECT_FALSE(partition_dirs_exist(data, "big", 0, 299));

    // The broker goes on serving: a small topic, records in it.
    auto small = create_topics(broker.port(), {"small"}, 2);
    ASSERT_TRUE(small && small->topics.size() == 1);
    ASSERT_EQ(small->topics[0].error_code, error_code::none) << small->topics[0].error_message.value_or("");
    EXPECT_EQ(produce_some(broker.port(), "small", 3), 0);

    // Growing it past the limit fails whole: still 2 partitions, no new dirs.
    auto grown = create_partitions(broker.port(), "small", 300);
    ASSERT_TRUE(grown && grown->results.size() == 1);
    EXPECT_EQ(grown->results[0].error_code, error_code::kafka_storage_error);
    EXPECT_EQ(partition_count(broker.port(), "small"), 2);
    EXPECT_FALSE(partition_dirs_exist(data, "small", 2, 299));
    EXPECT_EQ(produce_some(broker.port(), "small", 1), 3);

    // Nothing half-made is adopted at the next start.
    ASSERT_TRUE(broker.restart()) << broker.failure();
    EXPECT_EQ(partition_count(broker.port(), "big"), -1);
    EXPECT_EQ(partition_count(broker.port(), "small"), 2);
    EXPECT_EQ(broker.log_text().find("found on disk but not in"), std::string::npos) << broker.log_tail();
}

}  // namespace
}  // namespace samsa::broker::testing
