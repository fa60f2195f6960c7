// Windowed aggregations through the test driver (window stores have no
// cache: every update is forwarded), with outputs worked out from Kafka
// Streams 3.8's rules: windows_for, "late" = window end <= stream time -
// grace, session merging with tombstones for the merged-away sessions,
// sliding windows' left/right windows, emit-on-window-close once per closed
// window. Output keys are printed as Kafka prints Windowed: [key@start/end].
#include "driver_fixture.h"

#include "samsa/streams/state/window_store.h"
#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

// Writes a windowed table to `topic` as strings: "[k@start/end]" -> value,
// tombstones kept.
template<class VA>
void to_strings(const ktable<windowed<str>, VA>& t, const std::string& topic) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<VA>& v) {
            std::optional<str> value;
            if constexpr (std::is_same_v<VA, str>) value = v;
            else if (v) value = std::to_string(*v);
            return key_value<std::optional<str>, std::optional<str>>{to_string(*wk), value};
        })
        .to(topic);
}

str concat(const str& agg, const str& v) { return agg + v; }

// "in" counted per window with emit-on-window-close, written to "out" as strings.
template<class Windows>
topology count_on_window_close(const Windows& windows) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(windows)
                   .emit_strategy(emit_strategy::on_window_close())
                   .count(),
               "out");
    return b.build();
}

// A driver that looks for closed windows after every record (emit interval
// 0, as in the Kafka 3.8 recordings), with the string topics "in" and "out".
struct emit_on_every_record_driver {
    explicit emit_on_every_record_driver(topology t)
        : driver(std::move(t),
                 {{"application.id", "app"}, {"__emit.interval.ms.kstreams.windowed.aggregation__", "0"}}),
          in(driver.create_input_topic("in", serdes::string(), serdes::string())),
          out(driver.create_output_topic("out", serdes::string(), serdes::string())) {}
    // Pipes "x" for `key` at `ts` and returns what reached "out".
    std::vector<kvt> pipe(const char* key, int64_t ts) {
        in.pipe_input(key, "x", ts);
        return drain(out);
    }
    testing::topology_test_driver driver;
    testing::test_input_topic<str, str> in;
    testing::test_output_topic<str, str> out;
};

TEST(time_windowed_kstream, tumbling_count_with_out_of_order_and_late_records) {
    streams_builder b;
    to_strings(b.stream("in", strings()).group_by_key().windowed_by(time_windows::of_size_and_grace(10, 5)).count(),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "1", 1);
    in.pipe_input("A", "2", 5);
    in.pipe_input("B", "3", 3);
    in.pipe_input("A", "4", 12);
    in.pipe_input("A", "5", 8);   // out of order, window [0,10) still open: 10 > 12 - 5
    in.pipe_input("A", "6", 20);  // stream time 20: close time 15
    in.pipe_input("A", "7", 9);   // late: [0,10) ended at 10 <= 15
    in.pipe_input("A", "8", 14);  // [10,20) still open
    in.pipe_input("A", "9", 10);  // exactly at a window start: [10,20) only
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "1", 1},
                                            {"[A@0/10]", "2", 5},
                                            {"[B@0/10]", "1", 3},
                                            {"[A@10/20]", "1", 12},
                                            {"[A@0/10]", "3", 8},
                                            {"[A@20/30]", "1", 20},
                                            {"[A@10/20]", "2", 14},
                                            {"[A@10/20]", "3", 14}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(time_windowed_kstream, grace_boundary_is_exclusive) {
    // Kafka keeps a window while end > stream time - grace.
    streams_builder b;
    to_strings(b.stream("in", strings()).group_by_key().windowed_by(time_windows::of_size_and_grace(10, 5)).count(),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "x", 14);  // close time 9
    in.pipe_input("A", "x", 0);   // [0,10): 10 > 9, kept
    in.pipe_input("A", "x", 15);  // close time 10
    in.pipe_input("A", "x", 0);   // [0,10): 10 <= 10, late
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@10/20]", "1", 14}, {"[A@0/10]", "1", 0}, {"[A@10/20]", "2", 15}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(time_windowed_kstream, hopping_aggregate_updates_every_window_of_a_record) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(time_windows::of_size_and_grace(10, 100).advance_by(5))
                   .aggregate([] { return str("+"); }, [](const str&, const str& v, const str& agg) { return agg + v; }),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "a", 7);   // [0,10) and [5,15)
    in.pipe_input("A", "b", 12);  // [5,15) and [10,20)
    in.pipe_input("A", "c", 3);   // [0,10) only; keeps the window's later timestamp
    in.pipe_input("B", "d", 0);   // [0,10) only: no negative starts
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "+a", 7},
                                            {"[A@5/15]", "+a", 7},
                                            {"[A@5/15]", "+ab", 12},
                                            {"[A@10/20]", "+b", 12},
                                            {"[A@0/10]", "+ac", 7},
                                            {"[B@0/10]", "+d", 0}}));
}

