// cogroup (Kafka's CogroupedKStream, cases after KStreamCogroupTest): several
// grouped streams, one aggregator each, one shared store; every input record
// updates its key's aggregate and emits it (caching off), timestamps the
// larger of the record's and the aggregate's; null keys and values skipped;
// repartitioning of re-keyed inputs; old values through the merge node.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

materialized<str, str> uncached(std::optional<str> name = std::nullopt) {
    auto m = name ? materialized<str, str>::as(*name) : materialized<str, str>{};
    m.with_key_serde(serdes::string()).with_value_serde(serdes::string());
    m.with_caching_disabled();
    return m;
}

auto append(const char* tag) {
    return [tag](const str&, const str& v, const str& agg) { return agg + tag + v; };
}

TEST(cogroup, two_inputs_update_one_aggregate_per_key) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    views.cogroup(append("+v"))
        .cogroup(likes, append("+l"))
        .aggregate([] { return str("0"); }, uncached("engagement-store"))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto v = f.input("views");
    auto l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("k1", "a", 10);
    l.pipe_input("k1", "b", 5);  // older record: the aggregate keeps 10
    l.pipe_input("k2", "c", 7);
    v.pipe_input("k1", "d", 12);
    v.pipe_input("k2", "e", 3);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k1", "0+va", 10},
                                            {"k1", "0+va+lb", 10},
                                            {"k2", "0+lc", 7},
                                            {"k1", "0+va+lb+vd", 12},
                                            {"k2", "0+lc+ve", 7}}));
    auto store = f.driver.get_key_value_store<str, str>("engagement-store");
    EXPECT_EQ(store.get("k1"), "0+va+lb+vd");
    EXPECT_EQ(store.get("k2"), "0+lc+ve");
}

TEST(cogroup, skips_null_keys_and_values) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    views.cogroup(append("+v"))
        .cogroup(likes, append("+l"))
        .aggregate([] { return str("0"); }, uncached())
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto v = f.input("views");
    auto l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input(std::nullopt, "a", 1);
    l.pipe_input("k", std::nullopt, 2);
    l.pipe_input("k", "b", 3);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "0+lb", 3}}));
    EXPECT_EQ(f.driver.dropped_records(), 2);
}

TEST(cogroup, inputs_of_different_value_types) {
    streams_builder b;
    auto words = b.stream("words", strings()).group_by_key();
    auto numbers = b.stream("numbers", consumed<str, int64_t>::with(serdes::string(), serdes::int64())).group_by_key();
    auto m = materialized<str, int64_t>::with(serdes::string(), serdes::int64()).with_caching_disabled();
    words.cogroup([](const str&, const str& w, const int64_t& total) { return total + int64_t(w.size()); })
        .cogroup(numbers, [](const str&, const int64_t& n, const int64_t& total) { return total + n; })
        .aggregate([] { return int64_t{100}; }, m)
        .to_stream()
        .to("out", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    driver_fixture f(b.build());
    auto w = f.input("words");
    auto n = f.driver.create_input_topic("numbers", serdes::string(), serdes::int64());
    auto out = f.driver.create_output_topic("out", serdes::string(), serdes::int64());
    w.pipe_input("k", "abc", 1);
    n.pipe_input("k", 7, 2);
    w.pipe_input("j", "xy", 3);
    std::vector<std::pair<str, int64_t>> seen;
    for (auto& r : out.read_records_to_list()) seen.emplace_back(*r.key, *r.value);
    EXPECT_EQ(seen, (std::vector<std::pair<str, int64_t>>{{"k", 103}, {"k", 110}, {"j", 102}}));
}

TEST(cogroup, repartitions_a_rekeyed_input_through_a_topic_named_after_the_store) {
    streams_builder b;
    auto by_key = b.stream("views", strings()).group_by_key();
    // "user,page" re-keyed by user.
    auto by_user = b.stream("clicks", strings()).group_by([](const str&, const str& v) { return v.substr(0, v.find(',')); });
    by_key.cogroup(append("+v"))
        .cogroup(by_user, append("+c"))
        .aggregate([] { return str("0"); }, uncached())
        .to_stream()
        .to("out");
    auto t = b.build();
    std::string text = t.describe().to_string();
    // store 3 (views 0, clicks 1, key-select 2), then the repartition burns 4-6: its names come from
    // the topic, since the store's name does not match Kafka's "KSTREAM.*-[0-9]{10}".
    EXPECT_NE(text.find("(topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition)"), std::string::npos) << text;
    EXPECT_NE(text.find("Processor: COGROUPKSTREAM-AGGREGATE-0000000007 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])"),
              std::string::npos) << text;
    EXPECT_NE(text.find("Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n"
                        "      --> COGROUPKSTREAM-MERGE-0000000009\n"
                        "      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition-source"),
              std::string::npos) << text;
    driver_fixture f(std::move(t));
    auto v = f.input("views");
    auto c = f.input("clicks");
    auto out = f.output("out");
    c.pipe_input("x", "alice,home", 1);
    v.pipe_input("alice", "p", 2);
    c.pipe_input("y", "bob,cart", 3);
    c.pipe_input("z", "alice,cart", 4);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"alice", "0+calice,home", 1},
                                            {"alice", "0+calice,home+vp", 2},
                                            {"bob", "0+cbob,cart", 3},
                                            {"alice", "0+calice,home+vp+calice,cart", 4}}));
}

