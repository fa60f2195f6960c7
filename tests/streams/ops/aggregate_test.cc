// Aggregations on grouped streams and grouped tables, with Kafka Streams'
// own sequences (KTableAggregateTest.testAggBasic / testAggRepartition):
// one update per input (no caching), subtractor then adder, tombstones,
// re-keying across groups, timestamps.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

TEST(kgrouped_stream, count_by_key_and_by_new_key) {
    streams_builder b;
    auto s = b.stream("in", strings());
    s.group_by_key().count().to_stream().to("by-key", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    s.group_by([](const str&, const str& v) { return v; })
        .count(named::as("colour-count"), materialized<str, int64_t>::as("colours"))
        .to_stream()
        .to("by-value", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    driver_fixture f(b.build(), "app");
    auto in = f.input("in");
    auto by_key = f.driver.create_output_topic("by-key", serdes::string(), serdes::int64());
    auto by_value = f.driver.create_output_topic("by-value", serdes::string(), serdes::int64());
    in.pipe_input("A", "green", 1);
    in.pipe_input("B", "green", 2);
    in.pipe_input("A", "blue", 3);
    in.pipe_input(std::nullopt, "blue", 4);  // null key: skipped by group_by_key's count, re-keyed by group_by
    in.pipe_input("C", std::nullopt, 5);     // null value: skipped by both
    auto keys = by_key.read_records_to_list();
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[2].key, "A");
    EXPECT_EQ(keys[2].value, 2);
    EXPECT_EQ(keys[2].timestamp, 3);
    EXPECT_EQ(by_value.read_key_values_to_map(), (std::map<str, std::optional<int64_t>>{{"green", 2}, {"blue", 1}}));
    auto store = f.driver.get_key_value_store<str, int64_t>("colours", serdes::string(), serdes::int64());
    EXPECT_EQ(store.get("green"), 2);
}

TEST(kgrouped_stream, reduce_and_aggregate_keep_the_largest_timestamp) {
    streams_builder b;
    auto g = b.stream("in", strings()).group_by_key();
    g.reduce([](const str& agg, const str& v) { return agg + v; }).to_stream().to("reduced");
    g.aggregate([] { return str("0"); }, [](const str&, const str& v, const str& agg) { return agg + "+" + v; })
        .to_stream()
        .to("aggregated");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto reduced = f.output("reduced"), aggregated = f.output("aggregated");
    in.pipe_input("k", "a", 10);
    in.pipe_input("k", "b", 5);  // out of order: the aggregate keeps timestamp 10
    in.pipe_input("k", "c", 12);
    EXPECT_EQ(drain(reduced), (std::vector<kvt>{{"k", "a", 10}, {"k", "ab", 10}, {"k", "abc", 12}}));
    EXPECT_EQ(drain(aggregated), (std::vector<kvt>{{"k", "0+a", 10}, {"k", "0+a+b", 10}, {"k", "0+a+b+c", 12}}));
}

TEST(kgrouped_table, aggregate_basic) {
    streams_builder b;
    b.table("topic1", strings())
        .group_by([](const str& k, const str& v) { return key_value<str, str>{k, v}; })
        .aggregate([] { return str("0"); }, [](const str&, const str& v, const str& agg) { return agg + "+" + v; },
                   [](const str&, const str& v, const str& agg) { return agg + "-" + v; },
                   materialized<str, str>::as("topic1-Canonized"))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("topic1");
    auto out = f.output("out");
    in.pipe_input("A", "1", 10);
    in.pipe_input("B", "2", 15);
    in.pipe_input("A", "3", 20);
    in.pipe_input("B", "4", 18);
    in.pipe_input("C", "5", 5);
    in.pipe_input("D", "6", 25);
    in.pipe_input("B", "7", 15);
    in.pipe_input("C", "8", 10);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"A", "0+1", 10},
                                            {"B", "0+2", 15},
                                            {"A", "0+1-1+3", 20},
                                            {"B", "0+2-2+4", 18},
                                            {"C", "0+5", 5},
                                            {"D", "0+6", 25},
                                            {"B", "0+2-2+4-4+7", 18},
                                            {"C", "0+5-5+8", 10}}));
}

TEST(kgrouped_table, aggregate_repartition) {
    streams_builder b;
    b.table("topic1", strings())
        .group_by([](const str& k, const str& v) -> key_value<opt, opt> {
            if (k == "null") return {std::nullopt, v};
            if (k == "NULL") return {std::nullopt, std::nullopt};
            return {v, v};
        })
        .aggregate([] { return str("0"); }, [](const str&, const str& v, const str& agg) { return agg + "+" + v; },
                   [](const str&, const str& v, const str& agg) { return agg + "-" + v; })
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("topic1");
    auto out = f.output("out");
    in.pipe_input("A", "1", 10);
    in.pipe_input("A", std::nullopt, 15);
    in.pipe_input("A", "1", 12);
    in.pipe_input("B", "2", 20);
    in.pipe_input("null", "3", 25);
    in.pipe_input("B", "4", 23);
    in.pipe_input("NULL", "5", 24);
    in.pipe_input("B", "7", 22);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"1", "0+1", 10},
                                            {"1", "0+1-1", 15},
                                            {"1", "0+1-1+1", 15},
                                            {"2", "0+2", 20},
                                            {"2", "0+2-2", 23},
                                            {"4", "0+4", 23},
                                            {"4", "0+4-4", 23},
                                            {"7", "0+7", 22}}));
}

