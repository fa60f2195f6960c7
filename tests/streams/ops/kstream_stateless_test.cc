// Stateless stream operators through the test driver: filter, filter_not,
// map, map_values, flat_map, flat_map_values, select_key, peek, foreach,
// split/branch, merge, to with a topic extractor, repartition, headers.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

TEST(kstream_filter, keeps_matching_records_and_drops_nulls_for_plain_predicates) {
    streams_builder b;
    auto s = b.stream("in", strings());
    s.filter([](const str&, const str& v) { return v.size() > 1; }).to("kept");
    s.filter_not([](const str&, const str& v) { return v.size() > 1; }).to("rejected");
    s.filter([](const opt&, const opt& v) { return !v; }).to("tombstones");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto kept = f.output("kept"), rejected = f.output("rejected"), tombstones = f.output("tombstones");
    in.pipe_input("a", "xx", 1);
    in.pipe_input("b", "x", 2);
    in.pipe_input("c", std::nullopt, 3);
    EXPECT_EQ(drain(kept), (std::vector<kvt>{{"a", "xx", 1}}));
    // A plain predicate does not see the tombstone: filter_not keeps it.
    EXPECT_EQ(drain(rejected), (std::vector<kvt>{{"b", "x", 2}, {"c", std::nullopt, 3}}));
    EXPECT_EQ(drain(tombstones), (std::vector<kvt>{{"c", std::nullopt, 3}}));
}

TEST(kstream_map, maps_keys_and_values_and_keeps_timestamps) {
    streams_builder b;
    auto s = b.stream("in", strings());
    s.map([](const str& k, const str& v) { return key_value<str, int32_t>{v, static_cast<int32_t>(k.size())}; })
        .to("mapped", produced<str, int32_t>::with(serdes::string(), serdes::int32()));
    s.map_values([](const str& v) { return v + "!"; }).to("values");
    s.map_values([](const str& k, const str& v) { return k + ":" + v; }).to("with-key");
    s.select_key([](const str&, const str& v) { return v; }).to("rekeyed");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto mapped = f.driver.create_output_topic("mapped", serdes::string(), serdes::int32());
    auto values = f.output("values"), with_key = f.output("with-key"), rekeyed = f.output("rekeyed");
    in.pipe_input("key", "v1", 7);
    auto r = mapped.read_record();
    EXPECT_EQ(r.key, "v1");
    EXPECT_EQ(r.value, 3);
    EXPECT_EQ(r.timestamp, 7);
    EXPECT_EQ(drain(values), (std::vector<kvt>{{"key", "v1!", 7}}));
    EXPECT_EQ(drain(with_key), (std::vector<kvt>{{"key", "key:v1", 7}}));
    EXPECT_EQ(drain(rekeyed), (std::vector<kvt>{{"v1", "v1", 7}}));
}

TEST(kstream_map_values, optional_mapper_sees_and_may_produce_nulls) {
    streams_builder b;
    b.stream("in", strings())
        .map_values([](const opt& v) -> opt { return v ? std::nullopt : opt("was-null"); })
        .to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "x", 1);
    in.pipe_input("b", std::nullopt, 2);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", std::nullopt, 1}, {"b", "was-null", 2}}));
}

TEST(kstream_flat_map, emits_zero_or_more_records) {
    streams_builder b;
    auto s = b.stream("in", strings());
    s.flat_map([](const str& k, const str& v) {
         std::vector<key_value<str, str>> out;
         for (char c : v) out.push_back({k + c, std::string(1, c)});
         return out;
     }).to("pairs");
    s.flat_map_values([](const str& v) { return std::vector<str>(v.size(), v); }).to("copies");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto pairs = f.output("pairs"), copies = f.output("copies");
    in.pipe_input("k", "ab", 3);
    in.pipe_input("e", "", 4);
    EXPECT_EQ(drain(pairs), (std::vector<kvt>{{"ka", "a", 3}, {"kb", "b", 3}}));
    EXPECT_EQ(drain(copies), (std::vector<kvt>{{"k", "ab", 3}, {"k", "ab", 3}}));
}

TEST(kstream_peek, peek_forwards_and_foreach_terminates) {
    streams_builder b;
    std::vector<str> seen, done;
    auto s = b.stream("in", strings());
    s.peek([&](const str& k, const str&) { seen.push_back(k); }).to("out");
    s.foreach([&](const str& k, const str& v) { done.push_back(k + v); });
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("a", "1", 1);
    in.pipe_input("b", "2", 2);
    EXPECT_EQ(seen, (std::vector<str>{"a", "b"}));
    EXPECT_EQ(done, (std::vector<str>{"a1", "b2"}));
    EXPECT_EQ(out.get_queue_size(), 2u);
}

TEST(kstream_split, first_matching_branch_wins_and_default_takes_the_rest) {
    streams_builder b;
    auto branches = b.stream("in", strings())
                        .split(named::as("s-"))
                        .branch([](const str&, const str& v) { return v.rfind("a", 0) == 0; }, branched::as("a"))
                        .branch([](const str&, const str& v) { return v.size() > 2; })
                        .default_branch();
    ASSERT_EQ(branches.size(), 3u);
    branches.at("s-a").to("a");
    branches.at("s-2").to("long");
    branches.at("s-0").to("other");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto a = f.output("a"), longer = f.output("long"), other = f.output("other");
    in.pipe_input("1", "abcd", 1);
    in.pipe_input("2", "bcde", 2);
    in.pipe_input("3", "b", 3);
    EXPECT_EQ(drain(a), (std::vector<kvt>{{"1", "abcd", 1}}));
    EXPECT_EQ(drain(longer), (std::vector<kvt>{{"2", "bcde", 2}}));
    EXPECT_EQ(drain(other), (std::vector<kvt>{{"3", "b", 3}}));
}

