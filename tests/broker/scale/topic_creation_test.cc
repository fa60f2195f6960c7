// Topic creation limits (issue 16): Kafka's per-request partition limit.

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

namespace fs = std::filesystem;
using protocol::error_code;
using test_support::broker_options;
using test_support::broker_process;

TEST(topic_creation, more_than_ten_thousand_partitions_in_one_request_is_a_policy_violation) {
    broker_options o;
    o.overrides = {{"num.partitions", "5000"}};
    broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    // -1 counts as num.partitions, as in Kafka: 3 x 5000 > 10000.
    auto r = create_topics(broker.port(), {"a", "b", "c"}, -1);
    ASSERT_TRUE(r && r->topics.size() == 3);
    for (const auto& t : r->topics) {
        EXPECT_EQ(t.error_code, error_code::policy_violation) << t.name;
        EXPECT_EQ(t.error_message.value_or(""), "Excessively large number of partitions per request.");
        EXPECT_EQ(partition_count(broker.port(), t.name), -1);
        EXPECT_FALSE(fs::exists(broker.data_dir() / "data" / (t.name + "-0")));
    }
    // Within the limit the same broker creates.
    auto ok = create_topics(broker.port(), {"d"}, 3);
    ASSERT_TRUE(ok && ok->topics.size() == 1);
    EXPECT_EQ(ok->topics[0].error_code, error_code::none);
}

}  // namespace
}  // namespace samsa::broker::testing
