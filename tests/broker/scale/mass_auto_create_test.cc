// Mass auto-creation (issue 16, slow): one Metadata request naming
// thousands of unknown topics is answered at once (LEADER_NOT_AVAILABLE for
// each: they are made in the background), creates them all with one write
// of the topic table (table_write_batch.h; it was one fsynced rewrite per
// topic, quadratic, minutes for 8,000, all on the I/O thread), and they all
// survive a restart.

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/broker/scale/scale_client.h"
#include "tests/support/auto_create.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;
using test_support::broker_options;
using test_support::broker_process;

TEST(topic_creation, one_metadata_request_auto_creates_two_thousand_topics_and_they_survive_a_restart) {
    constexpr int count = 2000;
    broker_options o;
    o.start_timeout = std::chrono::seconds(60);
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) names.push_back("auto-" + std::to_string(i));
    const auto started = std::chrono::steady_clock::now();
    auto r = metadata(broker.port(), names, true, std::chrono::seconds(60));
    const auto answered = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(r) << "no answer\n" << broker.log_tail();
    ASSERT_EQ(r->topics.size(), static_cast<size_t>(count));
    for (const auto& t : r->topics) ASSERT_EQ(t.error_code, error_code::leader_not_available) << t.name.value_or("");
    raw_client c(broker.port(), std::chrono::seconds(60));
    auto created = test_support::metadata_until_created(c, names, std::chrono::seconds(170));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(created) << created.error().message << "\n" << broker.log_tail();
    std::printf("one Metadata request for %d unknown topics: answered in %.3f s, all created in %.2f s\n", count,
                std::chrono::duration<double>(answered).count(), std::chrono::duration<double>(took).count());
    EXPECT_EQ(topics_in_table_file(broker.data_dir() / "data"), static_cast<size_t>(count));
    ASSERT_TRUE(broker.restart()) << broker.failure();
    auto all = metadata(broker.port(), std::nullopt, false, std::chrono::seconds(60));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->topics.size(), static_cast<size_t>(count));
    EXPECT_EQ(broker.log_text().find("found on disk but not in"), std::string::npos);
}

}  // namespace
}  // namespace samsa::broker::testing
