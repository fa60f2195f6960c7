// Start-up over damaged or odd log directories: each case either loads, is
// skipped with a log line, or stops the start with a message naming the
// path (Kafka marks such a log dir offline, and with one dir the broker
// stops) — never a crash. Each test makes a topic `t` with 5 records,
// stops the broker cleanly, damages the dir, then starts it again.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace samsa::broker::testing {
namespace {

namespace fs = std::filesystem;
using protocol::error_code;
using test_support::broker_process;

void write_file(const fs::path& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

class damaged_dirs : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        auto r = create_topics(broker_.port(), {"t"}, 1);
        ASSERT_TRUE(r && r->topics.size() == 1 && r->topics[0].error_code == error_code::none);
        ASSERT_EQ(produce_some(broker_.port(), "t", 5), 0);
        ASSERT_EQ(broker_.stop(), 0);
    }

    fs::path data() const { return broker_.data_dir() / "data"; }
    fs::path segment_file(std::string_view ext) const {
        return data() / "t-0" / (std::string("00000000000000000000") + std::string(ext));
    }

    // The broker starts and `t` still has its 5 records (the next produce gets offset 5).
    void expect_starts_with_t_intact() {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        EXPECT_EQ(partition_count(broker_.port(), "t"), 1);
        EXPECT_EQ(produce_some(broker_.port(), "t", 1), 5) << broker_.log_tail();
    }

    // The broker refuses to start: a non-zero exit, not a signal, with a
    // message on stderr that names `path`.
    void expect_start_fails_naming(const fs::path& path) {
        test_support::command_options o;
        o.timeout = std::chrono::seconds(30);
        auto r = test_support::run_command({test_support::default_broker_binary().string(), "--override",
                                            "listeners=PLAINTEXT://127.0.0.1:0", "--override",
                                            "log.dirs=" + data().string()},
                                           o);
        EXPECT_FALSE(r.timed_out) << r.describe();
        EXPECT_EQ(r.term_signal, 0) << r.describe();
        EXPECT_NE(r.exit_code, 0) << r.describe();
        EXPECT_NE((r.out + r.err).find(path.string()), std::string::npos) << r.describe();
    }

    broker_process broker_;
};

TEST_F(damaged_dirs, a_directory_named_like_the_only_segment_stops_the_start_with_its_path) {
    fs::remove(segment_file(".log"));
    fs::create_directory(segment_file(".log"));
    expect_start_fails_naming(segment_file(".log"));
}

TEST_F(damaged_dirs, a_directory_named_like_a_further_segment_is_skipped) {
    fs::create_directory(data() / "t-0" / "00000000000000000100.log");
    expect_starts_with_t_intact();
    EXPECT_NE(broker_.log_text().find("00000000000000000100.log: not a regular file"), std::string::npos);
}

TEST_F(damaged_dirs, an_empty_partition_directory_loads_as_an_empty_topic) {
    fs::create_directory(data() / "empty-0");
    expect_starts_with_t_intact();
    EXPECT_EQ(partition_count(broker_.port(), "empty"), 1);
    EXPECT_EQ(produce_some(broker_.port(), "empty", 2), 0);
}

TEST_F(damaged_dirs, garbage_files_in_a_partition_directory_are_left_alone) {
    write_file(data() / "t-0" / "notes.txt", "hello");
    write_file(data() / "t-0" / "123.log", "not a segment: the name is not 20 digits");
    write_file(data() / "t-0" / "00000000000000000000.log.bak", "junk");
    expect_starts_with_t_intact();
    EXPECT_TRUE(fs::exists(data() / "t-0" / "notes.txt"));
}

TEST_F(damaged_dirs, an_unreadable_segment_stops_the_start_with_its_path) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
    ASSERT_EQ(::chmod(segment_file(".log").c_str(), 0), 0);
    expect_start_fails_naming(segment_file(".log"));
    ::chmod(segment_file(".log").c_str(), 0644);
}

TEST_F(damaged_dirs, directories_that_are_not_topic_partition_are_skipped_with_a_line) {
    fs::create_directory(data() / "lost+found");
    fs::create_directory(data() / "t-x");
    fs::create_directory(data() / "-0");
    fs::create_directory(data() / "bad name-0");
    expect_starts_with_t_intact();
    const std::string log = broker_.log_text();
    EXPECT_NE(log.find("lost+found: not a <topic>-<partition> directory"), std::string::npos);
    EXPECT_NE(log.find("bad name-0: not a <topic>-<partition> directory"), std::string::npos);
}

TEST_F(damaged_dirs, a_truncated_index_is_rebuilt) {
    write_file(segment_file(".index"), std::string("\x00\x00\x00", 3));
    write_file(segment_file(".timeindex"), std::string("\x00\x00\x00\x00\x00", 5));
    expect_starts_with_t_intact();
}

TEST_F(damaged_dirs, a_truncated_index_after_a_crash_is_rebuilt) {
    ASSERT_TRUE(broker_.start()) << broker_.failure();
    ASSERT_EQ(produce_some(broker_.port(), "t", 5), 5);
    broker_.kill9();
    write_file(segment_file(".index"), std::string("\x00\x00\x00", 3));
    ASSERT_TRUE(broker_.start()) << broker_.failure();
    EXPECT_EQ(produce_some(broker_.port(), "t", 1), 10) << broker_.log_tail();
}

}  // namespace
}  // namespace samsa::broker::testing
