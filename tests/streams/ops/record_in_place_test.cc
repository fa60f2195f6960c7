// Values stay where they are made (issue 12, a lean record path): a key
// selector that keeps the key type forwards the record it was handed with its
// new key, and join results are built where they are forwarded from: a stream-table or stream-global-table join builds its
// joiner's result in the record it forwards, and a table-table join's value
// getter builds the joined row in the row it hands out, so a result is never
// moved between the joiner's return and the sink, and a by-value joiner
// downstream takes a getter's row with one move. The joiners are called
// directly (no std::function): what they return, a value or an optional
// (none: a tombstone), reaches the output as Kafka's would.
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

// A value that counts its copies and moves: what the join path does to a
// result after the joiner made it.
struct tracked {
    str text;
    static inline int copies = 0;
    static inline int moves = 0;

    explicit tracked(str t) : text(std::move(t)) {}
    tracked(const tracked& o) : text(o.text) { ++copies; }
    tracked(tracked&& o) noexcept : text(std::move(o.text)) { ++moves; }
    tracked& operator=(const tracked& o) {
        text = o.text;
        ++copies;
        return *this;
    }
    tracked& operator=(tracked&& o) noexcept {
        text = std::move(o.text);
        ++moves;
        return *this;
    }
    static void reset() { copies = moves = 0; }
};

serde<tracked> tracked_serde() {
    return serde<tracked>{
        [](std::string_view, const tracked& t) { return to_bytes(t.text); },
        [](std::string_view, bytes_view b) { return tracked(str(b.begin(), b.end())); },
    };
}

produced<str, tracked> tracked_out() { return produced<str, tracked>::with(serdes::string(), tracked_serde()); }

std::vector<std::pair<str, str>> drain_tracked(testing::test_output_topic<str, tracked>& out) {
    std::vector<std::pair<str, str>> v;
    for (auto& r : out.read_records_to_list()) v.emplace_back(r.key.value_or("null"), r.value ? r.value->text : "null");
    return v;
}

TEST(join_result_in_place, a_stream_table_join_result_reaches_the_sink_unmoved) {
    streams_builder b;
    auto table = b.table("table", strings());
    b.stream("in", strings())
        .join(table, [](const str& v, const str& t) { return tracked(v + "+" + t); })
        .to("out", tracked_out());
    driver_fixture f(b.build());
    f.input("table").pipe_input("k", "t", 1);
    auto out = f.driver.create_output_topic("out", serdes::string(), tracked_serde());

    tracked::reset();
    f.input("in").pipe_input("k", "v", 2);
    f.input("in").pipe_input("absent", "w", 3);  // inner: no row, no output
    EXPECT_EQ(tracked::moves, 0);
    EXPECT_EQ(tracked::copies, 0);
    EXPECT_EQ(drain_tracked(out), (std::vector<std::pair<str, str>>{{"k", "v+t"}}));
}

TEST(join_result_in_place, a_stream_global_table_join_result_reaches_the_sink_unmoved) {
    streams_builder b;
    auto items = b.global_table("items", strings());
    b.stream("in", strings())
        .join(
            items, [](const str&, const str& v) { return v.substr(0, 1); },
            [](const str& v, const str& item) { return tracked(v + "@" + item); })
        .to("out", tracked_out());
    driver_fixture f(b.build());
    f.input("items").pipe_input("a", "apple", 1);
    auto out = f.driver.create_output_topic("out", serdes::string(), tracked_serde());

    tracked::reset();
    f.input("in").pipe_input("k1", "a1", 2);
    f.input("in").pipe_input("k2", "b1", 3);  // no item "b"
    EXPECT_EQ(tracked::moves, 0);
    EXPECT_EQ(tracked::copies, 0);
    EXPECT_EQ(drain_tracked(out), (std::vector<std::pair<str, str>>{{"k1", "a1@apple"}}));
}