TEST(time_windowed_kstream, many_windows_per_record_and_reduce) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(time_windows::of_size_and_grace(100, 0).advance_by(10))
                   .reduce(concat),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "a", 95);
    in.pipe_input("k", "b", 100);
    auto records = drain(out);
    ASSERT_EQ(records.size(), 20u);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(records[i], (kvt{"[k@" + std::to_string(i * 10) + "/" + std::to_string(i * 10 + 100) + "]", "a", 95}));
    }
    // 100 is in [10,110) .. [100,200): nine windows updated, one new.
    for (int i = 0; i < 9; ++i) EXPECT_EQ(records[10 + i].value, "ab");
    EXPECT_EQ(records[19], (kvt{"[k@100/200]", "b", 100}));
}

TEST(time_windowed_kstream, null_keys_are_dropped_and_null_values_counted) {
    streams_builder b;
    auto g = b.stream("in", strings()).group_by_key();
    to_strings(g.windowed_by(time_windows::of_size_with_no_grace(10)).count(), "count");
    to_strings(g.windowed_by(time_windows::of_size_with_no_grace(10)).reduce(concat), "reduce");
    to_strings(g.windowed_by(time_windows::of_size_with_no_grace(10))
                   .aggregate([] { return str(); },
                              [](const str&, const std::optional<str>& v, const str& agg) {
                                  return agg + v.value_or("null");
                              }),
               "optional-aggregate");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto count = f.output("count"), reduce = f.output("reduce"), agg = f.output("optional-aggregate");
    in.pipe_input(std::nullopt, "x", 1);  // dropped by all three
    in.pipe_input("A", std::nullopt, 2);  // counted, as Kafka counts it; a plain reducer cannot take it
    in.pipe_input("A", "y", 3);
    EXPECT_EQ(drain(count), (std::vector<kvt>{{"[A@0/10]", "1", 2}, {"[A@0/10]", "2", 3}}));
    EXPECT_EQ(drain(reduce), (std::vector<kvt>{{"[A@0/10]", "y", 3}}));
    EXPECT_EQ(drain(agg), (std::vector<kvt>{{"[A@0/10]", "null", 2}, {"[A@0/10]", "nully", 3}}));
    EXPECT_EQ(f.driver.dropped_records(), 4);  // the null key three times, the null value once
}

TEST(time_windowed_kstream, the_window_store_is_queryable_and_sized_by_retention) {
    streams_builder b;
    b.stream("in", strings())
        .group_by_key()
        .windowed_by(time_windows::of_size_and_grace(10, 5))
        // Caching off: this is the store's retention. (A record cache, on by
        // default, keeps answering with a clean entry past it, as Kafka's
        // CachingWindowStore does.)
        .count(named{}, materialized<str, int64_t>::as("counts").with_store_type(store_type::in_memory).with_caching_disabled());
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("A", "x", 3);
    in.pipe_input("A", "x", 14);
    timestamped_window_store<str, int64_t> store(f.driver.state_store("counts"), serdes::string(), serdes::int64(),
                                                 "test-app-counts-changelog", 10);
    EXPECT_EQ(store.fetch("A", 0), (value_and_timestamp<int64_t>{1, 3}));
    EXPECT_EQ(store.fetch("A", 0, 100).size(), 2u);
    // Retention 10 + 5: the store's stream time is its newest window start;
    // at 20 the window starting at 0 (0 <= 20 - 15) is expired, not read.
    in.pipe_input("B", "x", 15);
    EXPECT_EQ(store.fetch("A", 0), (value_and_timestamp<int64_t>{1, 3}));
    in.pipe_input("B", "x", 20);
    EXPECT_EQ(store.fetch("A", 0), std::nullopt);
    EXPECT_THROW(b.stream("other", strings())
                     .group_by_key()
                     .windowed_by(time_windows::of_size_and_grace(10, 5))
                     .count(named{}, materialized<str, int64_t>::as("small").with_retention(14)),
                 std::invalid_argument);
}

