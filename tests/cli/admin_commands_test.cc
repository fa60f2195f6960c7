// The pure parts of groups reset-offsets, offsets, delete-records, configs
// and streams reset: what Kafka's tools would compute from the same inputs.

#include <gtest/gtest.h>

#include "samsa/cli/configs.h"
#include "samsa/cli/group_reset.h"
#include "samsa/cli/offsets.h"
#include "samsa/cli/streams_reset.h"

namespace samsa::cli {
namespace {

const kafka::topic_partition tp{"orders", 0};

reset_inputs at(int64_t committed, int64_t low, int64_t high) {
    reset_inputs in;
    in.committed = offset(committed);
    in.marks = {offset(low), offset(high)};
    return in;
}

int64_t planned(reset_kind kind, int64_t value, const reset_inputs& in) {
    auto o = plan_reset({kind, value}, in, tp);
    EXPECT_TRUE(o) << o.error().message;
    return o ? (*o)() : -99;
}

TEST(group_reset, earliest_and_latest_are_the_watermarks) {
    EXPECT_EQ(planned(reset_kind::to_earliest, 0, at(7, 3, 10)), 3);
    EXPECT_EQ(planned(reset_kind::to_latest, 0, at(7, 3, 10)), 10);
}

TEST(group_reset, an_offset_outside_the_log_is_clamped_as_kafka_does) {
    EXPECT_EQ(planned(reset_kind::to_offset, 5, at(7, 3, 10)), 5);
    EXPECT_EQ(planned(reset_kind::to_offset, 1, at(7, 3, 10)), 3);
    EXPECT_EQ(planned(reset_kind::to_offset, 99, at(7, 3, 10)), 10);
}

TEST(group_reset, shift_by_moves_the_committed_offset_and_clamps) {
    EXPECT_EQ(planned(reset_kind::shift_by, -2, at(7, 3, 10)), 5);
    EXPECT_EQ(planned(reset_kind::shift_by, -20, at(7, 3, 10)), 3);
    EXPECT_EQ(planned(reset_kind::shift_by, 20, at(7, 3, 10)), 10);
    EXPECT_EQ(planned(reset_kind::to_current, 0, at(1, 3, 10)), 3);  // deleted records: into the log
}

TEST(group_reset, shift_by_without_a_committed_offset_is_refused) {
    auto o = plan_reset({reset_kind::shift_by, 1}, at(-1, 0, 10), tp);
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("orders-0"), std::string::npos) << o.error().message;
}

TEST(group_reset, to_datetime_takes_the_offset_for_the_time_or_the_log_end) {
    auto in = at(7, 3, 10);
    in.offset_for_time = offset(6);
    EXPECT_EQ(planned(reset_kind::to_datetime, 1000, in), 6);
    in.offset_for_time = offset(-1);  // no record at or after the time
    EXPECT_EQ(planned(reset_kind::to_datetime, 1000, in), 10);
}

TEST(group_reset, topic_selection_is_kafkas_topic_colon_partitions) {
    auto all = parse_topic_selection("orders");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->topic, "orders");
    EXPECT_TRUE(all->partitions.empty());
    auto some = parse_topic_selection("orders:0,2");
    ASSERT_TRUE(some);
    ASSERT_EQ(some->partitions.size(), 2u);
    EXPECT_EQ(some->partitions[1](), 2);
    for (const char* bad : {"", ":1", "orders:", "orders:x", "orders:1,,2", "orders:-1"}) {
        EXPECT_FALSE(parse_topic_selection(bad)) << bad;
    }
}

TEST(offsets_command, time_is_latest_earliest_or_a_time) {
    EXPECT_EQ(*parse_offset_time("latest"), -1);
    EXPECT_EQ(*parse_offset_time("-2"), -2);
    EXPECT_EQ(*parse_offset_time("1700000000000"), 1700000000000);
    EXPECT_EQ(*parse_offset_time("1970-01-01T00:00:01Z"), 1000);
    EXPECT_FALSE(parse_offset_time("yesterday"));
}

TEST(delete_records_command, reads_kafkas_offset_json_file) {
    auto parsed = parse_delete_records_json(
        R"({"partitions":[{"topic":"t","partition":1,"offset":5},{"topic":"u","partition":0,"offset":-1}],"version":1})");
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ((*parsed)[0].first.topic, "t");
    EXPECT_EQ((*parsed)[0].first.partition, 1);
    EXPECT_EQ((*parsed)[0].second(), 5);
    EXPECT_EQ((*parsed)[1].second(), -1);
    for (const char* bad : {"", "[]", "{}", R"({"partitions":[]})", R"({"partitions":[{"topic":"t","partition":0}]})",
                            R"({"partitions":[{"topic":"t","partition":0,"offset":-5}]})",
                            R"({"partitions":[{"topic":1,"partition":0,"offset":1}]})"}) {
        EXPECT_FALSE(parse_delete_records_json(bad)) << bad;
    }
}

TEST(streams_reset_command, infers_internal_topics_as_kafkas_reset_tool) {
    EXPECT_TRUE(is_streams_internal_topic("wc", "wc-counts-store-changelog"));
    EXPECT_TRUE(is_streams_internal_topic("wc", "wc-KSTREAM-AGGREGATE-0000000003-repartition"));
    EXPECT_TRUE(is_streams_internal_topic("wc", "wc-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-subscription-registration-topic"));
    EXPECT_FALSE(is_streams_internal_topic("wc", "lines"));
    EXPECT_FALSE(is_streams_internal_topic("wc", "wc-output"));
    EXPECT_FALSE(is_streams_internal_topic("wc", "other-counts-changelog"));
}

TEST(configs_command, prints_kafkas_describe_lines) {
    std::vector<kafka::config_entry> entries(3);
    entries[0].name = "log.retention.hours", entries[0].value = "168", entries[0].source = "DEFAULT_CONFIG",
    entries[0].is_default = true;
    entries[1].name = "num.partitions", entries[1].value = "3", entries[1].source = "STATIC_BROKER_CONFIG";
    entries[2].name = "ssl.key.password", entries[2].sensitive = true, entries[2].source = "STATIC_BROKER_CONFIG";
    EXPECT_EQ(format_configs("broker 1", false, entries),
              "Dynamic configs for broker 1 are:\n"
              "  num.partitions=3 sensitive=false synonyms={STATIC_BROKER_CONFIG:num.partitions=3}\n"
              "  ssl.key.password=null sensitive=true synonyms={STATIC_BROKER_CONFIG:ssl.key.password=null}\n");
    EXPECT_NE(format_configs("broker 1", true, entries).find("All configs for broker 1 are:\n  log.retention.hours=168"),
              std::string::npos);
}

}  // namespace
}  // namespace samsa::cli
