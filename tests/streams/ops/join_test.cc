// Joins against the sequences of Kafka Streams' own tests
// (KStreamKTableJoinTest, KStreamKTableLeftJoinTest, KTableKTableInnerJoinTest,
// KTableKTableLeftJoinTest, KTableKTableOuterJoinTest,
// KStreamGlobalKTableJoinTest): tombstones, null keys, missing matches and
// out-of-order timestamps; output timestamps as Kafka computes them.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

const std::vector<str> keys = {"0", "1", "2", "3"};

// ---- KStream-KTable ----

struct stream_table : ::testing::Test {
    topology build(bool left) {
        streams_builder b;
        auto table = b.table("table", strings());
        auto stream = b.stream("stream", strings());
        if (left) {
            stream.left_join(table, [](const str& v, const opt& t) { return tostring_join(v, t); }).to("out");
        } else {
            stream.join(table, [](const str& v, const str& t) { return tostring_join(v, t); }).to("out");
        }
        return b.build();
    }
};

TEST_F(stream_table, inner_join_only_stream_records_with_a_match_produce) {
    driver_fixture f(build(false));
    auto stream = f.input("stream"), table = f.input("table");
    auto out = f.output("out");
    for (int i = 0; i < 2; ++i) stream.pipe_input(keys[i], "X" + keys[i], i);
    EXPECT_TRUE(out.is_empty());
    for (int i = 0; i < 2; ++i) table.pipe_input(keys[i], "Y" + keys[i], 10 + i);
    EXPECT_TRUE(out.is_empty());  // table updates never trigger
    for (int i = 0; i < 4; ++i) stream.pipe_input(keys[i], "X" + keys[i], i);
    // The stream record's timestamp, not the table's.
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "X0+Y0", 0}, {"1", "X1+Y1", 1}}));
}

TEST_F(stream_table, inner_join_table_tombstones_remove_matches) {
    driver_fixture f(build(false));
    auto stream = f.input("stream"), table = f.input("table");
    auto out = f.output("out");
    for (int i = 0; i < 4; ++i) table.pipe_input(keys[i], "Y" + keys[i], 0);
    for (int i = 0; i < 4; ++i) stream.pipe_input(keys[i], "X" + keys[i], 1);
    EXPECT_EQ(out.get_queue_size(), 4u);
    out.read_records_to_list();
    for (int i = 0; i < 2; ++i) table.pipe_input(keys[i], std::nullopt, 2);
    for (int i = 0; i < 4; ++i) stream.pipe_input(keys[i], "XX" + keys[i], 3);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"2", "XX2+Y2", 3}, {"3", "XX3+Y3", 3}}));
}

TEST_F(stream_table, inner_join_drops_null_keys_and_values_and_counts_them) {
    driver_fixture f(build(false));
    auto stream = f.input("stream"), table = f.input("table");
    auto out = f.output("out");
    table.pipe_input("0", "Y0", 0);
    stream.pipe_input(std::nullopt, "X", 1);
    stream.pipe_input("0", std::nullopt, 2);
    EXPECT_TRUE(out.is_empty());
    EXPECT_EQ(f.driver.dropped_records(), 2);
}

TEST_F(stream_table, left_join_emits_for_every_stream_record) {
    driver_fixture f(build(true));
    auto stream = f.input("stream"), table = f.input("table");
    auto out = f.output("out");
    for (int i = 0; i < 2; ++i) stream.pipe_input(keys[i], "X" + keys[i], i);
    for (int i = 0; i < 2; ++i) table.pipe_input(keys[i], "Y" + keys[i], 10 + i);
    for (int i = 0; i < 4; ++i) stream.pipe_input(keys[i], "XX" + keys[i], 20 + i);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "X0+null", 0},
                                            {"1", "X1+null", 1},
                                            {"0", "XX0+Y0", 20},
                                            {"1", "XX1+Y1", 21},
                                            {"2", "XX2+null", 22},
                                            {"3", "XX3+null", 23}}));
    // KIP-962: a left join joins a null-key record with an absent table value;
    // a null value is still dropped.
    stream.pipe_input(std::nullopt, "N", 30);
    stream.pipe_input("0", std::nullopt, 31);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{std::nullopt, "N+null", 30}}));
}

