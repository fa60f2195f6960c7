// User-supplied window and session stores (issue 13): Kafka Streams 3.8's
// Stores.persistentWindowStore / inMemoryWindowStore / persistentSessionStore
// / inMemorySessionStore handed to materialized::as() for time-windowed,
// sliding and session count/reduce/aggregate. The supplied store is the one
// the aggregation writes (reachable by its name, in-memory or RocksDB as
// supplied, keeping windows as long as the supplier's retention), results
// are those without a supplier, and the factories and the aggregations check
// their arguments.
#include <stdexcept>

#include "driver_fixture.h"

#include "samsa/streams/errors.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/store_query_parameters.h"
#include "samsa/streams/join_windows.h"
#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

using counts = materialized<str, int64_t>;
using win_view = read_only_window_store<str, int64_t>;
using session_view = read_only_session_store<str, int64_t>;

// Writes a windowed count to `topic` as "[k@start/end]" -> count.
void to_strings(const ktable<windowed<str>, int64_t>& t, const std::string& topic) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<int64_t>& v) {
            std::optional<str> value;
            if (v) value = std::to_string(*v);
            return key_value<std::optional<str>, std::optional<str>>{to_string(*wk), value};
        })
        .to(topic);
}

counts with_serdes(counts m) { return m.with_key_serde(serdes::string()).with_value_serde(serdes::int64()); }

// "in" counted per window into the store `m` names or supplies, written to
// "out" as strings.
template<class Windows>
topology windowed_count(const Windows& windows, counts m) {
    streams_builder b;
    to_strings(b.stream("in", strings()).group_by_key().windowed_by(windows).count(named{}, with_serdes(std::move(m))),
               "out");
    return b.build();
}

topology tumbling_count(counts m) { return windowed_count(time_windows::of_size_and_grace(10, 5), std::move(m)); }

topology session_count(counts m) {
    return windowed_count(session_windows::of_inactivity_gap_and_grace(10, 5), std::move(m));
}

struct input_record {
    const char* key;
    const char* value;
    int64_t timestamp;
};

// Pipes `records` into "in" and returns what reached "out".
std::vector<kvt> pipe_and_drain(driver_fixture& f, const std::vector<input_record>& records) {
    auto in = f.input("in");
    auto out = f.output("out");
    for (const auto& r : records) in.pipe_input(r.key, r.value, r.timestamp);
    return drain(out);
}

// Pipes the records of Kafka's tumbling-count example and returns the output.
std::vector<kvt> run_tumbling(driver_fixture& f) {
    return pipe_and_drain(f, {{"A", "1", 1},
                              {"A", "2", 5},
                              {"B", "3", 3},
                              {"A", "4", 12},
                              {"A", "5", 20},
                              {"A", "6", 9}});  // late: [0,10) closed at stream time 20 - grace 5
}

const std::vector<kvt> tumbling_expected{{"[A@0/10]", "1", 1},   {"[A@0/10]", "2", 5},  {"[B@0/10]", "1", 3},
                                         {"[A@10/20]", "1", 12}, {"[A@20/30]", "1", 20}};

win_view window_view(testing::topology_test_driver& d, const std::string& name) {
    return d.store(store_query_parameters<win_view>::from_name_and_type(
        name, queryable_store_types::window_store<str, int64_t>()));
}

session_view session_store_view(testing::topology_test_driver& d, const std::string& name) {
    return d.store(store_query_parameters<session_view>::from_name_and_type(
        name, queryable_store_types::session_store<str, int64_t>()));
}

template<class F>
std::string invalid_argument_message(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no std::invalid_argument";
}

TEST(window_store_supplier, supplied_in_memory_window_store_holds_the_tumbling_count) {
    driver_fixture f(tumbling_count(counts::as(stores::in_memory_window_store("my-windows", 1'000'000, 10))));
    EXPECT_EQ(run_tumbling(f), tumbling_expected);
    EXPECT_FALSE(f.driver.state_store("my-windows").persistent());
    win_view w = window_view(f.driver, "my-windows");
    EXPECT_EQ(w.fetch("A", 0), 2);
    EXPECT_EQ(w.fetch("A", 10), 1);
    EXPECT_EQ(w.fetch("B", 0), 1);
}