TEST(kgrouped_table, count_and_reduce_follow_rows_between_groups) {
    streams_builder b;
    auto g = b.table("user-regions", strings()).group_by([](const str& user, const str& region) {
        return key_value<str, str>{region, user};
    });
    g.count().to_stream().to("region-counts", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    g.reduce([](const str& agg, const str& v) { return agg + "," + v; },
             [](const str& agg, const str& v) {
                 auto pos = agg.find(v);
                 str out = agg;
                 if (pos != str::npos) out.erase(pos, v.size());
                 return out;
             })
        .to_stream()
        .to("region-users");
    driver_fixture f(b.build());
    auto in = f.input("user-regions");
    auto counts = f.driver.create_output_topic("region-counts", serdes::string(), serdes::int64());
    in.pipe_input("alice", "asia", 1);
    in.pipe_input("bob", "europe", 2);
    in.pipe_input("alice", "europe", 3);  // moves: asia -1, europe +1
    in.pipe_input("bob", std::nullopt, 4);  // deleted: europe -1
    std::vector<std::pair<str, int64_t>> seen;
    for (auto& r : counts.read_records_to_list()) seen.emplace_back(*r.key, *r.value);
    EXPECT_EQ(seen, (std::vector<std::pair<str, int64_t>>{
                        {"asia", 1}, {"europe", 1}, {"asia", 0}, {"europe", 2}, {"europe", 1}}));
    auto users = f.output("region-users");
    EXPECT_EQ(users.read_key_values_to_map(), (std::map<str, opt>{{"asia", ""}, {"europe", ",alice"}}));
}

TEST(ktable_ops, filter_map_values_and_to_stream_with_tombstones) {
    streams_builder b;
    auto t = b.table("in", strings());
    t.filter([](const str&, const str& v) { return v.size() > 1; }).to_stream().to("filtered");
    t.map_values([](const str& v) { return v + "!"; }).to_stream().to("mapped");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto filtered = f.output("filtered"), mapped = f.output("mapped");
    in.pipe_input("a", "xx", 1);
    in.pipe_input("b", "x", 2);
    in.pipe_input("a", std::nullopt, 3);
    // Without old values a filtered-out row is forwarded as a tombstone.
    EXPECT_EQ(drain(filtered), (std::vector<kvt>{{"a", "xx", 1}, {"b", std::nullopt, 2}, {"a", std::nullopt, 3}}));
    EXPECT_EQ(drain(mapped), (std::vector<kvt>{{"a", "xx!", 1}, {"b", "x!", 2}, {"a", std::nullopt, 3}}));
}

TEST(ktable_ops, filter_with_old_values_suppresses_rows_out_on_both_sides) {
    streams_builder b;
    // group_by asks for old values: the filter then skips updates that are
    // filtered out both before and after.
    b.table("in", strings())
        .filter([](const str&, const str& v) { return v != "skip"; })
        .group_by([](const str& k, const str& v) { return key_value<str, str>{v, k}; })
        .count()
        .to_stream()
        .to("out", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.driver.create_output_topic("out", serdes::string(), serdes::int64());
    in.pipe_input("a", "skip", 1);
    in.pipe_input("a", "skip", 2);
    EXPECT_TRUE(out.is_empty());
    in.pipe_input("a", "x", 3);
    in.pipe_input("a", "skip", 4);
    std::vector<std::pair<str, int64_t>> seen;
    for (auto& r : out.read_records_to_list()) seen.emplace_back(*r.key, *r.value);
    EXPECT_EQ(seen, (std::vector<std::pair<str, int64_t>>{{"x", 1}, {"x", 0}}));
}

TEST(kstream_to_table, stream_becomes_a_table) {
    streams_builder b;
    b.stream("in", strings()).to_table(named::as("tt"), materialized<str, str>::as("tt-store")).to_stream().to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "1", 1);
    in.pipe_input("a", std::nullopt, 2);
    in.pipe_input(std::nullopt, "x", 3);  // tables drop null keys
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "1", 1}, {"a", std::nullopt, 2}}));
    auto store = f.driver.get_key_value_store<str, str>("tt-store");
    EXPECT_FALSE(store.get("a"));
}

}  // namespace
}  // namespace samsa::streams::test
