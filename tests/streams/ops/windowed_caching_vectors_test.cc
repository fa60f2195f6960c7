// Windowed aggregations with record caches on (the default, as Kafka Streams
// 3.8) against outputs recorded from Kafka Streams 3.8's own
// TopologyTestDriver: tests/streams/vectors/windowed_caching.txt, written by
// tests/streams/vectors/java/WindowedCachingVectors.java (not built; its
// header says how to re-record). Both drivers commit, and so flush the
// caches, after every input record; each record's value is split into
// letters, so one record updates a window several times within a commit and
// the cache's deduplication shows. Every output record (key, value,
// timestamp) after every input record must be equal, in order.
// The emit-on-window-close cases need the driver's emit intervals at 0, as
// Kafka's TopologyTestDriver sets them unless configured (with the runtime's
// 1000 ms default, the driver's wall clock, which moves only when told to,
// holds back every look for closed windows after the first).
#include "recorded_vectors.h"

#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

// Each input record's outputs, piped as Java piped them (default config:
// caching on, the 10 MiB cache).
void expect_recorded_outputs(const str& name, topology t) {
    static const auto cases = read_recorded_cases(SAMSA_VECTORS_DIR "windowed_caching.txt", false);
    expect_recorded_case_outputs(recorded_case(cases, name), name, std::move(t), {{"application.id", "test-app"}});
}

std::vector<str> letters(const str& v) {
    std::vector<str> out;
    for (char c : v) out.push_back(str(1, c));
    return out;
}

// The programs of WindowedCachingVectors.java: letters grouped by key,
// windowed, aggregated into a store with the default (caching) settings,
// written out as Windowed.toString() and the value's string.
kgrouped_stream<str, str> grouped_letters(streams_builder& b) {
    return b.stream("in", strings()).flat_map_values([](const str& v) { return letters(v); }).group_by_key();
}

template<class V>
void to_out(const ktable<windowed<str>, V>& t) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<V>& v) {
            opt value;
            if constexpr (std::is_same_v<V, str>) value = v;
            else if (v) value = std::to_string(*v);
            return key_value<opt, opt>{to_string(*wk), value};
        })
        .to("out");
}

materialized<str, int64_t> counts() {
    return materialized<str, int64_t>::as("counts").with_key_serde(serdes::string()).with_value_serde(serdes::int64());
}
materialized<str, str> aggs() {
    return materialized<str, str>::as("aggs").with_key_serde(serdes::string()).with_value_serde(serdes::string());
}
str empty() { return {}; }
str append(const str&, const str& v, const str& agg) { return agg + v; }
str merge(const str&, const str& a, const str& c) { return a + "&" + c; }

const auto tumbling = time_windows::of_size_and_grace(10, 5);
const auto hopping = time_windows::of_size_and_grace(10, 5).advance_by(5);
const auto sliding = sliding_windows::of_time_difference_and_grace(10, 5);
const auto sessions = session_windows::of_inactivity_gap_and_grace(5, 3);

template<class W>
topology windowed_count(W windows, emit_strategy emit = emit_strategy::on_window_update()) {
    streams_builder b;
    to_out(grouped_letters(b).windowed_by(windows).emit_strategy(emit).count(named{}, counts()));
    return b.build();
}

template<class W>
topology windowed_aggregate(W windows) {
    streams_builder b;
    to_out(grouped_letters(b).windowed_by(windows).aggregate(empty, append, aggs()));
    return b.build();
}

topology session_aggregate() {
    streams_builder b;
    to_out(grouped_letters(b).windowed_by(sessions).aggregate(empty, append, merge, aggs()));
    return b.build();
}

TEST(windowed_caching_vectors, tumbling_count) { expect_recorded_outputs("tumbling_count", windowed_count(tumbling)); }

TEST(windowed_caching_vectors, hopping_aggregate) {
    expect_recorded_outputs("hopping_aggregate", windowed_aggregate(hopping));
}

TEST(windowed_caching_vectors, sliding_count) { expect_recorded_outputs("sliding_count", windowed_count(sliding)); }

TEST(windowed_caching_vectors, sliding_aggregate) {
    expect_recorded_outputs("sliding_aggregate", windowed_aggregate(sliding));
}

TEST(windowed_caching_vectors, session_count) { expect_recorded_outputs("session_count", windowed_count(sessions)); }

TEST(windowed_caching_vectors, session_aggregate) { expect_recorded_outputs("session_aggregate", session_aggregate()); }

TEST(windowed_caching_vectors, tumbling_count_on_window_close) {
    expect_recorded_outputs("tumbling_count_on_window_close", windowed_count(tumbling, emit_strategy::on_window_close()));
}

TEST(windowed_caching_vectors, hopping_count_on_window_close) {
    expect_recorded_outputs("hopping_count_on_window_close", windowed_count(hopping, emit_strategy::on_window_close()));
}

// Caching off: windows that the time-ordered store's retention dropped
// before the record that closes them are never emitted, while the cache
// above still holds them (the case above emits them).
TEST(windowed_caching_vectors, hopping_count_on_window_close_uncached) {
    streams_builder b;
    to_out(grouped_letters(b)
               .windowed_by(hopping)
               .emit_strategy(emit_strategy::on_window_close())
               .count(named{}, counts().with_caching_disabled()));
    expect_recorded_outputs("hopping_count_on_window_close_uncached", b.build());
}

TEST(windowed_caching_vectors, sliding_count_on_window_close) {
    expect_recorded_outputs("sliding_count_on_window_close", windowed_count(sliding, emit_strategy::on_window_close()));
}

TEST(windowed_caching_vectors, session_count_on_window_close) {
    expect_recorded_outputs("session_count_on_window_close", windowed_count(sessions, emit_strategy::on_window_close()));
}

TEST(windowed_caching_vectors, tumbling_count_suppressed) {
    streams_builder b;
    to_out(grouped_letters(b)
               .windowed_by(tumbling)
               .count(named{}, counts())
               .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded())));
    expect_recorded_outputs("tumbling_count_suppressed", b.build());
}

// x's session [0,0] stays clean in the cache after its commit; y moves
// stream time to 8, past the store's retention (gap 5 + grace 3) for
// sessions ending at 0; x at 5 is not late and merges with [0,0], which only
// the cache still returns (Kafka: "&ac" for [x@0/5]).
TEST(windowed_caching_vectors, session_past_retention_with_clean_cache_entry) {
    expect_recorded_outputs("session_past_retention_with_clean_cache_entry", session_aggregate());
}

// Sliding windows look up to twice the time difference back, at windows the
// store's retention (10 + 5) has dropped while the cache holds them.
TEST(windowed_caching_vectors, sliding_past_retention_with_clean_cache_entry) {
    expect_recorded_outputs("sliding_past_retention_with_clean_cache_entry", windowed_aggregate(sliding));
}

}  // namespace
}  // namespace samsa::streams::test