// The joined row is built in the getter's row: a joiner taking it by const
// reference sees it with no move or copy, one taking it by value gets it with
// exactly one move (into its parameter), on every lookup.
TEST(join_result_in_place, a_table_table_join_getter_builds_the_row_once_per_lookup) {
    streams_builder b;
    auto left = b.table("left", strings());
    auto right = b.table("right", strings());
    auto joined = left.join(right, [](const str& l, const str& r) { return tracked(l + "&" + r); });
    b.stream("by-ref", strings())
        .join(joined, [](const str& v, const tracked& t) { return v + "+" + t.text; })
        .to("out-ref");
    b.stream("by-value", strings())
        .join(joined, [](str v, tracked t) { return v + "+" + std::move(t.text); })
        .to("out-value");
    driver_fixture f(b.build());
    f.input("left").pipe_input("k", "l", 1);
    f.input("right").pipe_input("k", "r", 1);
    auto out_ref = f.output("out-ref");
    auto out_value = f.output("out-value");

    tracked::reset();
    f.input("by-ref").pipe_input("k", "a", 2);
    f.input("by-ref").pipe_input("k", "b", 3);
    EXPECT_EQ(tracked::moves, 0);
    EXPECT_EQ(tracked::copies, 0);
    f.input("by-value").pipe_input("k", "c", 4);
    f.input("by-value").pipe_input("k", "d", 5);
    EXPECT_EQ(tracked::moves, 2);
    EXPECT_EQ(tracked::copies, 0);
    EXPECT_EQ(drain(out_ref), (std::vector<kvt>{{"k", "a+l&r", 2}, {"k", "b+l&r", 3}}));
    EXPECT_EQ(drain(out_value), (std::vector<kvt>{{"k", "c+l&r", 4}, {"k", "d+l&r", 5}}));
}

// A KTable joiner may take both sides as rvalue references (s19-hE): a row
// the getter built for the lookup (a table-table join's) reaches it with no
// move at all, and a row lent from a store is copied once for it, so the
// joiner may move from either; the outputs are the by-value joiner's.
TEST(join_result_in_place, a_ktable_joiner_taking_rvalue_references_gets_rows_unmoved_or_copied_once) {
    streams_builder b;
    auto left = b.table("left", strings());
    auto right = b.table("right", strings());
    auto joined = left.join(right, [](const str& l, const str& r) { return tracked(l + "&" + r); });
    auto stored = b.table("stored", consumed<str, tracked>::with(serdes::string(), tracked_serde()));
    b.stream("built", strings())
        .join(joined, [](str&& v, tracked&& t) { return v + "+" + std::move(t.text); })
        .to("out-built");
    b.stream("lent", strings())
        .join(stored, [](str&& v, tracked&& t) { return v + "+" + std::move(t.text); })
        .to("out-lent");
    driver_fixture f(b.build());
    f.input("left").pipe_input("k", "l", 1);
    f.input("right").pipe_input("k", "r", 1);
    f.input("stored").pipe_input("k", "s", 1);
    auto out_built = f.output("out-built");
    auto out_lent = f.output("out-lent");
    f.input("lent").pipe_input("k", "w", 2);  // the store's row read (decoded) once

    tracked::reset();
    f.input("built").pipe_input("k", "a", 2);
    f.input("built").pipe_input("absent", "b", 3);  // inner: no row, no output
    EXPECT_EQ(tracked::moves, 0);
    EXPECT_EQ(tracked::copies, 0);
    f.input("lent").pipe_input("k", "c", 4);
    f.input("lent").pipe_input("k", "d", 5);  // the store's row is copied, never moved from
    EXPECT_EQ(tracked::moves, 0);
    EXPECT_EQ(tracked::copies, 2);
    EXPECT_EQ(drain(out_built), (std::vector<kvt>{{"k", "a+l&r", 2}}));
    EXPECT_EQ(drain(out_lent), (std::vector<kvt>{{"k", "w+s", 2}, {"k", "c+s", 4}, {"k", "d+s", 5}}));
}

// A joiner may return an optional: none becomes a record with no value (a
// tombstone on the output topic), as a Java joiner returning null does.
TEST(join_result_in_place, a_joiner_returning_no_value_forwards_a_tombstone) {
    streams_builder b;
    auto table = b.table("table", strings());
    auto items = b.global_table("items", strings());
    b.stream("in", strings())
        .left_join(table,
                   [](const str& v, const opt& t) -> opt {
                       if (v == "none") return std::nullopt;
                       return v + "+" + t.value_or("null");
                   })
        .to("out");
    b.stream("in-global", strings())
        .join(
            items, [](const str& k, const str&) { return k; },
            [](const str& v, const str& item) -> opt {
                if (v == "none") return std::nullopt;
                return v + "@" + item;
            })
        .to("out-global");
    driver_fixture f(b.build());
    f.input("table").pipe_input("k", "t", 1);
    f.input("items").pipe_input("k", "i", 1);
    auto out = f.output("out");
    auto out_global = f.output("out-global");

    f.input("in").pipe_input("k", "v", 2);
    f.input("in").pipe_input("k", "none", 3);
    f.input("in").pipe_input("x", "w", 4);  // left: no row
    f.input("in-global").pipe_input("k", "v", 5);
    f.input("in-global").pipe_input("k", "none", 6);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "v+t", 2}, {"k", std::nullopt, 3}, {"x", "w+null", 4}}));
    EXPECT_EQ(drain(out_global), (std::vector<kvt>{{"k", "v@i", 5}, {"k", std::nullopt, 6}}));
}

