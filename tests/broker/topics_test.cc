// Topic names, topic configs and the persisted topic table.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/topics/topic_config.h"
#include "samsa/broker/topics/topic_name.h"
#include "samsa/broker/topics/topic_properties.h"
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

broker_config broker_with(const std::string& properties) {
    auto loaded = load_broker_config(parse_properties(properties), {});
    EXPECT_TRUE(loaded) << loaded.error().message;
    return loaded ? loaded->config : broker_config{};
}

TEST(topic_properties, defaults_are_kafkas_and_the_brokers) {
    using std::chrono::milliseconds;
    auto p = build_topic_properties({}, broker_with(""));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->max_message_bytes, 1048588);
    EXPECT_EQ(p->log.cleanup, storage::cleanup_policy::delete_records);
    EXPECT_FALSE(p->compacted());
    EXPECT_EQ(p->log.message_timestamp_type, storage::timestamp_type::create_time);
    EXPECT_FALSE(p->compression.codec);  // producer
    EXPECT_EQ(p->message_timestamp_before_max_ms, topic_properties::unlimited);
    EXPECT_EQ(p->message_timestamp_after_max_ms, topic_properties::unlimited);
    EXPECT_FALSE(p->checks_timestamps());
    EXPECT_EQ(p->log.segment_bytes, 1073741824);
    EXPECT_EQ(p->log.segment_ms, milliseconds(604800000));
    EXPECT_EQ(p->log.retention_ms, milliseconds(604800000));  // log.retention.hours=168
    EXPECT_EQ(p->log.retention_bytes, -1);
    EXPECT_EQ(p->log.flush_interval_messages, storage::log_config::unlimited);
    EXPECT_EQ(p->log.flush_interval_ms, milliseconds::max());
    EXPECT_EQ(p->log.min_cleanable_dirty_ratio, 0.5);
    EXPECT_EQ(p->log.delete_retention_ms, milliseconds(86400000));
    EXPECT_EQ(p->log.max_compaction_lag_ms, milliseconds::max());

    // The broker's log.* keys are the defaults of topics that set nothing.
    auto b = broker_with(
        "message.max.bytes=5000\nlog.cleanup.policy=compact\nlog.message.timestamp.type=LogAppendTime\n"
        "compression.type=zstd\ncompression.zstd.level=7\nlog.retention.minutes=2\n"
        "log.message.timestamp.difference.max.ms=1000\n");
    auto q = build_topic_properties({}, b);
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(q->max_message_bytes, 5000);
    EXPECT_TRUE(q->compacted());
    EXPECT_TRUE(q->log_append_time());
    ASSERT_TRUE(q->compression.codec);
    EXPECT_EQ(*q->compression.codec, protocol::compression_codec::zstd);
    EXPECT_EQ(q->compression.level, 7);
    EXPECT_EQ(q->log.retention_ms, milliseconds(120000));
    EXPECT_EQ(q->message_timestamp_before_max_ms, 1000);
    // LogAppendTime: the broker's clock is the timestamp, nothing to check.
    EXPECT_FALSE(q->checks_timestamps());
}

TEST(topic_properties, topic_keys_override_the_broker) {
    auto b = broker_with("message.max.bytes=5000\nlog.retention.ms=-1\n");
    auto p = build_topic_properties({{"max.message.bytes", "700"},
                                     {"cleanup.policy", "compact,delete"},
                                     {"compression.type", "gzip"},
                                     {"compression.gzip.level", "9"},
                                     {"retention.ms", "1000"},
                                     {"message.timestamp.type", "CreateTime"},
                                     {"min.cleanable.dirty.ratio", "0.25"}},
                                    b);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->max_message_bytes, 700);
    EXPECT_EQ(p->log.cleanup, storage::cleanup_policy::compact_and_delete);
    EXPECT_TRUE(p->log.deletes());
    EXPECT_TRUE(p->compacted());
    EXPECT_EQ(*p->compression.codec, protocol::compression_codec::gzip);
    EXPECT_EQ(p->compression.level, 9);
    EXPECT_EQ(p->log.retention_ms, std::chrono::milliseconds(1000));
    EXPECT_EQ(p->log.min_cleanable_dirty_ratio, 0.25);
    EXPECT_EQ(build_topic_properties({}, b)->log.retention_ms, std::chrono::milliseconds(-1));
    auto none = build_topic_properties({{"compression.type", "uncompressed"}}, b);
    ASSERT_TRUE(none && none->compression.codec);
    EXPECT_EQ(*none->compression.codec, protocol::compression_codec::none);
}

TEST(topic_properties, timestamp_bounds_follow_kafka_38) {
    auto b = broker_with("");
    // The deprecated difference key bounds both sides while before/after are unset.
    auto diff = build_topic_properties({{"message.timestamp.difference.max.ms", "60000"}}, b);
    ASSERT_TRUE(diff);
    EXPECT_EQ(diff->message_timestamp_before_max_ms, 60000);
    EXPECT_EQ(diff->message_timestamp_after_max_ms, 60000);
    EXPECT_TRUE(diff->checks_timestamps());
    // KIP-937's keys win over it, each on its own side.
    auto kip = build_topic_properties({{"message.timestamp.difference.max.ms", "60000"},
                                       {"message.timestamp.before.max.ms", "5"}},
                                      b);
    ASSERT_TRUE(kip);
    EXPECT_EQ(kip->message_timestamp_before_max_ms, 5);
    EXPECT_EQ(kip->message_timestamp_after_max_ms, 60000);
    auto after = build_topic_properties({{"message.timestamp.after.max.ms", "7"}}, b);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->message_timestamp_before_max_ms, topic_properties::unlimited);
    EXPECT_EQ(after->message_timestamp_after_max_ms, 7);
    // The broker's KIP-937 keys are the defaults.
    auto broker_kip = build_topic_properties({}, broker_with("log.message.timestamp.after.max.ms=3600000\n"));
    ASSERT_TRUE(broker_kip);
    EXPECT_EQ(broker_kip->message_timestamp_after_max_ms, 3600000);
    EXPECT_EQ(broker_kip->message_timestamp_before_max_ms, topic_properties::unlimited);
}

TEST(topic_properties, bad_values_are_refused_as_validation_refuses_them) {
    auto b = broker_with("");
    for (const topic_configs& bad : std::vector<topic_configs>{{{"max.message.bytes", "big"}},
                                                               {{"max.message.bytes", "-1"}},
                                                               {{"cleanup.policy", "shred"}},
                                                               {{"cleanup.policy", ","}},
                                                               {{"message.timestamp.type", "Now"}},
                                                               {{"message.timestamp.before.max.ms", "-1"}},
                                                               {{"compression.type", "brotli"}},
                                                               {{"no.such", "1"}}}) {
        auto p = build_topic_properties(bad, b);
        auto v = validate_topic_configs(bad);
        ASSERT_FALSE(p) << bad.begin()->first << "=" << bad.begin()->second;
        ASSERT_FALSE(v);
        EXPECT_EQ(p.error().message, v.error().message);
    }
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
