// Topic names, topic configs and the persisted topic table.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/topics/topic_config.h"
#include "samsa/broker/topics/topic_name.h"
#include "samsa/broker/topics/topic_table.h"
#include "tests/support/temp_dir.h"

namespace samsa::broker {
namespace {

namespace fs = std::filesystem;

using test_support::temp_dir;

TEST(topic_name, kafka_rules) {
    EXPECT_TRUE(validate_topic_name("orders"));
    EXPECT_TRUE(validate_topic_name("a.b_c-D9"));
    EXPECT_TRUE(validate_topic_name(std::string(249, 'x')));
    EXPECT_FALSE(validate_topic_name(std::string(250, 'x')));
    EXPECT_FALSE(validate_topic_name(""));
    EXPECT_FALSE(validate_topic_name("."));
    EXPECT_FALSE(validate_topic_name(".."));
    EXPECT_TRUE(validate_topic_name("..."));
    EXPECT_FALSE(validate_topic_name("a b"));
    EXPECT_FALSE(validate_topic_name("a/b"));
    EXPECT_FALSE(validate_topic_name("ü"));
    EXPECT_EQ(validate_topic_name("a b").error().message,
              "Topic name \"a b\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' "
              "and '-'");
}

TEST(topic_config, validation) {
    EXPECT_TRUE(validate_topic_configs({{"retention.ms", "1000"}, {"cleanup.policy", "compact,delete"}}));
    EXPECT_TRUE(validate_topic_configs({{"min.cleanable.dirty.ratio", "0.1"}}));
    EXPECT_FALSE(validate_topic_configs({{"retention.ms", "soon"}}));
    EXPECT_FALSE(validate_topic_configs({{"cleanup.policy", "shred"}}));
    EXPECT_FALSE(validate_topic_configs({{"min.cleanable.dirty.ratio", "2"}}));
    EXPECT_FALSE(validate_topic_configs({{"message.timestamp.type", "Now"}}));
    auto unknown = validate_topic_configs({{"no.such", "1"}});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "Unknown topic config name: no.such");
}

TEST(topic_config, defaults_follow_the_broker) {
    auto loaded = load_broker_config(parse_properties("log.retention.hours=1\nlog.segment.bytes=1000\n"), {});
    ASSERT_TRUE(loaded);
    const auto& b = loaded->config;
    const auto* def = find_topic_config_def("retention.ms");
    ASSERT_NE(def, nullptr);
    auto eff = resolve_topic_config(*def, {}, b);
    EXPECT_EQ(eff.value, "3600000");
    EXPECT_EQ(eff.source, config_source::static_broker_config);
    ASSERT_FALSE(eff.synonyms.empty());
    EXPECT_EQ(eff.synonyms[0].name, "log.retention.hours");

    auto set = resolve_topic_config(*def, {{"retention.ms", "5"}}, b);
    EXPECT_EQ(set.value, "5");
    EXPECT_EQ(set.source, config_source::dynamic_topic_config);

    auto dflt = resolve_topic_config(*find_topic_config_def("cleanup.policy"), {}, b);
    EXPECT_EQ(dflt.value, "delete");
    EXPECT_EQ(dflt.source, config_source::default_config);
    EXPECT_EQ(topic_config_int({}, b, "segment.bytes"), 1000);
    EXPECT_EQ(topic_config_int({}, b, "max.message.bytes"), 1048588);
}

TEST(topic_table, persists_and_reloads) {
    temp_dir dir;
    uuid id;
    {
        auto table = topic_table::load(dir.string());
        ASSERT_TRUE(table) << table.error().message;
        auto created = table->create("orders", 3, {{"retention.ms", "1000"}});
        ASSERT_TRUE(created);
        id = (*created)->id;
        EXPECT_FALSE(id.is_zero());
        ASSERT_TRUE(table->create("items", 1, {}));
        EXPECT_EQ(table->create("orders", 1, {}).error().code, errc::already_exists);
        ASSERT_TRUE(table->set_partition_count("items", 4));
        ASSERT_TRUE(table->set_configs("items", {{"cleanup.policy", "compact"}}));
        ASSERT_TRUE(table->remove("nothing").error().code == errc::not_found);
    }
    EXPECT_FALSE(fs::exists(dir.path() / "__samsa-topics.json.tmp"));
    auto again = topic_table::load(dir.string());
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_EQ(again->topics().size(), 2u);
    const auto* orders = again->find("orders");
    ASSERT_NE(orders, nullptr);
    EXPECT_EQ(orders->id, id);
    EXPECT_EQ(orders->partition_count, 3);
    EXPECT_EQ(orders->configs.at("retention.ms"), "1000");
    EXPECT_EQ(again->find(id), orders);
    EXPECT_EQ(again->find("items")->partition_count, 4);
    EXPECT_EQ(again->find("items")->configs.at("cleanup.policy"), "compact");
    ASSERT_TRUE(again->remove("items"));
    auto third = topic_table::load(dir.string());
    ASSERT_TRUE(third);
    EXPECT_EQ(third->topics().size(), 1u);
}

TEST(topic_table, corrupt_file_is_an_error_not_an_empty_table) {
    temp_dir dir;
    std::ofstream(dir.path() / "__samsa-topics.json") << "{not json";
    auto table = topic_table::load(dir.string());
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().code, errc::corrupt);
}

}  // namespace
}  // namespace samsa::broker