TEST(time_windowed_kstream, emit_on_window_close_forwards_each_closed_window_once) {
    driver_fixture f(count_on_window_close(time_windows::of_size_with_no_grace(10)), throttled_emits());
    auto in = f.input("in");
    auto out = f.output("out");
    auto next_second = [&] { f.driver.advance_wall_clock_time(std::chrono::milliseconds(1000)); };
    in.pipe_input("B", "x", 1);  // looks for closed windows (none), then waits a second of wall-clock time
    in.pipe_input("A", "x", 2);
    in.pipe_input("B", "x", 5);
    EXPECT_TRUE(drain(out).empty());
    next_second();
    in.pipe_input("C", "x", 12);  // closes [0,10): by start, then key
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "1", 2}, {"[B@0/10]", "2", 5}}));
    next_second();
    in.pipe_input("A", "x", 8);   // late: dropped, nothing re-emitted
    in.pipe_input("A", "x", 13);  // throttled until the next second
    next_second();
    in.pipe_input("A", "x", 19);  // [10,20) not closed yet
    EXPECT_TRUE(drain(out).empty());
    next_second();
    in.pipe_input("B", "x", 22);  // closes [10,20)
    in.pipe_input("B", "x", 33);  // throttled: [20,30) waits for the next look
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@10/20]", "2", 19}, {"[C@10/20]", "1", 12}}));
    next_second();
    in.pipe_input("B", "x", 34);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[B@20/30]", "1", 22}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(time_windowed_kstream, emit_on_window_close_waits_for_the_wall_clock) {
    // Kafka checks for closed windows at most once per emit interval (1 s)
    // of wall-clock time; the driver's clock only moves when told to.
    driver_fixture f(count_on_window_close(time_windows::of_size_with_no_grace(10)), throttled_emits());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "x", 1);
    in.pipe_input("A", "x", 12);
    EXPECT_TRUE(drain(out).empty());
    f.driver.advance_wall_clock_time(std::chrono::milliseconds(999));
    in.pipe_input("A", "x", 13);
    EXPECT_TRUE(drain(out).empty());
    f.driver.advance_wall_clock_time(std::chrono::milliseconds(1));
    in.pipe_input("A", "x", 14);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "1", 1}}));
}

TEST(time_windowed_kstream, emit_interval_zero_looks_for_closed_windows_on_every_record) {
    emit_on_every_record_driver d(count_on_window_close(time_windows::of_size_with_no_grace(10)));
    EXPECT_TRUE(d.pipe("A", 1).empty());
    EXPECT_TRUE(d.pipe("A", 5).empty());
    EXPECT_EQ(d.pipe("B", 12), (std::vector<kvt>{{"[A@0/10]", "2", 5}}));
    EXPECT_TRUE(d.pipe("B", 13).empty());
    EXPECT_EQ(d.pipe("A", 25), (std::vector<kvt>{{"[B@10/20]", "2", 13}}));
    EXPECT_THROW(testing::topology_test_driver(count_on_window_close(time_windows::of_size_with_no_grace(10)),
                                               {{"__emit.interval.ms.kstreams.windowed.aggregation__", "-1"}}),
                 std::invalid_argument);
}

TEST(time_windowed_kstream, emit_on_window_close_skips_windows_past_the_store_retention) {
    // As Kafka's time-ordered store: a window whose start is older than the
    // store's stream time (its newest window start) - retention is gone
    // before the next look for closed windows, so it is never emitted.
    // Caching off: Kafka 3.8 keeps the cache for time windows that emit on
    // close, and a clean cache entry outlives the store's retention.
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(time_windows::of_size_with_no_grace(10))
                   .emit_strategy(emit_strategy::on_window_close())
                   .count(named{}, materialized<str, int64_t>::as("counts").with_caching_disabled()),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "x", 1);
    f.driver.advance_wall_clock_time(std::chrono::milliseconds(1000));
    in.pipe_input("A", "x", 50);  // [0,10) starts before 50 - 10: expired
    EXPECT_TRUE(drain(out).empty());
}