TEST_F(stream_table, out_of_order_table_updates_still_replace_the_row) {
    driver_fixture f(build(false));
    auto stream = f.input("stream"), table = f.input("table");
    auto out = f.output("out");
    table.pipe_input("0", "new", 10);
    table.pipe_input("0", "older", 5);  // applied: non-versioned stores keep the last write
    stream.pipe_input("0", "X", 7);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "X+older", 7}}));
}

TEST(stream_table_repartition, key_changing_stream_is_repartitioned_before_the_join) {
    streams_builder b;
    auto table = b.table("table", strings());
    b.stream("stream", strings())
        .select_key([](const opt&, const opt& v) { return v->substr(0, 1); })
        .join(table, [](const str& v, const str& t) { return v + "/" + t; })
        .to("out");
    driver_fixture f(b.build(), "app");
    auto stream = f.input("stream"), tbl = f.input("table");
    auto out = f.output("out");
    tbl.pipe_input("a", "A", 1);
    stream.pipe_input("k1", "a1", 2);
    stream.pipe_input(std::nullopt, "a2", 3);  // a null-aware selector re-keys null-key records too
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "a1/A", 2}, {"a", "a2/A", 3}}));
    EXPECT_EQ(f.output("app-KSTREAM-KEY-SELECT-0000000004-repartition").get_queue_size(), 2u);
}

// ---- KTable-KTable ----

struct table_table : ::testing::Test {
    enum class kind { inner, left, outer };
    topology build(kind k) {
        streams_builder b;
        auto t1 = b.table("t1", strings());
        auto t2 = b.table("t2", strings());
        ktable<str, str> joined = k == kind::inner ? t1.join(t2, [](const str& a, const str& c) { return tostring_join(a, c); })
                                  : k == kind::left ? t1.left_join(t2, [](const str& a, const opt& c) { return tostring_join(a, c); })
                                                    : t1.outer_join(t2, [](const opt& a, const opt& c) { return tostring_join(a, c); });
        joined.to_stream().to("out");
        return b.build();
    }
    // Kafka's shared sequence; returns the output after each step.
    std::vector<std::vector<kvt>> run(kind k) {
        driver_fixture f(build(k));
        auto in1 = f.input("t1"), in2 = f.input("t2");
        auto out = f.output("out");
        std::vector<std::vector<kvt>> steps;
        for (int i = 0; i < 2; ++i) in1.pipe_input(keys[i], "X" + keys[i], 5 + i);
        in1.pipe_input(std::nullopt, "SomeVal", 42);
        steps.push_back(drain(out));
        for (int i = 0; i < 2; ++i) in2.pipe_input(keys[i], "Y" + keys[i], 10 * i);
        in2.pipe_input(std::nullopt, "AnotherVal", 73);
        steps.push_back(drain(out));
        for (const auto& key : keys) in1.pipe_input(key, "XX" + key, 7);
        steps.push_back(drain(out));
        for (const auto& key : keys) in2.pipe_input(key, "YY" + key, std::stoi(key) * 5);
        steps.push_back(drain(out));
        for (const auto& key : keys) in1.pipe_input(key, "XXX" + key, 6);
        steps.push_back(drain(out));
        in2.pipe_input(keys[0], std::nullopt, 5);
        in2.pipe_input(keys[1], std::nullopt, 7);
        steps.push_back(drain(out));
        for (const auto& key : keys) in1.pipe_input(key, "XXXX" + key, 13);
        steps.push_back(drain(out));
        in1.pipe_input(keys[0], std::nullopt, 0);
        in1.pipe_input(keys[1], std::nullopt, 42);
        in1.pipe_input(keys[2], std::nullopt, 5);
        in1.pipe_input(keys[3], std::nullopt, 20);
        steps.push_back(drain(out));
        EXPECT_EQ(f.driver.dropped_records(), 2);  // the two null keys
        return steps;
    }
};

