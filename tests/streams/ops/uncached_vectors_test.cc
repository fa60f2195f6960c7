// Windows, sessions, suppress, emit-on-window-close, stream-stream joins,
// cogroup and foreign-key joins with record caches OFF
// (statestore.cache.max.bytes = 0) against outputs recorded from Kafka
// Streams 3.8's own TopologyTestDriver: tests/streams/vectors/uncached.txt,
// written by tests/streams/vectors/java/UncachedVectors.java (not built; its
// header says how to re-record). The inputs are seeded random records with
// out-of-order timestamps, records late past grace, null keys and null values
// (tombstones for tables). Every output record (key, value, timestamp) after
// every input record must be equal, in order. The driver's emit intervals
// are 0, as Kafka's TopologyTestDriver sets them unless configured, so
// emit-on-window-close and the left/outer join results of closed windows
// come with the record that closes them.
#include "recorded_vectors.h"

#include "samsa/streams/cogrouped_kstream.h"
#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

std::map<std::string, std::string> caching_off() {
    return {{"application.id", "test-app"}, {"statestore.cache.max.bytes", "0"}};
}

void expect_recorded_outputs(const str& name, topology t) {
    static const auto cases = read_recorded_cases(SAMSA_VECTORS_DIR "uncached.txt", true);
    expect_recorded_case_outputs(recorded_case(cases, name), name, std::move(t), caching_off());
}

// The programs of UncachedVectors.java, with the same serdes and output
// formatting: windowed keys as Windowed.toString(), values as strings.
kstream<str, str> in(streams_builder& b, const str& topic) { return b.stream(topic, strings()); }

template<class V>
void windowed_out(const ktable<windowed<str>, V>& t) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<V>& v) {
            opt value;
            if constexpr (std::is_same_v<V, str>) value = v;
            else if (v) value = std::to_string(*v);
            return key_value<opt, opt>{to_string(*wk), value};
        })
        .to("out");
}

void table_out(const ktable<str, str>& t) { t.to_stream().to("out"); }

materialized<str, int64_t> counts() {
    return materialized<str, int64_t>::as("counts").with_key_serde(serdes::string()).with_value_serde(serdes::int64());
}
materialized<str, str> strings_store(const str& name) {
    return materialized<str, str>::as(name).with_key_serde(serdes::string()).with_value_serde(serdes::string());
}
str empty() { return {}; }
str append(const str&, const str& v, const str& agg) { return agg + v; }
str merge(const str&, const str& a, const str& c) { return a + "&" + c; }
str upper(str v) {
    for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return v;
}
str append_upper(const str&, const str& v, const str& agg) { return agg + upper(v); }
// Java's string concatenation of a null value: "null". Kafka's windowed
// aggregations and windowed cogroups hand null values to the aggregator;
// samsa does too for an aggregator taking std::optional (one taking const
// V& never sees them, and the record is skipped).
str append_nullable(const str&, const opt& v, const str& agg) { return agg + v.value_or("null"); }
str append_upper_nullable(const str&, const opt& v, const str& agg) { return agg + upper(v.value_or("null")); }

const auto tumbling = time_windows::of_size_and_grace(10, 5);
const auto hopping = time_windows::of_size_and_grace(10, 5).advance_by(5);
const auto sliding = sliding_windows::of_time_difference_and_grace(10, 5);
const auto sessions = session_windows::of_inactivity_gap_and_grace(5, 3);
const auto join_window = join_windows::of_time_difference_and_grace(5, 3);
const auto asymmetric = join_windows::of_time_difference_and_grace(5, 4).before(2).after(7);

stream_joined<str, str, str> joined() {
    return stream_joined<str, str, str>::with(serdes::string(), serdes::string(), serdes::string());
}

template<class W>
topology windowed_count(W windows, emit_strategy emit = emit_strategy::on_window_update()) {
    streams_builder b;
    windowed_out(in(b, "in").group_by_key().windowed_by(windows).emit_strategy(emit).count(named{}, counts()));
    return b.build();
}

template<class W>
topology windowed_aggregate(W windows, emit_strategy emit = emit_strategy::on_window_update()) {
    streams_builder b;
    windowed_out(in(b, "in").group_by_key().windowed_by(windows).emit_strategy(emit).aggregate(
        empty, append_nullable, strings_store("aggs")));
    return b.build();
}

topology session_aggregate(emit_strategy emit = emit_strategy::on_window_update()) {
    streams_builder b;
    windowed_out(in(b, "in").group_by_key().windowed_by(sessions).emit_strategy(emit).aggregate(
        empty, append_nullable, merge, strings_store("aggs")));
    return b.build();
}

template<class W>
topology suppressed_count(W windows) {
    streams_builder b;
    windowed_out(in(b, "in")
                     .group_by_key()
                     .windowed_by(windows)
                     .count(named{}, counts())
                     .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded())));
    return b.build();
}

enum class join_kind { inner, left, outer };

topology stream_stream_join(join_kind kind, const join_windows& windows) {
    streams_builder b;
    auto left = in(b, "left"), right = in(b, "right");
    if (kind == join_kind::inner)
        left.join(right, [](const str& a, const str& c) { return a + "+" + c; }, windows, joined()).to("out");
    else if (kind == join_kind::left)
        left.left_join(right, [](const str& a, const opt& c) { return tostring_join(a, c); }, windows, joined()).to("out");
    else
        left.outer_join(right, [](const opt& a, const opt& c) { return tostring_join(a, c); }, windows, joined()).to("out");
    return b.build();
}