TEST(cogroup, grouped_name_and_named_operator_name_the_topic_and_processors) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto clicks = b.stream("clicks", strings())
                      .group_by([](const str&, const str& v) { return v; }, grouped<str, str>::as("by-page"));
    views.cogroup(append("+v"))
        .cogroup(clicks, append("+c"))
        .aggregate([] { return str(); }, named::as("eng"), uncached())
        .to_stream()
        .to("out");
    std::string text = b.build().describe().to_string();
    EXPECT_NE(text.find("(topic: by-page-repartition)"), std::string::npos) << text;
    EXPECT_NE(text.find("Processor: eng-cogroup-agg-0 "), std::string::npos) << text;
    EXPECT_NE(text.find("Processor: eng-cogroup-agg-1 "), std::string::npos) << text;
    EXPECT_NE(text.find("Processor: eng-cogroup-merge (stores: [])"), std::string::npos) << text;
}

TEST(cogroup, sends_old_values_to_a_downstream_table_aggregation) {
    // Regrouping the cogrouped table needs old values: each update first
    // subtracts the key's previous aggregate from its old group.
    streams_builder b;
    auto a = b.stream("a", strings()).group_by_key();
    auto c = b.stream("c", strings()).group_by_key();
    a.cogroup([](const str&, const str& v, const str&) { return v; })
        .cogroup(c, [](const str&, const str& v, const str&) { return v; })
        .aggregate([] { return str(); }, uncached())
        // The initial aggregate "" is forwarded as the first old value (as
        // Kafka's KStreamAggregate does); a null key keeps it out of the count.
        .group_by([](const str& k, const str& v) -> key_value<opt, opt> {
            if (v.empty()) return {std::nullopt, k};
            return {v, k};
        })
        .count(named{}, materialized<str, int64_t>::with(serdes::string(), serdes::int64()).with_caching_disabled())
        .to_stream()
        .to("out", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    driver_fixture f(b.build());
    auto in_a = f.input("a");
    auto in_c = f.input("c");
    auto out = f.driver.create_output_topic("out", serdes::string(), serdes::int64());
    in_a.pipe_input("k1", "red", 1);
    in_c.pipe_input("k2", "red", 2);
    in_c.pipe_input("k1", "blue", 3);  // k1 leaves red for blue
    std::vector<std::pair<str, int64_t>> seen;
    for (auto& r : out.read_records_to_list()) seen.emplace_back(*r.key, *r.value);
    EXPECT_EQ(seen, (std::vector<std::pair<str, int64_t>>{{"red", 1}, {"red", 2}, {"red", 1}, {"blue", 1}}));
}

TEST(cogroup, with_caching_forwards_each_update_at_the_drivers_commit) {
    // The driver commits after every record; the shared cache flushes
    // through whichever aggregate processor registered last, into the merge.
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    views.cogroup(append("+v"))
        .cogroup(likes, append("+l"))
        .aggregate([] { return str("0"); }, materialized<str, str>::as("cached"))
        .to_stream()
        .to("out");
    driver_fixture f(b.build());
    auto v = f.input("views");
    auto l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("k", "a", 1);
    l.pipe_input("k", "b", 2);
    v.pipe_input("k", "c", 3);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "0+va", 1}, {"k", "0+va+lb", 2}, {"k", "0+va+lb+vc", 3}}));
}

}  // namespace
}  // namespace samsa::streams::test