TEST(window_store_supplier, supplied_persistent_window_store_holds_the_tumbling_count) {
    driver_fixture f(tumbling_count(counts::as(stores::persistent_window_store("my-windows", 1'000'000, 10))));
    EXPECT_EQ(run_tumbling(f), tumbling_expected);
    EXPECT_TRUE(f.driver.state_store("my-windows").persistent());
    EXPECT_EQ(window_view(f.driver, "my-windows").fetch("A", 0), 2);

    driver_fixture stamped(
        tumbling_count(counts::as(stores::persistent_timestamped_window_store("stamped", 1'000'000, 10))));
    EXPECT_EQ(run_tumbling(stamped), tumbling_expected);
    EXPECT_TRUE(stamped.driver.state_store("stamped").persistent());
}

TEST(window_store_supplier, results_equal_those_of_the_default_store) {
    driver_fixture plain(tumbling_count(counts::as("my-windows")));
    driver_fixture supplied(tumbling_count(counts::as(stores::in_memory_window_store("my-windows", 15, 10))));
    EXPECT_EQ(run_tumbling(plain), run_tumbling(supplied));
}

TEST(window_store_supplier, supplied_retention_keeps_windows_the_default_drops) {
    // Default retention is size + grace = 15 ms; the supplier keeps windows
    // for 1 000 000 ms, so [0,10) is still there at stream time 500 000.
    // (Caching off for the default store: a clean cache entry would outlive
    // its retention, as in Kafka.)
    driver_fixture plain(tumbling_count(counts::as("dropped").with_store_type(store_type::in_memory).with_retention(15).with_caching_disabled()));
    driver_fixture supplied(tumbling_count(counts::as(stores::in_memory_window_store("kept", 1'000'000, 10))));
    for (driver_fixture* f : {&plain, &supplied}) pipe_and_drain(*f, {{"A", "x", 1}, {"A", "x", 500'000}});
    EXPECT_EQ(window_view(supplied.driver, "kept").fetch("A", 0), 1);
    EXPECT_EQ(window_view(plain.driver, "dropped").fetch("A", 0), std::nullopt);
}

TEST(window_store_supplier, describe_names_the_supplied_store) {
    const std::string supplied =
        tumbling_count(counts::as(stores::in_memory_window_store("my-windows", 1'000, 10))).describe().to_string();
    EXPECT_NE(supplied.find("(stores: [my-windows])"), std::string::npos) << supplied;
    EXPECT_EQ(supplied, tumbling_count(counts::as("my-windows")).describe().to_string());

    const std::string session =
        session_count(counts::as(stores::persistent_session_store("my-sessions", 1'000))).describe().to_string();
    EXPECT_NE(session.find("(stores: [my-sessions])"), std::string::npos) << session;
}

topology sliding_count(counts m) {
    return windowed_count(sliding_windows::of_time_difference_and_grace(10, 5), std::move(m));
}

std::vector<kvt> run_sliding(driver_fixture& f) { return pipe_and_drain(f, {{"A", "x", 10}, {"A", "x", 15}}); }

TEST(window_store_supplier, sliding_count_uses_a_store_sized_by_the_time_difference) {
    driver_fixture supplied(sliding_count(counts::as(stores::in_memory_window_store("slides", 1'000, 10))));
    driver_fixture plain(sliding_count(counts::as("slides")));
    const std::vector<kvt> out = run_sliding(supplied);
    EXPECT_EQ(out, run_sliding(plain));
    EXPECT_EQ(out.size(), 3u);  // [0,10], then [5,15] with both records and the right window [11,21]
    EXPECT_FALSE(supplied.driver.state_store("slides").persistent());
    EXPECT_EQ(window_view(supplied.driver, "slides").fetch("A", 5), 2);
}

TEST(window_store_supplier, supplied_session_stores_hold_the_session_count) {
    for (bool persistent : {false, true}) {
        SCOPED_TRACE(persistent ? "persistent" : "in-memory");
        session_bytes_store_supplier s = persistent ? stores::persistent_session_store("my-sessions", 1'000)
                                                    : stores::in_memory_session_store("my-sessions", 1'000);
        driver_fixture f(session_count(counts::as(std::move(s))));
        EXPECT_EQ(pipe_and_drain(f, {{"A", "x", 1},
                                     {"A", "x", 5},     // merges into [1,5]
                                     {"A", "x", 30}}),  // a new session
                  (std::vector<kvt>{{"[A@1/1]", "1", 1},
                                    {"[A@1/1]", std::nullopt, 1},  // at the merged session's end
                                    {"[A@1/5]", "2", 5},
                                    {"[A@30/30]", "1", 30}}));
        EXPECT_EQ(f.driver.state_store("my-sessions").persistent(), persistent);
        session_view v = session_store_view(f.driver, "my-sessions");
        EXPECT_EQ(v.fetch_session("A", 1, 5), 2);
        EXPECT_EQ(v.fetch_session("A", 30, 30), 1);
    }
}

TEST(window_store_supplier, reduce_and_aggregate_take_a_supplied_store) {
    streams_builder b;
    auto grouped = b.stream("in", strings()).group_by_key();
    auto tumbling = grouped.windowed_by(time_windows::of_size_and_grace(10, 5));
    tumbling.reduce([](const str& a, const str& v) { return a + v; }, named{},
                    materialized<str, str>::as(stores::in_memory_window_store("reduced", 100, 10))
                        .with_value_serde(serdes::string()));
    tumbling.aggregate([] { return str("+"); }, [](const str&, const str& v, const str& agg) { return agg + v; },
                       materialized<str, str>::as(stores::persistent_window_store("aggregated", 100, 10))
                           .with_value_serde(serdes::string()));
    driver_fixture f(b.build());
    auto in = f.input("in");
    in.pipe_input("A", "a", 1);
    in.pipe_input("A", "b", 2);
    auto view = [&](const std::string& name) {
        return f.driver.store(store_query_parameters<read_only_window_store<str, str>>::from_name_and_type(
            name, queryable_store_types::window_store<str, str>()));
    };
    EXPECT_EQ(view("reduced").fetch("A", 0), "ab");
    EXPECT_EQ(view("aggregated").fetch("A", 0), "+ab");
    EXPECT_FALSE(f.driver.state_store("reduced").persistent());
    EXPECT_TRUE(f.driver.state_store("aggregated").persistent());
}

// Kafka's Stores factory checks.
TEST(window_store_supplier, factories_check_their_arguments) {
    EXPECT_EQ(invalid_argument_message([] { stores::persistent_window_store("w", -1, 0); }),
              "retentionPeriod cannot be negative");
    EXPECT_EQ(invalid_argument_message([] { stores::in_memory_window_store("w", 10, -1); }),
              "windowSize cannot be negative");
    EXPECT_EQ(invalid_argument_message([] { stores::persistent_timestamped_window_store("w", 5, 10); }),
              "The retention period of the window store w must be no smaller than its window size. Got "
              "size=[10], retention=[5]");
    EXPECT_EQ(invalid_argument_message([] { stores::in_memory_window_store("w", 5, 10); }),
              "The retention period of the window store w must be no smaller than its window size. Got "
              "size=[10], retention=[5]");
    EXPECT_EQ(invalid_argument_message([] { stores::persistent_session_store("s", -1); }),
              "retentionPeriod cannot be negative");
    EXPECT_EQ(invalid_argument_message([] { stores::in_memory_session_store("s", -1); }),
              "retentionPeriod cannot be negative");

    window_bytes_store_supplier w = stores::in_memory_window_store("w", 100, 10);
    EXPECT_EQ(w.name(), "w");
    EXPECT_EQ(w.retention_period(), 100);
    EXPECT_EQ(w.window_size(), 10);
    EXPECT_FALSE(w.retain_duplicates());
    EXPECT_EQ(stores::persistent_session_store("s", 7).retention_period(), 7);
}

TEST(window_store_supplier, aggregation_rejects_a_supplier_shorter_than_size_plus_grace) {
    EXPECT_EQ(invalid_argument_message(
                  [] { tumbling_count(counts::as(stores::in_memory_window_store("short", 14, 10))); }),
              "The retention period of the window store short must be no smaller than its window size plus the "
              "grace period. Got size=[10], grace=[5], retention=[14]");
    EXPECT_EQ(invalid_argument_message([] {
                  streams_builder b;
                  b.stream("in", strings())
                      .group_by_key()
                      .windowed_by(sliding_windows::of_time_difference_and_grace(10, 5))
                      .count(named{}, counts::as(stores::in_memory_window_store("short", 24, 10)));
              }),
              "The retention period of the window store short must be no smaller than 2 * time difference plus "
              "the grace period. Got time difference=[10], grace=[5], retention=[24]");
    EXPECT_EQ(invalid_argument_message(
                  [] { session_count(counts::as(stores::in_memory_session_store("short", 14))); }),
              "The retention period of the session store short must be no smaller than the session inactivity gap "
              "plus the grace period. Got gap=[10], grace=[5], retention=[14]");
}

TEST(window_store_supplier, aggregation_rejects_a_supplier_of_another_window_size) {
    EXPECT_EQ(invalid_argument_message(
                  [] { tumbling_count(counts::as(stores::persistent_window_store("wide", 1'000, 20))); }),
              "The window size of the window store supplier wide must equal the windows' size. Got supplier "
              "size=[20], windows size=[10]");
}

TEST(window_store_supplier, aggregation_rejects_a_supplier_that_retains_duplicates) {
    window_bytes_store_supplier dup(stores::in_memory_window_store("dups", 1'000, 10), true);
    EXPECT_EQ(invalid_argument_message([&] { tumbling_count(counts::as(dup)); }),
              "The window store supplier dups must set retainDuplicates=false for an aggregation, found "
              "retainDuplicates=true");
}

TEST(window_store_supplier, aggregation_rejects_a_supplier_of_the_other_kind) {
    EXPECT_EQ(invalid_argument_message(
                  [] { tumbling_count(counts::as(stores::in_memory_session_store("sessions", 1'000))); }),
              "A windowed aggregation needs a window store supplier, got the session store supplier sessions");
    EXPECT_EQ(invalid_argument_message(
                  [] { session_count(counts::as(stores::in_memory_window_store("windows", 1'000, 10))); }),
              "A session aggregation needs a session store supplier, got the window store supplier windows");
}


// Stream-stream joins (Kafka's StreamJoined.withThisStoreSupplier /
// withOtherStoreSupplier).
using joined_strs = stream_joined<str, str, str>;

const join_windows join_w = join_windows::of_time_difference_and_grace(10, 5);  // size 20, retention 25

topology inner_join(joined_strs sj) {
    streams_builder b;
    b.stream("left", strings())
        .join(b.stream("right", strings()), [](const str& a, const str& c) { return a + "+" + c; }, join_w,
              sj.with_key_serde(serdes::string()).with_value_serde(serdes::string()).with_other_value_serde(
                  serdes::string()))
        .to("out");
    return b.build();
}

std::vector<kvt> run_join(driver_fixture& f) {
    auto l = f.input("left");
    auto r = f.input("right");
    auto out = f.output("out");
    l.pipe_input("A", "a1", 0);
    l.pipe_input("A", "a2", 3);  // a duplicate key: both stay in the store
    r.pipe_input("A", "b1", 5);
    r.pipe_input("B", "b2", 6);
    l.pipe_input("A", "a3", 40);  // outside every window
    return drain(out);
}

TEST(join_store_supplier, supplied_in_memory_join_stores_are_used) {
    joined_strs sj = joined_strs::with(stores::in_memory_window_store("left-store", 25, 20, true),
                                       stores::in_memory_window_store("right-store", 25, 20, true));
    driver_fixture supplied(inner_join(sj));
    driver_fixture plain(inner_join(joined_strs{}));
    const std::vector<kvt> out = run_join(supplied);
    EXPECT_EQ(out, (std::vector<kvt>{{"A", "a1+b1", 5}, {"A", "a2+b1", 5}}));
    EXPECT_EQ(out, run_join(plain));
    EXPECT_FALSE(supplied.driver.state_store("left-store").persistent());
    EXPECT_FALSE(supplied.driver.state_store("right-store").persistent());

    const std::string text = inner_join(sj).describe().to_string();
    EXPECT_NE(text.find("(stores: [left-store])"), std::string::npos) << text;
    EXPECT_NE(text.find("(stores: [right-store])"), std::string::npos) << text;
}

TEST(join_store_supplier, one_supplied_persistent_side_and_an_in_memory_outer_store) {
    driver_fixture f(inner_join(joined_strs{}.with_this_store_supplier(
        stores::persistent_window_store("left-store", 25, 20, true))));
    EXPECT_EQ(run_join(f), (std::vector<kvt>{{"A", "a1+b1", 5}, {"A", "a2+b1", 5}}));
    EXPECT_TRUE(f.driver.state_store("left-store").persistent());

    // Kafka's OuterStreamJoinStoreFactory follows this side's supplier.
    streams_builder b;
    b.stream("left", strings())
        .left_join(b.stream("right", strings()), [](const str& a, const opt& c) { return tostring_join(a, c); },
                   join_w,
                   joined_strs::with(serdes::string(), serdes::string(), serdes::string())
                       .with_store_name("j")
                       .with_this_store_supplier(stores::in_memory_window_store("left-store", 25, 20, true)))
        .to("out");
    driver_fixture outer(b.build());
    outer.input("left").pipe_input("A", "a1", 0);
    EXPECT_FALSE(outer.driver.state_store("j-left-shared-join-store").persistent());
    EXPECT_TRUE(outer.driver.state_store("j-outer-other-join-store").persistent());
}

template<class F>
std::string streams_exception_message(F&& f) {
    try {
        f();
    } catch (const streams_exception& e) {
        return e.what();
    }
    return "no streams_exception";
}

TEST(join_store_supplier, join_checks_the_suppliers) {
    EXPECT_EQ(streams_exception_message([] {
                  inner_join(joined_strs{}.with_this_store_supplier(stores::in_memory_window_store("s", 25, 20)));
              }),
              "The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false");
    EXPECT_EQ(streams_exception_message([] {
                  inner_join(joined_strs{}.with_other_store_supplier(
                      stores::in_memory_window_store("s", 30, 20, true)));
              }),
              "Window settings mismatch. WindowBytesStoreSupplier settings (name=s, windowSize=20, "
              "retentionPeriod=30) must match JoinWindows settings (size=20, gracePeriod=5) for the window size "
              "and retention period");
    EXPECT_EQ(streams_exception_message([] {
                  inner_join(joined_strs{}.with_this_store_supplier(stores::in_memory_window_store("s", 25, 10, true)));
              }),
              "Window settings mismatch. WindowBytesStoreSupplier settings (name=s, windowSize=10, "
              "retentionPeriod=25) must match JoinWindows settings (size=20, gracePeriod=5) for the window size "
              "and retention period");
    EXPECT_EQ(streams_exception_message([] {
                  inner_join(joined_strs::with(stores::in_memory_window_store("same", 25, 20, true),
                                               stores::persistent_window_store("same", 25, 20, true)));
              }),
              "Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names");
}

TEST(join_store_supplier, duplicate_keeping_suppliers_are_refused_outside_joins) {
    EXPECT_EQ(invalid_argument_message([] {
                  stores::window_store_builder(stores::in_memory_window_store("dups", 25, 20, true));
              }),
              "The window store dups retains duplicates: supported only as a stream-stream join store "
              "(stream_joined::with_this_store_supplier) for now");
}

}  // namespace
}  // namespace samsa::streams::test