// Left values are "<fk>|<payload>"; "-" stands for a null foreign key.
std::optional<str> foreign_key(const str& v) { return v.starts_with("-") ? std::nullopt : opt(v.substr(0, 1)); }

topology fk_join(bool left_join) {
    streams_builder b;
    auto left = b.table("left", strings(), strings_store("l"));
    auto right = b.table("right", strings(), strings_store("r"));
    if (left_join)
        table_out(left.left_join(right, foreign_key, [](const str& l, const opt& r) { return tostring_join(l, r); }));
    else
        table_out(left.join(right, foreign_key, [](const str& l, const str& r) { return l + "+" + r; }));
    return b.build();
}

TEST(uncached_vectors, tumbling_count) { expect_recorded_outputs("tumbling_count", windowed_count(tumbling)); }
TEST(uncached_vectors, hopping_count) { expect_recorded_outputs("hopping_count", windowed_count(hopping)); }
TEST(uncached_vectors, tumbling_aggregate) {
    expect_recorded_outputs("tumbling_aggregate", windowed_aggregate(tumbling));
}
TEST(uncached_vectors, hopping_aggregate) { expect_recorded_outputs("hopping_aggregate", windowed_aggregate(hopping)); }
TEST(uncached_vectors, sliding_count) { expect_recorded_outputs("sliding_count", windowed_count(sliding)); }
TEST(uncached_vectors, sliding_aggregate) { expect_recorded_outputs("sliding_aggregate", windowed_aggregate(sliding)); }
TEST(uncached_vectors, session_count) { expect_recorded_outputs("session_count", windowed_count(sessions)); }
TEST(uncached_vectors, session_aggregate) { expect_recorded_outputs("session_aggregate", session_aggregate()); }

TEST(uncached_vectors, tumbling_count_on_window_close) {
    expect_recorded_outputs("tumbling_count_on_window_close",
                            windowed_count(tumbling, emit_strategy::on_window_close()));
}
TEST(uncached_vectors, hopping_aggregate_on_window_close) {
    expect_recorded_outputs("hopping_aggregate_on_window_close",
                            windowed_aggregate(hopping, emit_strategy::on_window_close()));
}
TEST(uncached_vectors, sliding_count_on_window_close) {
    expect_recorded_outputs("sliding_count_on_window_close", windowed_count(sliding, emit_strategy::on_window_close()));
}
TEST(uncached_vectors, session_aggregate_on_window_close) {
    expect_recorded_outputs("session_aggregate_on_window_close", session_aggregate(emit_strategy::on_window_close()));
}

TEST(uncached_vectors, tumbling_count_suppressed) {
    expect_recorded_outputs("tumbling_count_suppressed", suppressed_count(tumbling));
}
TEST(uncached_vectors, session_count_suppressed) {
    expect_recorded_outputs("session_count_suppressed", suppressed_count(sessions));
}
TEST(uncached_vectors, table_suppressed_time_limit) {
    streams_builder b;
    table_out(b.table("in", strings(), strings_store("t"))
                  .suppress(suppressed<str>::until_time_limit(std::chrono::milliseconds(7), buffer_config::unbounded())));
    expect_recorded_outputs("table_suppressed_time_limit", b.build());
}

TEST(uncached_vectors, stream_stream_inner_join) {
    expect_recorded_outputs("stream_stream_inner_join", stream_stream_join(join_kind::inner, join_window));
}
TEST(uncached_vectors, stream_stream_left_join) {
    expect_recorded_outputs("stream_stream_left_join", stream_stream_join(join_kind::left, join_window));
}
TEST(uncached_vectors, stream_stream_outer_join) {
    expect_recorded_outputs("stream_stream_outer_join", stream_stream_join(join_kind::outer, join_window));
}
TEST(uncached_vectors, stream_stream_inner_join_asymmetric) {
    expect_recorded_outputs("stream_stream_inner_join_asymmetric", stream_stream_join(join_kind::inner, asymmetric));
}
TEST(uncached_vectors, stream_stream_left_join_asymmetric) {
    expect_recorded_outputs("stream_stream_left_join_asymmetric", stream_stream_join(join_kind::left, asymmetric));
}
TEST(uncached_vectors, stream_stream_outer_join_asymmetric) {
    expect_recorded_outputs("stream_stream_outer_join_asymmetric", stream_stream_join(join_kind::outer, asymmetric));
}

TEST(uncached_vectors, cogroup_aggregate) {
    streams_builder b;
    auto left = in(b, "left").group_by_key();
    auto right = in(b, "right").group_by_key();
    table_out(left.cogroup(append).cogroup(right, append_upper).aggregate(empty, strings_store("cogrouped")));
    expect_recorded_outputs("cogroup_aggregate", b.build());
}

TEST(uncached_vectors, cogroup_tumbling_aggregate) {
    streams_builder b;
    auto left = in(b, "left").group_by_key();
    auto right = in(b, "right").group_by_key();
    windowed_out(left.cogroup(append_nullable)
                     .cogroup(right, append_upper_nullable)
                     .windowed_by(tumbling)
                     .aggregate(empty, strings_store("aggs")));
    expect_recorded_outputs("cogroup_tumbling_aggregate", b.build());
}

TEST(uncached_vectors, fk_join) { expect_recorded_outputs("fk_join", fk_join(false)); }
TEST(uncached_vectors, fk_left_join) { expect_recorded_outputs("fk_left_join", fk_join(true)); }

}  // namespace
}  // namespace samsa::streams::test