// The table-table join's processors build each side's result in the change
// they forward; the results are those of the join's rules (inner: both sides
// present; a deleted side: a tombstone).
TEST(join_result_in_place, a_table_table_join_forwards_the_joined_rows) {
    streams_builder b;
    auto left = b.table("left", strings());
    auto right = b.table("right", strings());
    left.join(right, [](const str& l, const str& r) { return tracked(l + "&" + r); })
        .to_stream()
        .to("out", tracked_out());
    driver_fixture f(b.build());
    auto out = f.driver.create_output_topic("out", serdes::string(), tracked_serde());

    f.input("left").pipe_input("k", "l1", 1);
    f.input("right").pipe_input("k", "r1", 2);
    f.input("left").pipe_input("k", "l2", 3);
    f.input("right").pipe_input("k", std::nullopt, 4);
    EXPECT_EQ(drain_tracked(out), (std::vector<std::pair<str, str>>{{"k", "l1&r1"}, {"k", "l2&r1"}, {"k", "null"}}));
}

// The copies and moves of tracked values counted when a snapshot serde last
// serialized one: what happened to a value between a peek that reset the
// counts and a sink.
struct at_sink {
    static inline int copies = -1;
    static inline int moves = -1;
};

serde<tracked> snapshot_serde() {
    return serde<tracked>{
        [](std::string_view, const tracked& t) {
            at_sink::copies = tracked::copies;
            at_sink::moves = tracked::moves;
            return to_bytes(t.text);
        },
        [](std::string_view, bytes_view b) { return tracked(str(b.begin(), b.end())); },
    };
}

// A source builds the value it decodes in the record it forwards (s19-hE):
// the deserializer's result is neither moved nor copied on its way to a
// sink (before, the source moved it into its record from a temporary).
TEST(source_in_place, a_decoded_value_is_built_in_the_forwarded_record) {
    streams_builder b;
    b.stream("in", consumed<str, tracked>::with(serdes::string(), tracked_serde()))
        .to("out", produced<str, tracked>::with(serdes::string(), snapshot_serde()));
    driver_fixture f(b.build());
    auto out = f.driver.create_output_topic("out", serdes::string(), tracked_serde());
    at_sink::copies = at_sink::moves = -1;
    tracked::reset();
    f.input("in").pipe_input("k", "v", 1);
    EXPECT_EQ(at_sink::moves, 0);
    EXPECT_EQ(at_sink::copies, 0);
    EXPECT_EQ(drain_tracked(out), (std::vector<std::pair<str, str>>{{"k", "v"}}));
}

// select_key to a key of the same type re-keys the record it was handed:
// the value is neither copied nor moved on its way to a sink, or to the
// repartition topic in front of a join.
TEST(key_select_in_place, a_same_type_key_selector_leaves_the_value_in_place) {
    streams_builder b;
    auto table = b.table("table", strings());
    auto tracked_in = consumed<str, tracked>::with(serdes::string(), tracked_serde());
    auto reset = [](const str&, const tracked&) { tracked::reset(); };
    b.stream("in", tracked_in)
        .peek(reset)
        .select_key([](const str&, const tracked& v) { return v.text.substr(0, 1); })
        .join(
            table, [](const tracked& v, const str& t) { return v.text + "+" + t; },
            joined<str, tracked, str>::with(serdes::string(), snapshot_serde(), serdes::string()))
        .to("out");
    b.stream("in2", tracked_in)
        .peek(reset)
        .select_key([](const str& k, const tracked&) { return k + "!"; })
        .filter([](const str&, const tracked& v) { return !v.text.empty(); })
        .to("out2", produced<str, tracked>::with(serdes::string(), snapshot_serde()));
    driver_fixture f(b.build());
    f.input("table").pipe_input("a", "t", 1);
    auto in = f.driver.create_input_topic("in", serdes::string(), tracked_serde());
    auto in2 = f.driver.create_input_topic("in2", serdes::string(), tracked_serde());
    auto out = f.output("out");
    auto out2 = f.driver.create_output_topic("out2", serdes::string(), tracked_serde());

    in.pipe_input(str("k1"), tracked("a1"), 2);
    EXPECT_EQ(at_sink::moves, 0);
    EXPECT_EQ(at_sink::copies, 0);
    at_sink::moves = at_sink::copies = -1;
    in2.pipe_input(str("x"), tracked("v"), 4);
    EXPECT_EQ(at_sink::moves, 0);
    EXPECT_EQ(at_sink::copies, 0);
    in.pipe_input(str("k2"), tracked("b1"), 3);  // no row "b"
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "a1+t", 2}}));
    EXPECT_EQ(drain_tracked(out2), (std::vector<std::pair<str, str>>{{"x!", "v"}}));
}