TEST_F(table_table, inner_join) {
    auto s = run(kind::inner);
    EXPECT_EQ(s[0], (std::vector<kvt>{}));
    EXPECT_EQ(s[1], (std::vector<kvt>{{"0", "X0+Y0", 5}, {"1", "X1+Y1", 10}}));
    EXPECT_EQ(s[2], (std::vector<kvt>{{"0", "XX0+Y0", 7}, {"1", "XX1+Y1", 10}}));
    EXPECT_EQ(s[3], (std::vector<kvt>{{"0", "XX0+YY0", 7}, {"1", "XX1+YY1", 7}, {"2", "XX2+YY2", 10}, {"3", "XX3+YY3", 15}}));
    EXPECT_EQ(s[4], (std::vector<kvt>{{"0", "XXX0+YY0", 6}, {"1", "XXX1+YY1", 6}, {"2", "XXX2+YY2", 10}, {"3", "XXX3+YY3", 15}}));
    EXPECT_EQ(s[5], (std::vector<kvt>{{"0", std::nullopt, 6}, {"1", std::nullopt, 7}}));
    EXPECT_EQ(s[6], (std::vector<kvt>{{"2", "XXXX2+YY2", 13}, {"3", "XXXX3+YY3", 15}}));
    EXPECT_EQ(s[7], (std::vector<kvt>{{"2", std::nullopt, 10}, {"3", std::nullopt, 20}}));
}

TEST_F(table_table, left_join) {
    auto s = run(kind::left);
    EXPECT_EQ(s[0], (std::vector<kvt>{{"0", "X0+null", 5}, {"1", "X1+null", 6}}));
    EXPECT_EQ(s[1], (std::vector<kvt>{{"0", "X0+Y0", 5}, {"1", "X1+Y1", 10}}));
    EXPECT_EQ(s[2], (std::vector<kvt>{{"0", "XX0+Y0", 7}, {"1", "XX1+Y1", 10}, {"2", "XX2+null", 7}, {"3", "XX3+null", 7}}));
    EXPECT_EQ(s[3], (std::vector<kvt>{{"0", "XX0+YY0", 7}, {"1", "XX1+YY1", 7}, {"2", "XX2+YY2", 10}, {"3", "XX3+YY3", 15}}));
    EXPECT_EQ(s[4], (std::vector<kvt>{{"0", "XXX0+YY0", 6}, {"1", "XXX1+YY1", 6}, {"2", "XXX2+YY2", 10}, {"3", "XXX3+YY3", 15}}));
    EXPECT_EQ(s[5], (std::vector<kvt>{{"0", "XXX0+null", 6}, {"1", "XXX1+null", 7}}));
    EXPECT_EQ(s[6], (std::vector<kvt>{{"0", "XXXX0+null", 13}, {"1", "XXXX1+null", 13}, {"2", "XXXX2+YY2", 13}, {"3", "XXXX3+YY3", 15}}));
    EXPECT_EQ(s[7], (std::vector<kvt>{{"0", std::nullopt, 0}, {"1", std::nullopt, 42}, {"2", std::nullopt, 10}, {"3", std::nullopt, 20}}));
}

