// samsa topics against the real broker.

#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"

namespace samsa::cli::testing {
namespace {

using ::testing::HasSubstr;

class cli_integration_topics : public cli_integration_test {};

TEST_F(cli_integration_topics, create_list_describe_alter_delete) {
    auto created = samsa({"topics", "create", "--topic", "orders", "--partitions", "3", "--replication-factor", "1",
                          "--config", "cleanup.policy=compact"});
    ASSERT_SAMSA_OK(created);
    EXPECT_THAT(created.out, HasSubstr("Created topic orders."));

    auto listed = samsa({"topics", "list"});
    ASSERT_SAMSA_OK(listed);
    EXPECT_THAT(lines(listed.out), ::testing::Contains("orders"));

    auto described = samsa({"topics", "describe", "--topic", "orders"});
    ASSERT_SAMSA_OK(described);
    EXPECT_THAT(described.out, HasSubstr("Topic: orders\tPartitionCount: 3\tReplicationFactor: 1"));
    EXPECT_THAT(described.out, HasSubstr("cleanup.policy=compact"));
    EXPECT_THAT(described.out, HasSubstr("\tTopic: orders\tPartition: 2\tLeader: "));

    auto altered = samsa({"topics", "alter", "--topic", "orders", "--partitions", "5", "--config", "retention.ms=123456"});
    ASSERT_SAMSA_OK(altered);
    auto json = samsa({"topics", "describe", "--topic", "orders", "--format", "json"});
    ASSERT_SAMSA_OK(json);
    auto j = nlohmann::json::parse(json.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["topic"], "orders");
    EXPECT_EQ(j[0]["partition_count"], 5);
    EXPECT_EQ(j[0]["partitions"].size(), 5u);
    // The alter kept the override set at creation (AlterConfigs replaces the set).
    EXPECT_EQ(j[0]["configs"]["retention.ms"], "123456") << json.out;
    EXPECT_EQ(j[0]["configs"]["cleanup.policy"], "compact") << json.out;

    auto removed = samsa({"topics", "alter", "--topic", "orders", "--delete-config", "cleanup.policy"});
    ASSERT_SAMSA_OK(removed);
    auto after = nlohmann::json::parse(samsa({"topics", "describe", "--topic", "orders", "--format", "json"}).out);
    EXPECT_FALSE(after[0]["configs"].contains("cleanup.policy")) << after.dump();
    EXPECT_EQ(after[0]["configs"]["retention.ms"], "123456");

    auto deleted = samsa({"topics", "delete", "--topic", "orders"});
    ASSERT_SAMSA_OK(deleted);
    EXPECT_THAT(deleted.out, HasSubstr("Deleted topic orders."));
    auto gone = samsa({"topics", "list", "--format", "json"});
    ASSERT_SAMSA_OK(gone);
    EXPECT_THAT(nlohmann::json::parse(gone.out).get<std::vector<std::string>>(), ::testing::Not(::testing::Contains("orders")));
}

TEST_F(cli_integration_topics, creating_an_existing_topic_fails_unless_if_not_exists) {
    create_topic("twice", 1);
    auto again = samsa({"topics", "create", "--topic", "twice", "--partitions", "1"});
    EXPECT_EQ(again.exit_code, 1) << again.describe();
    EXPECT_THAT(again.err, HasSubstr("twice"));
    EXPECT_THAT(again.err, HasSubstr("TOPIC_ALREADY_EXISTS"));
    auto tolerant = samsa({"topics", "create", "--topic", "twice", "--partitions", "1", "--if-not-exists"});
    EXPECT_SAMSA_OK(tolerant);
}

TEST_F(cli_integration_topics, missing_topics_are_reported) {
    auto describe = samsa({"topics", "describe", "--topic", "nope"});
    EXPECT_EQ(describe.exit_code, 1) << describe.describe();
    EXPECT_THAT(describe.err, HasSubstr("topic 'nope' does not exist"));
    auto del = samsa({"topics", "delete", "--topic", "nope"});
    EXPECT_EQ(del.exit_code, 1) << del.describe();
    EXPECT_THAT(del.err, HasSubstr("nope"));
    EXPECT_SAMSA_OK(samsa({"topics", "delete", "--topic", "nope", "--if-exists"}));
}

TEST_F(cli_integration_topics, partitions_can_only_grow) {
    create_topic("grow", 3);
    auto shrink = samsa({"topics", "alter", "--topic", "grow", "--partitions", "2"});
    EXPECT_EQ(shrink.exit_code, 1) << shrink.describe();
    EXPECT_THAT(shrink.err, HasSubstr("can only be increased"));
}

TEST_F(cli_integration_topics, invalid_config_is_refused_by_the_broker) {
    auto r = samsa({"topics", "create", "--topic", "bad", "--partitions", "1", "--config", "cleanup.policy=sometimes"});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_THAT(r.err, HasSubstr("bad"));
}

}  // namespace
}  // namespace samsa::cli::testing