// map_values builds its mapper's result in the record it forwards, and hands
// the mapper the record's old value: a mapper taking it by value gets it with
// one move, one taking it by const reference sees it; the result reaches the
// sink with no move or copy (it was moved twice: into an optional, then into
// the record). The source's own moves are measured on a stream without the
// operator.
TEST(map_values_in_place, the_result_is_built_in_the_forwarded_record_and_the_old_value_handed_over) {
    streams_builder b;
    auto tracked_in = consumed<str, tracked>::with(serdes::string(), tracked_serde());
    b.stream("by-value", tracked_in)
        .map_values([](tracked t) { return tracked(std::move(t.text) + "!"); })
        .to("out-value", tracked_out());
    b.stream("by-ref", tracked_in)
        .map_values([](const str& k, const tracked& t) { return tracked(k + ":" + t.text); })
        .to("out-ref", tracked_out());
    b.stream("pass", tracked_in).to("out-pass", tracked_out());
    b.stream("to-none", strings())
        .map_values([](const str& v) -> std::optional<tracked> {
            if (v == "none") return std::nullopt;
            return tracked(v);
        })
        .to("out-none", tracked_out());
    driver_fixture f(b.build());
    auto by_value = f.driver.create_input_topic("by-value", serdes::string(), tracked_serde());
    auto by_ref = f.driver.create_input_topic("by-ref", serdes::string(), tracked_serde());
    auto out_value = f.driver.create_output_topic("out-value", serdes::string(), tracked_serde());
    auto out_ref = f.driver.create_output_topic("out-ref", serdes::string(), tracked_serde());
    auto out_none = f.driver.create_output_topic("out-none", serdes::string(), tracked_serde());

    auto pass = f.driver.create_input_topic("pass", serdes::string(), tracked_serde());
    tracked::reset();
    pass.pipe_input("k", tracked("p"), 1);
    const int source_moves = tracked::moves;
    tracked::reset();
    by_ref.pipe_input("k", tracked("a"), 2);
    EXPECT_EQ(tracked::moves, source_moves);
    EXPECT_EQ(tracked::copies, 0);
    tracked::reset();
    by_value.pipe_input("k", tracked("b"), 3);
    EXPECT_EQ(tracked::moves, source_moves + 1);
    EXPECT_EQ(tracked::copies, 0);
    tracked::reset();
    f.input("to-none").pipe_input("k", "v", 4);
    f.input("to-none").pipe_input("k", "none", 5);
    // A mapper returning an optional: its own move (into its optional), then
    // one into the record.
    EXPECT_EQ(tracked::moves, 2);
    EXPECT_EQ(tracked::copies, 0);
    EXPECT_EQ(drain_tracked(out_ref), (std::vector<std::pair<str, str>>{{"k", "k:a"}}));
    EXPECT_EQ(drain_tracked(out_value), (std::vector<std::pair<str, str>>{{"k", "b!"}}));
    EXPECT_EQ(drain_tracked(out_none), (std::vector<std::pair<str, str>>{{"k", "v"}, {"k", "null"}}));
}

// A table row the record cache flushes is decoded once (s20-hD): the flush
// listener decodes it into the store's decoded cache, and the table-table
// join's lookup of it, when the other side's update arrives, finds the
// store still holding those bytes and decodes nothing. Before, the lookup
// decoded the row again. The outputs are unchanged.
TEST(flush_in_place, a_flushed_row_is_not_decoded_again_by_the_next_lookup) {
    static int decodes = 0;
    serde<str> counting{
        [](std::string_view, const str& s) { return to_bytes(s); },
        [](std::string_view, bytes_view b) {
            ++decodes;
            return str(b.begin(), b.end());
        },
    };
    streams_builder b;
    auto left = b.table("left", consumed<str, str>::with(serdes::string(), counting));
    auto right = b.table("right", strings());
    left.join(right, [](const str& l, const str& r) { return l + "&" + r; }).to_stream().to("out");
    driver_fixture f(b.build());
    auto out = f.output("out");
    decodes = 0;
    f.input("left").pipe_input("k", "l", 1);    // the source's decode, the flush's
    EXPECT_EQ(decodes, 2);
    f.input("right").pipe_input("k", "r", 2);   // the join looks "l" up: no decode
    EXPECT_EQ(decodes, 2);
    f.input("left").pipe_input("k", "l2", 3);   // the source's, the flush's (of "l2")
    f.input("right").pipe_input("k", "r2", 4);  // again none
    EXPECT_EQ(decodes, 4);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "l&r", 2}, {"k", "l2&r", 3}, {"k", "l2&r2", 4}}));
}

}  // namespace
}  // namespace samsa::streams::test
