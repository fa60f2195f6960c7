// Windowed cogroup (Kafka's TimeWindowedCogroupedKStream and
// SessionWindowedCogroupedKStream, cases after CogroupedKStreamImplTest and
// the windowed cogroup tests of Kafka 3.8): several grouped streams
// aggregated per window into one window or session store, one
// COGROUPKSTREAM-AGGREGATE per input and a COGROUPKSTREAM-MERGE, every
// update emitted. Each input's processor keeps its own stream time (Kafka's
// processors each have their observedStreamTime), so "late" is decided per
// input. Output keys are printed as Kafka prints Windowed: [key@start/end].
#include <map>
#include <random>

#include "driver_fixture.h"

#include "samsa/streams/cogrouped_kstream.h"
#include "samsa/streams/state/window_store.h"

namespace samsa::streams::test {
namespace {

void to_strings(const ktable<windowed<str>, str>& t, const std::string& topic) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<str>& v) {
            return key_value<std::optional<str>, std::optional<str>>{to_string(*wk), v};
        })
        .to(topic);
}

auto append(const char* tag) {
    return [tag](const str&, const str& v, const str& agg) { return agg + tag + v; };
}

materialized<str, str> string_store(std::optional<str> name = std::nullopt) {
    auto m = name ? materialized<str, str>::as(*name) : materialized<str, str>{};
    m.with_key_serde(serdes::string()).with_value_serde(serdes::string());
    return m;
}

str wkey(const str& k, int64_t start, int64_t end) {
    return "[" + k + "@" + std::to_string(start) + "/" + std::to_string(end) + "]";
}

TEST(windowed_cogroup, describe_names_the_nodes_as_kafka) {
    // windowedBy consumes no name in Kafka: the same names as a plain
    // cogroup (golden 14).
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    views.cogroup(append("+v"))
        .cogroup(likes, append("+l"))
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .aggregate([] { return str("0"); }, string_store())
        .to_stream()
        .map([](const std::optional<windowed<str>>& wk, const opt& v) {
            return key_value<opt, opt>{to_string(*wk), v};
        })
        .to("engagement");
    std::string d = b.build().describe().to_string();
    for (const char* line :
         {"Source: KSTREAM-SOURCE-0000000000 (topics: [views])\n      --> COGROUPKSTREAM-AGGREGATE-0000000003\n",
          "Processor: COGROUPKSTREAM-AGGREGATE-0000000003 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n"
          "      --> COGROUPKSTREAM-MERGE-0000000005\n",
          "Processor: COGROUPKSTREAM-AGGREGATE-0000000004 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n",
          "Processor: COGROUPKSTREAM-MERGE-0000000005 (stores: [])\n      --> KTABLE-TOSTREAM-0000000006\n"
          "      <-- COGROUPKSTREAM-AGGREGATE-0000000003, COGROUPKSTREAM-AGGREGATE-0000000004\n"}) {
        EXPECT_NE(d.find(line), std::string::npos) << line << "\nin\n" << d;
    }
}

TEST(windowed_cogroup, named_processors_take_the_cogroup_suffixes) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    views.cogroup(append("+v"))
        .cogroup(likes, append("+l"))
        .windowed_by(session_windows::of_inactivity_gap_with_no_grace(10))
        .aggregate([] { return str("0"); }, [](const str&, const str& a, const str& c) { return a + c; },
                   named::as("eng"), string_store("eng-store"));
    std::string d = b.build().describe().to_string();
    EXPECT_NE(d.find("Processor: eng-cogroup-agg-0 (stores: [eng-store])"), std::string::npos) << d;
    EXPECT_NE(d.find("Processor: eng-cogroup-agg-1 (stores: [eng-store])"), std::string::npos) << d;
    EXPECT_NE(d.find("Processor: eng-cogroup-merge (stores: [])"), std::string::npos) << d;
}

