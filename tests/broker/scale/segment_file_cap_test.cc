// The cap on open segment files (issue 16, storage/fd_cache.h): under a
// descriptor limit of 256 (soft and hard, so the broker cannot raise it), 600
// partitions are created, written and read back through librdkafka. Without
// the cap each partition keeps its active segment open and the creates fail
// with "Too many open files" (descriptor_limit_test.cc shows that path).

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::broker::testing {
namespace {

namespace fs = std::filesystem;
using test_support::broker_options;
using test_support::broker_process;
using test_support::record;

constexpr int topic_count = 6;
constexpr int partitions_per_topic = 100;  // 600 partitions for 256 descriptors
constexpr int records_per_partition = 2;
constexpr size_t default_cap = 128;        // half the soft limit of 256

std::string topic_name(int t) { return "fds-" + std::to_string(t); }

// Records for every partition of topic `t`: value "<topic>/<partition>/<i>".
std::vector<record> records_for(int t) {
    std::vector<record> out;
    for (int p = 0; p < partitions_per_topic; ++p) {
        for (int i = 0; i < records_per_partition; ++i) {
            record r;
            r.key = "k" + std::to_string(i);
            r.value = topic_name(t) + "/" + std::to_string(p) + "/" + std::to_string(i);
            r.partition = p;
            out.push_back(std::move(r));
        }
    }
    return out;
}

// Descriptors of the broker that point at segment `.log` files.
size_t open_segment_logs_of(pid_t pid) {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        auto target = fs::read_symlink(e.path(), ec);
        if (!ec && target.extension() == ".log" && target.filename() != "broker.log") ++n;
    }
    return n;
}

// Reads every topic back and checks each record is where it was written, once.
void expect_every_record(const std::string& bootstrap) {
    for (int t = 0; t < topic_count; ++t) {
        const size_t expected = static_cast<size_t>(partitions_per_topic * records_per_partition);
        auto read = test_support::read_all(bootstrap, topic_name(t), partitions_per_topic, expected,
                                           std::chrono::seconds(60));
        ASSERT_TRUE(read) << topic_name(t) << ": " << read.error().message;
        ASSERT_EQ(read->size(), expected) << topic_name(t);
        auto grouped = test_support::by_partition(*read);
        ASSERT_EQ(grouped.size(), static_cast<size_t>(partitions_per_topic)) << topic_name(t);
        for (const auto& [p, records] : grouped) {
            ASSERT_EQ(records.size(), static_cast<size_t>(records_per_partition)) << topic_name(t) << "-" << p;
            for (int i = 0; i < records_per_partition; ++i) {
                EXPECT_EQ(records[i].offset, i);
                EXPECT_EQ(records[i].value, topic_name(t) + "/" + std::to_string(p) + "/" + std::to_string(i));
            }
        }
    }
}

TEST(segment_file_cap, six_hundred_partitions_are_written_and_read_under_256_descriptors) {
    limited_broker_script script("-n 256");
    broker_options o;
    o.binary = script.path();
    o.start_timeout = std::chrono::seconds(30);
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    EXPECT_NE(broker.log_text().find("at most " + std::to_string(default_cap) + " segment files open"),
              std::string::npos)
        << broker.log_tail();

    for (int t = 0; t < topic_count; ++t) {
        auto created = test_support::create_topic(broker.bootstrap(), topic_name(t), partitions_per_topic);
        ASSERT_TRUE(created) << topic_name(t) << ": " << created.error().message << "\n" << broker.log_tail();
    }
    for (int t = 0; t < topic_count; ++t) {
        auto produced = test_support::produce(broker.bootstrap(), topic_name(t), records_for(t), {{"acks", "all"}},
                                              std::chrono::seconds(60));
        ASSERT_TRUE(produced) << topic_name(t) << ": " << produced.error().message << "\n" << broker.log_tail();
    }
    EXPECT_LE(open_segment_logs_of(broker.pid()), default_cap);
    expect_every_record(broker.bootstrap());
    EXPECT_LE(open_segment_logs_of(broker.pid()), default_cap);

    // At a restart every segment is found on disk; none stays open for it.
    ASSERT_TRUE(broker.restart()) << broker.failure();
    EXPECT_LE(open_segment_logs_of(broker.pid()), default_cap);
    expect_every_record(broker.bootstrap());
    EXPECT_EQ(broker.log_text().find("Too many open files"), std::string::npos) << broker.log_tail();
}

}  // namespace
}  // namespace samsa::broker::testing