TEST(session_windowed_kstream, merging_sessions_emits_tombstones_for_the_merged_away) {
    streams_builder b;
    auto g = b.stream("in", strings()).group_by_key();
    auto sessions = session_windows::of_inactivity_gap_and_grace(10, 20);
    to_strings(g.windowed_by(sessions).reduce([](const str& a, const str& v) { return a + "|" + v; }), "reduce");
    to_strings(g.windowed_by(sessions).count(), "count");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto reduce = f.output("reduce"), count = f.output("count");
    in.pipe_input("A", "a", 0);
    in.pipe_input("A", "b", 25);  // more than the gap after 0: a new session
    in.pipe_input("A", "c", 12);  // neither: 0 ends before 2, 25 starts after 22
    in.pipe_input("A", "d", 15);  // within the gap of [12,12] and [25,25]: one session [12,25]
    in.pipe_input("B", "e", 16);
    in.pipe_input("A", "f", 35);  // extends [12,25] to [12,35]
    EXPECT_EQ(drain(reduce), (std::vector<kvt>{{"[A@0/0]", "a", 0},
                                               {"[A@25/25]", "b", 25},
                                               {"[A@12/12]", "c", 12},
                                               {"[A@12/12]", std::nullopt, 12},
                                               {"[A@25/25]", std::nullopt, 25},
                                               {"[A@12/25]", "c|b|d", 25},
                                               {"[B@16/16]", "e", 16},
                                               {"[A@12/25]", std::nullopt, 25},
                                               {"[A@12/35]", "c|b|d|f", 35}}));
    EXPECT_EQ(drain(count), (std::vector<kvt>{{"[A@0/0]", "1", 0},
                                              {"[A@25/25]", "1", 25},
                                              {"[A@12/12]", "1", 12},
                                              {"[A@12/12]", std::nullopt, 12},
                                              {"[A@25/25]", std::nullopt, 25},
                                              {"[A@12/25]", "3", 25},
                                              {"[B@16/16]", "1", 16},
                                              {"[A@12/25]", std::nullopt, 25},
                                              {"[A@12/35]", "4", 35}}));
}

TEST(session_windowed_kstream, late_sessions_are_dropped_and_aggregate_merges) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(session_windows::of_inactivity_gap_with_no_grace(5))
                   .aggregate([] { return str("<"); }, [](const str&, const str& v, const str& agg) { return agg + v; },
                              [](const str&, const str& a, const str& c) { return a + "&" + c; },
                              // Caching off: the expiry checked below is the store's.
                              materialized<str, str>::as("sessions").with_store_type(store_type::in_memory).with_caching_disabled()),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "a", 10);
    in.pipe_input("A", "b", 30);  // close time 30 - 5 = 25
    in.pipe_input("A", "c", 14);  // merges with [10,10] into [10,14], which ends before 25: late
    in.pipe_input("A", "d", 26);  // merges with [30,30] into [26,30]
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@10/10]", "<a", 10},
                                            {"[A@30/30]", "<b", 30},
                                            {"[A@30/30]", std::nullopt, 30},
                                            {"[A@26/30]", "<&<bd", 30}}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
    session_store<str, str> store(f.driver.state_store("sessions"), serdes::string(), serdes::string(), "t");
    auto all = store.fetch("A");  // [10,10] ended 5 ms (the retention) or more before 30: expired
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].key, (windowed<str>("A", window::session(26, 30))));
    EXPECT_EQ(all[0].value, "<&<bd");
}

TEST(sliding_windowed_kstream, count_creates_left_and_right_windows) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(sliding_windows::of_time_difference_and_grace(10, 100))
                   .count(),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "x", 15);  // left window [5,15]
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@5/15]", "1", 15}}));
    in.pipe_input("A", "x", 20);  // 15's right window (15,25] and 20's left window [10,20]
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@16/26]", "1", 20}, {"[A@10/20]", "2", 20}}));
    in.pipe_input("A", "x", 17);  // updates the windows holding 17, then its own left and right windows
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@16/26]", "2", 20},
                                            {"[A@10/20]", "3", 20},
                                            {"[A@7/17]", "2", 17},
                                            {"[A@18/28]", "1", 20}}));
    in.pipe_input("A", "x", 3);  // early: the combined window [0,10]
    in.pipe_input("A", std::nullopt, 18);  // null values are dropped by sliding windows
    in.pipe_input(std::nullopt, "x", 18);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@0/10]", "1", 3}}));
    EXPECT_EQ(f.driver.dropped_records(), 2);
}