TEST(windowed_cogroup, tumbling_windows_aggregate_both_inputs_into_one_store) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    to_strings(views.cogroup(append("+v"))
                   .cogroup(likes, append("+l"))
                   .windowed_by(time_windows::of_size_and_grace(10, 5))
                   // Retention longer than size + grace: the store keeps
                   // [0,10) after likes' stream time passed it, so views
                   // (whose own stream time has not) still finds it.
                   .aggregate([] { return str("0"); }, string_store("eng").with_retention(100)),
               "out");
    driver_fixture f(b.build());
    auto v = f.input("views"), l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("A", "a", 1);
    l.pipe_input("A", "b", 4);
    l.pipe_input("A", "c", 12);
    v.pipe_input("B", "d", 9);
    l.pipe_input("A", "e", 21);   // likes' stream time 21: close time 16
    l.pipe_input("A", "f", 7);    // late for likes: [0,10) ended at 10 <= 16
    v.pipe_input("A", "g", 8);    // views' stream time is 9: close time 4, [0,10) still open for views
    v.pipe_input(std::nullopt, "h", 8);  // null key: dropped
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "0+va", 1},
                                            {"[A@0/10]", "0+va+lb", 4},
                                            {"[A@10/20]", "0+lc", 12},
                                            {"[B@0/10]", "0+vd", 9},
                                            {"[A@20/30]", "0+le", 21},
                                            {"[A@0/10]", "0+va+lb+vg", 8}}));
    EXPECT_EQ(f.driver.dropped_records(), 2);
    timestamped_window_store<str, str> store(f.driver.state_store("eng"), serdes::string(), serdes::string(),
                                             "test-app-eng-changelog", 10);
    EXPECT_EQ(store.fetch("A", 0), (value_and_timestamp<str>{"0+va+lb+vg", 8}));
    EXPECT_EQ(store.fetch("A", 10), (value_and_timestamp<str>{"0+lc", 12}));
}

TEST(windowed_cogroup, null_values_reach_an_optional_aggregator_and_are_dropped_otherwise) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    to_strings(views.cogroup([](const str&, const opt& v, const str& agg) { return agg + "+" + v.value_or("null"); })
                   .cogroup(likes, append("+l"))
                   .windowed_by(time_windows::of_size_with_no_grace(10))
                   .aggregate([] { return str("0"); }, string_store()),
               "out");
    driver_fixture f(b.build());
    auto v = f.input("views"), l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("A", std::nullopt, 1);
    l.pipe_input("A", std::nullopt, 2);
    l.pipe_input("A", "x", 3);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "0+null", 1}, {"[A@0/10]", "0+null+lx", 3}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(windowed_cogroup, sessions_merge_across_inputs_with_tombstones) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    to_strings(views.cogroup(append("+v"))
                   .cogroup(likes, append("+l"))
                   .windowed_by(session_windows::of_inactivity_gap_and_grace(10, 20))
                   .aggregate([] { return str("0"); },
                              [](const str&, const str& a, const str& c) { return "(" + a + "&" + c + ")"; },
                              string_store("sessions")),
               "out");
    driver_fixture f(b.build());
    auto v = f.input("views"), l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("A", "a", 0);
    l.pipe_input("A", "b", 25);  // a new session: more than the gap after 0
    l.pipe_input("A", "c", 15);  // within the gap of [25,25] only: [15,25]
    v.pipe_input("A", "d", 8);   // within the gap of [0,0] and [15,25]: one session [0,25]
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/0]", "0+va", 0},
                                            {"[A@25/25]", "0+lb", 25},
                                            {"[A@25/25]", std::nullopt, 25},
                                            {"[A@15/25]", "(0&0+lb)+lc", 25},
                                            {"[A@0/0]", std::nullopt, 0},
                                            {"[A@15/25]", std::nullopt, 25},
                                            {"[A@0/25]", "((0&0+va)&(0&0+lb)+lc)+vd", 25}}));
}

TEST(windowed_cogroup, sliding_windows_create_left_and_right_windows_per_input) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    to_strings(views.cogroup(append("+v"))
                   .cogroup(likes, append("+l"))
                   .windowed_by(sliding_windows::of_time_difference_and_grace(10, 50))
                   .aggregate([] { return str("0"); }, string_store()),
               "out");
    driver_fixture f(b.build());
    auto v = f.input("views"), l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("A", "a", 20);  // window [10,20]
    l.pipe_input("A", "b", 25);  // [15,25] with a; right window of a: [21,31] with b
    // The previous record's right window first, then the new left window
    // (as the plain sliding aggregation).
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@10/20]", "0+va", 20},
                                            {"[A@21/31]", "0+lb", 25},
                                            {"[A@15/25]", "0+va+lb", 25}}));
}