TEST(kstream_merge, records_of_both_streams_in_arrival_order) {
    streams_builder b;
    auto x = b.stream("x", strings());
    auto y = b.stream("y", strings());
    x.merge(y).to("out");
    driver_fixture f(b.build());
    auto in_x = f.input("x"), in_y = f.input("y");
    auto out = f.output("out");
    in_x.pipe_input("a", "1", 5);
    in_y.pipe_input("b", "2", 3);
    in_x.pipe_input("c", "3", 4);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "1", 5}, {"b", "2", 3}, {"c", "3", 4}}));
}

TEST(kstream_to, topic_extractor_routes_per_record) {
    streams_builder b;
    b.stream("in", strings()).to([](const opt& k, const opt&) { return "out-" + k.value_or("none"); });
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("a", "1", 1);
    in.pipe_input("b", "2", 2);
    auto a = f.output("out-a"), bb = f.output("out-b");
    EXPECT_EQ(drain(a), (std::vector<kvt>{{"a", "1", 1}}));
    EXPECT_EQ(drain(bb), (std::vector<kvt>{{"b", "2", 2}}));
}

TEST(kstream_repartition, goes_through_an_internal_topic) {
    streams_builder b;
    b.stream("in", strings()).repartition(repartitioned<str, str>::as("by-value").with_number_of_partitions(4)).to("out");
    topology t = b.build();
    EXPECT_EQ(t.repartition_topics().at("by-value-repartition"), 4);
    driver_fixture f(std::move(t), "app");
    auto in = f.input("in");
    auto out = f.output("out");
    auto internal = f.output("app-by-value-repartition");
    in.pipe_input("a", "1", 9);
    EXPECT_EQ(drain(internal), (std::vector<kvt>{{"a", "1", 9}}));
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "1", 9}}));
}

TEST(kstream_headers, travel_with_the_record) {
    streams_builder b;
    b.stream("in", strings()).map_values([](const str& v) { return v + "!"; }).to("out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    record_headers h{{"trace", samsa::to_bytes("42")}};
    in.pipe_input("a", "1", 1, h);
    EXPECT_EQ(out.read_record().headers, h);
}

TEST(kstream_null_keys, plain_functions_are_not_called_and_their_drops_are_counted) {
    streams_builder b;
    auto in = b.stream("in", strings());
    in.select_key([](const str&, const str& v) { return v; }).to("selected");
    in.map_values([](const str& k, const str& v) { return k + v; }).to("mapped");
    in.filter([](const str&, const str&) { return true; }).to("filtered");
    in.peek([](const str&, const str&) {}).to("peeked");  // passes everything on, counts nothing
    driver_fixture f(b.build());
    auto input = f.input("in");
    input.pipe_input(std::nullopt, "v", 1);
    input.pipe_input("k", std::nullopt, 2);
    EXPECT_TRUE(f.output("selected").is_empty());
    EXPECT_TRUE(f.output("mapped").is_empty());
    EXPECT_TRUE(f.output("filtered").is_empty());
    EXPECT_EQ(f.output("peeked").get_queue_size(), 2u);
    EXPECT_EQ(f.driver.dropped_records(), 6);  // 3 operators x 2 records
}

TEST(kstream_null_keys, optional_parameters_see_null_keys_as_java_does) {
    streams_builder b;
    b.stream("in", strings())
        .select_key([](const opt& k, const opt& v) { return k.value_or("none") + "/" + v.value_or("none"); })
        .to("out");
    driver_fixture f(b.build());
    auto input = f.input("in");
    input.pipe_input(std::nullopt, "v", 1);
    input.pipe_input("k", std::nullopt, 2);
    auto out = f.output("out");
    EXPECT_EQ(drain(out),
              (std::vector<kvt>{{"none/v", "v", 1}, {"k/none", std::nullopt, 2}}));
    EXPECT_EQ(f.driver.dropped_records(), 0);
}

TEST(kstream_partitioner, is_asked_with_the_drivers_one_partition_and_its_choice_is_kept) {
    streams_builder b;
    std::vector<int32_t> counts;
    auto partitioner = [&counts](const std::string&, const std::optional<str>&, const std::optional<str>& v,
                                 int32_t n) -> std::optional<int32_t> {
        counts.push_back(n);
        if (*v == "bad") return 7;
        if (*v == "any") return std::nullopt;
        return 0;
    };
    b.stream("in", strings()).to("out", produced<str, str>::with(serdes::string(), serdes::string())
                                            .with_stream_partitioner(partitioner));
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("a", "x", 1);
    in.pipe_input("b", "any", 2);
    EXPECT_EQ(counts, (std::vector<int32_t>{1, 1}));  // Kafka's driver: one partition per topic
    auto& out = f.driver.output("out");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].partition, std::optional<int32_t>(0));
    EXPECT_EQ(out[1].partition, std::nullopt);  // the producer's partitioner decides
    EXPECT_THROW(in.pipe_input("c", "bad", 3), std::runtime_error);  // partition 7 of 1
}

TEST(kstream_source, unknown_topic_is_an_error) {
    streams_builder b;
    b.stream("in", strings()).to("out");
    driver_fixture f(b.build());
    auto wrong = f.input("nope");
    EXPECT_THROW(wrong.pipe_input("a", "b", 1), std::invalid_argument);
}

}  // namespace
}  // namespace samsa::streams::test