TEST(sliding_windowed_kstream, late_records_are_dropped) {
    streams_builder b;
    to_strings(b.stream("in", strings())
                   .group_by_key()
                   .windowed_by(sliding_windows::of_time_difference_and_grace(10, 5))
                   .reduce(concat),
               "out");
    driver_fixture f(b.build());
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("A", "a", 100);
    in.pipe_input("A", "b", 84);  // close time 95: 84 + 1 + 10 <= 95, late
    in.pipe_input("A", "c", 92);  // 92 + 11 > 95: kept; its left window [82,92] ends before 95: dropped
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[A@90/100]", "a", 100},
                                            {"[A@90/100]", "ac", 100},
                                            {"[A@93/103]", "a", 100}}));
    EXPECT_EQ(f.driver.dropped_records(), 2);  // the late record, and 92's expired left window
}

// Expected: what Kafka Streams 3.8's TopologyTestDriver emits for the same
// topology and input (recorded with ../shared/tools/kafka-java, emit
// interval 0). 3.8 looks for closed windows only after records that are
// neither late nor early (t >= d): A@5 (late) and the early ones emit nothing.
TEST(sliding_windowed_kstream, emit_on_window_close_forwards_each_closed_window_once_as_kafka_3_8) {
    emit_on_every_record_driver d(count_on_window_close(sliding_windows::of_time_difference_and_grace(10, 5)));
    for (auto [k, t] : std::vector<std::pair<const char*, int64_t>>{{"A", 1}, {"B", 3}, {"A", 8}, {"A", 12}, {"B", 14}}) {
        EXPECT_TRUE(d.pipe(k, t).empty()) << k << "@" << t;
    }
    EXPECT_EQ(d.pipe("A", 30), (std::vector<kvt>{{"[A@0/10]", "2", 8},
                                                 {"[B@0/10]", "1", 3},
                                                 {"[A@2/12]", "2", 12},
                                                 {"[B@4/14]", "1", 14},
                                                 {"[A@9/19]", "1", 12}}));
    EXPECT_TRUE(d.pipe("B", 31).empty());
    EXPECT_TRUE(d.pipe("A", 5).empty());  // late
    EXPECT_EQ(d.pipe("A", 45), (std::vector<kvt>{{"[A@20/30]", "1", 30}, {"[B@21/31]", "1", 31}}));
    EXPECT_EQ(d.pipe("B", 60), (std::vector<kvt>{{"[A@35/45]", "1", 45}}));
}

// Expected: Kafka Streams 3.8's TopologyTestDriver for the same topology and
// input (recorded with ../shared/tools/kafka-java, emit interval 0):
// sessions by end (then start, then key), stamped with their end; the late
// A@2 still makes the aggregate look for closed sessions.
TEST(session_windowed_kstream, emit_on_window_close_forwards_each_closed_session_once_as_kafka_3_8) {
    emit_on_every_record_driver d(count_on_window_close(session_windows::of_inactivity_gap_and_grace(5, 2)));
    EXPECT_TRUE(d.pipe("A", 1).empty());
    EXPECT_TRUE(d.pipe("B", 3).empty());
    EXPECT_TRUE(d.pipe("A", 4).empty());
    EXPECT_EQ(d.pipe("A", 12), (std::vector<kvt>{{"[B@3/3]", "1", 3}, {"[A@1/4]", "2", 4}}));
    EXPECT_TRUE(d.pipe("B", 14).empty());
    EXPECT_TRUE(d.pipe("A", 13).empty());
    EXPECT_EQ(d.pipe("B", 30), (std::vector<kvt>{{"[A@12/13]", "2", 13}, {"[B@14/14]", "1", 14}}));
    EXPECT_TRUE(d.pipe("A", 2).empty());  // late
    EXPECT_TRUE(d.pipe("A", 31).empty());
    EXPECT_EQ(d.pipe("B", 50), (std::vector<kvt>{{"[B@30/30]", "1", 30}, {"[A@31/31]", "1", 31}}));
    EXPECT_TRUE(d.pipe("A", 50).empty());
}

}  // namespace
}  // namespace samsa::streams::test