TEST(windowed_cogroup, retention_shorter_than_size_plus_grace_is_rejected) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto windowed = views.cogroup(append("+v")).windowed_by(time_windows::of_size_and_grace(10, 5));
    EXPECT_THROW(windowed.aggregate([] { return str(); }, string_store("s").with_retention(14)), std::invalid_argument);
    EXPECT_NO_THROW(windowed.aggregate([] { return str(); }, string_store("s2").with_retention(15)));
}

TEST(windowed_cogroup, suppress_until_window_closes_finds_the_grace_through_the_merge) {
    streams_builder b;
    auto views = b.stream("views", strings()).group_by_key();
    auto likes = b.stream("likes", strings()).group_by_key();
    to_strings(views.cogroup(append("+v"))
                   .cogroup(likes, append("+l"))
                   .windowed_by(time_windows::of_size_and_grace(10, 5))
                   .aggregate([] { return str("0"); }, string_store().with_caching_disabled())
                   .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded())),
               "out");
    driver_fixture f(b.build());
    auto v = f.input("views"), l = f.input("likes");
    auto out = f.output("out");
    v.pipe_input("A", "a", 1);
    l.pipe_input("A", "b", 2);
    v.pipe_input("A", "c", 14);  // stream time 14: [0,10) closes at 15
    EXPECT_TRUE(drain(out).empty());
    l.pipe_input("B", "d", 15);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "0+va+lb", 2}}));
}

// Two inputs with their own stream times, hopping windows, late records,
// null keys and values, against a brute-force model of Kafka's rules.
TEST(windowed_cogroup, random_hopping_input_matches_the_model_record_for_record) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
        const int64_t size = 20, advance = 5, grace = 10;
        auto windows = time_windows::of_size_and_grace(size, grace).advance_by(advance);
        streams_builder b;
        auto views = b.stream("views", strings()).group_by_key();
        auto likes = b.stream("likes", strings()).group_by_key();
        to_strings(views.cogroup(append("v"))
                       .cogroup(likes, append("l"))
                       .windowed_by(windows)
                       // A long retention: the store never expires a window
                       // an input's processor still takes (each has its
                       // own stream time; the store has one).
                       .aggregate([] { return str(); }, string_store().with_retention(1'000'000)),
                   "out");
        driver_fixture f(b.build());
        testing::test_input_topic<str, str> inputs[] = {f.input("views"), f.input("likes")};
        const char* tags[] = {"v", "l"};
        auto out = f.output("out");

        std::mt19937 rng(seed);
        std::vector<kvt> expected;
        std::map<std::pair<str, int64_t>, std::pair<str, int64_t>> model;  // (key, start) -> (aggregate, ts)
        int64_t stream_time[2] = {-1, -1};
        int64_t base = 0, dropped = 0, late = 0;
        const char* keys[] = {"a", "b", "c"};
        for (int i = 0; i < 400; ++i) {
            base += std::uniform_int_distribution<int64_t>(0, 4)(rng);
            const int64_t ts = std::max<int64_t>(0, base - std::uniform_int_distribution<int64_t>(0, 40)(rng));
            const int input = std::uniform_int_distribution<int>(0, 1)(rng);
            const int pick = std::uniform_int_distribution<int>(0, 19)(rng);
            const opt key = pick == 0 ? std::nullopt : opt(keys[pick % 3]);
            const opt value = pick == 1 ? std::nullopt : opt(std::to_string(i));
            inputs[input].pipe_input(key, value, ts);
            if (!key || !value) {  // null key; null value for a plain-V aggregator
                ++dropped;
                continue;
            }
            stream_time[input] = std::max(stream_time[input], ts);
            for (const auto& [start, w] : windows.windows_for(ts)) {
                if (w.end() <= stream_time[input] - grace) {
                    ++dropped;
                    ++late;
                    continue;
                }
                auto [it, fresh] = model.try_emplace({*key, start}, str(), ts);
                auto& [agg, agg_ts] = it->second;
                agg += tags[input] + *value;
                if (!fresh) agg_ts = std::max(agg_ts, ts);
                expected.push_back({wkey(*key, start, start + size), agg, agg_ts});
            }
        }
        auto actual = drain(out);
        EXPECT_EQ(actual.size(), expected.size()) << "seed " << seed;
        for (size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
            ASSERT_EQ(actual[i], expected[i]) << "seed " << seed << " output " << i;
        }
        EXPECT_EQ(f.driver.dropped_records(), dropped) << "seed " << seed;
        EXPECT_GT(late, 0) << "the input should have late records";
    }
}

}  // namespace
}  // namespace samsa::streams::test