TEST_F(table_table, outer_join) {
    auto s = run(kind::outer);
    EXPECT_EQ(s[0], (std::vector<kvt>{{"0", "X0+null", 5}, {"1", "X1+null", 6}}));
    EXPECT_EQ(s[1], (std::vector<kvt>{{"0", "X0+Y0", 5}, {"1", "X1+Y1", 10}}));
    EXPECT_EQ(s[2], (std::vector<kvt>{{"0", "XX0+Y0", 7}, {"1", "XX1+Y1", 10}, {"2", "XX2+null", 7}, {"3", "XX3+null", 7}}));
    EXPECT_EQ(s[3], (std::vector<kvt>{{"0", "XX0+YY0", 7}, {"1", "XX1+YY1", 7}, {"2", "XX2+YY2", 10}, {"3", "XX3+YY3", 15}}));
    EXPECT_EQ(s[4], (std::vector<kvt>{{"0", "XXX0+YY0", 6}, {"1", "XXX1+YY1", 6}, {"2", "XXX2+YY2", 10}, {"3", "XXX3+YY3", 15}}));
    EXPECT_EQ(s[5], (std::vector<kvt>{{"0", "XXX0+null", 6}, {"1", "XXX1+null", 7}}));
    EXPECT_EQ(s[6], (std::vector<kvt>{{"0", "XXXX0+null", 13}, {"1", "XXXX1+null", 13}, {"2", "XXXX2+YY2", 13}, {"3", "XXXX3+YY3", 15}}));
    EXPECT_EQ(s[7], (std::vector<kvt>{{"0", std::nullopt, 0}, {"1", std::nullopt, 42}, {"2", "null+YY2", 10}, {"3", "null+YY3", 20}}));
}

TEST(table_table_materialized, joined_table_is_queryable) {
    streams_builder b;
    auto t1 = b.table("t1", strings());
    auto t2 = b.table("t2", strings());
    t1.join(t2, [](const str& a, const str& c) { return a + c; }, {},
            materialized<str, str>::as("joined").with_store_type(store_type::in_memory));
    driver_fixture f(b.build());
    auto in1 = f.input("t1"), in2 = f.input("t2");
    in1.pipe_input("k", "a", 1);
    in2.pipe_input("k", "b", 2);
    auto store = f.driver.get_key_value_store<str, str>("joined");
    EXPECT_EQ(store.get("k"), "ab");
    in2.pipe_input("k", std::nullopt, 3);
    EXPECT_EQ(store.get("k"), std::nullopt);
}

// ---- KStream-GlobalKTable ----

struct stream_global : ::testing::Test {
    topology build(bool left) {
        streams_builder b;
        auto global = b.global_table("global", strings());
        auto stream = b.stream("stream", strings());
        // "X0,FKey0" -> "FKey0"; no comma -> no lookup key.
        auto fk = [](const str&, const str& v) -> opt {
            auto comma = v.find(',');
            if (comma == str::npos) return std::nullopt;
            return v.substr(comma + 1);
        };
        if (left) stream.left_join(global, fk, [](const str& v, const opt& g) { return tostring_join(v, g); }).to("out");
        else stream.join(global, fk, [](const str& v, const str& g) { return tostring_join(v, g); }).to("out");
        return b.build();
    }
};

TEST_F(stream_global, inner_join_only_on_match_and_not_on_table_updates) {
    driver_fixture f(build(false));
    auto stream = f.input("stream"), global = f.input("global");
    auto out = f.output("out");
    stream.pipe_input("0", "X0,FKey0", 0);
    EXPECT_TRUE(out.is_empty());
    global.pipe_input("FKey0", "Y0", 0);
    global.pipe_input("FKey1", "Y1", 0);
    EXPECT_TRUE(out.is_empty());
    stream.pipe_input("0", "X0,FKey0", 1);
    stream.pipe_input("1", "X1,FKey1", 2);
    stream.pipe_input("2", "X2,FKey2", 3);
    stream.pipe_input("3", "X3", 4);  // selector gives no key: dropped
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "X0,FKey0+Y0", 1}, {"1", "X1,FKey1+Y1", 2}}));
    global.pipe_input("FKey0", std::nullopt, 5);
    stream.pipe_input("0", "X0,FKey0", 6);
    EXPECT_TRUE(out.is_empty());
}

TEST_F(stream_global, left_join_emits_for_every_stream_record_with_a_lookup_key) {
    driver_fixture f(build(true));
    auto stream = f.input("stream"), global = f.input("global");
    auto out = f.output("out");
    global.pipe_input("FKey1", "Y1", 0);
    stream.pipe_input("0", "X0,FKey0", 1);
    stream.pipe_input("1", "X1,FKey1", 2);
    // Kafka 3.8: a keyed record whose selector gives no lookup key is
    // dropped, even by a left join (4.x joins it with null).
    stream.pipe_input("2", "X2", 3);
    // A plain selector never sees a null-key record: no lookup key, and the
    // left join joins it with an absent value (KIP-962).
    stream.pipe_input(std::nullopt, "N,FKey1", 4);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "X0,FKey0+null", 1},
                                            {"1", "X1,FKey1+Y1", 2},
                                            {std::nullopt, "N,FKey1+null", 4}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(stream_global_left_join, a_selector_taking_an_optional_key_looks_up_null_key_records_as_java_does) {
    streams_builder b;
    auto global = b.global_table("global", strings());
    b.stream("stream", strings())
        .left_join(
            global,
            [](const opt&, const opt& v) -> opt {
                auto comma = v->find(',');
                if (comma == str::npos) return std::nullopt;
                return v->substr(comma + 1);
            },
            [](const str& v, const opt& g) { return tostring_join(v, g); })
        .to("out");
    driver_fixture f(b.build());
    auto stream = f.input("stream"), g = f.input("global");
    auto out = f.output("out");
    g.pipe_input("FKey1", "Y1", 0);
    stream.pipe_input(std::nullopt, "N,FKey1", 1);
    stream.pipe_input(std::nullopt, "M", 2);  // no record key, no lookup key: joined with null
    stream.pipe_input("k", "K", 3);           // a record key but no lookup key: dropped
    EXPECT_EQ(drain(out), (std::vector<kvt>{{std::nullopt, "N,FKey1+Y1", 1}, {std::nullopt, "M+null", 2}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

// A selector returning a const reference to a field of the record looks the
// global table up with that field itself, not a copy of it (s20-hM); the
// join's output is the same as with a copying selector.
TEST(stream_global_join, a_selector_returning_a_reference_looks_up_with_the_records_own_key) {
    auto fk = [](const str&, const std::pair<str, str>& v) -> const str& { return v.second; };
    auto mapper = internal::global_key_selector<str, std::pair<str, str>, str>(fk);
    std::optional<str> key = "k";
    std::optional<std::pair<str, str>> value = std::pair<str, str>{"X", "FKey0"};
    const str* lookup = mapper(key, value);
    EXPECT_EQ(lookup, &value->second);
    EXPECT_EQ(mapper(std::nullopt, value), nullptr);  // a plain selector gives no key for a null key

    streams_builder b;
    auto global = b.global_table("global", strings());
    b.stream("stream", strings())
        .join(global, [](const str&, const str& v) -> const str& { return v; },
              [](const str& v, const str& g) { return tostring_join(v, g); })
        .to("out");
    driver_fixture f(b.build());
    auto stream = f.input("stream"), g = f.input("global");
    auto out = f.output("out");
    g.pipe_input("FKey0", "Y0", 0);
    stream.pipe_input("0", "FKey0", 1);
    stream.pipe_input("1", "FKey1", 2);  // no row: nothing
    stream.pipe_input(std::nullopt, "FKey0", 3);  // no record key: dropped
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"0", "FKey0+Y0", 1}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST_F(stream_global, global_tables_are_exempt_from_copartitioning) {
    topology t = build(false);
    auto counts = t.validate_copartitioning({{"stream", 8}});
    ASSERT_TRUE(counts) << counts.error().message;
    EXPECT_TRUE(t.copartition_groups().empty());
}

}  // namespace
}  // namespace samsa::streams::test
