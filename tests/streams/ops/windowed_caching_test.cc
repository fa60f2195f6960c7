// Record caches of windowed aggregations in the test driver, which commits
// (flushes caches) after every record as Kafka's TopologyTestDriver: time
// and sliding windowed aggregations forward one update per window key per
// commit (Kafka's CachingWindowStore with TimestampedCacheFlushListener),
// session aggregations one per session (CachingSessionStore),
// the last value, in the order of the windows' last writes, stamped with
// the aggregate's timestamp; with_caching_disabled() or a cache of 0 bytes
// forward every update; emit-on-window-close results are the same either
// way. (tests/streams/runtime/stream_thread_test.cc shows dedup across
// records between commits in the runtime.)
#include "caching_helpers.h"

#include <random>

#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

// Each letter of a value counts once under the record's key, per window:
// one update per letter (no repartition: the driver commits after each
// record, so these updates share a commit).
template<class W>
topology letter_window_counts(W windows, bool caching, emit_strategy emit = emit_strategy::on_window_update()) {
    streams_builder b;
    b.stream("in", strings())
        .flat_map_values([](const str& v) { return letters(v); })
        .group_by_key()
        .windowed_by(windows)
        .emit_strategy(emit)
        .count(named{}, letter_counts_store(caching))
        .to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<int64_t>& v) {
            return key_value<std::optional<str>, std::optional<str>>{to_string(*wk),
                                                                      v ? std::optional(std::to_string(*v)) : std::nullopt};
        })
        .to("out");
    return b.build();
}

TEST(windowed_caching, a_windowed_count_forwards_one_update_per_window_and_commit) {
    driver_fixture f(letter_window_counts(time_windows::of_size_with_no_grace(10), true));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[k@0/10]", "3", 5}}));
    in.pipe_input("k", "ba", 12);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[k@10/20]", "2", 12}}));
    // The changelog too: one record per window key and commit.
    EXPECT_EQ(f.output("test-app-counts-changelog").get_queue_size(), 2u);
}

TEST(windowed_caching, with_caching_disabled_every_update_is_forwarded) {
    driver_fixture f(letter_window_counts(time_windows::of_size_with_no_grace(10), false));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[k@0/10]", "1", 5}, {"[k@0/10]", "2", 5}, {"[k@0/10]", "3", 5}}));
    EXPECT_EQ(f.output("test-app-counts-changelog").get_queue_size(), 3u);
}

TEST(windowed_caching, a_cache_of_zero_bytes_forwards_every_update) {
    auto driver = empty_cache_driver(letter_window_counts(time_windows::of_size_with_no_grace(10), true));
    auto in = driver.create_input_topic("in", serdes::string(), serdes::string());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[k@0/10]", "1", 5}, {"[k@0/10]", "2", 5}, {"[k@0/10]", "3", 5}}));
}

TEST(windowed_caching, hopping_windows_forward_in_the_order_of_their_last_write) {
    driver_fixture f(letter_window_counts(time_windows::of_size_with_no_grace(10).advance_by(5), true));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "ab", 7);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"[k@0/10]", "2", 7}, {"[k@5/15]", "2", 7}}));
}

// The cached output of each record is the uncached one with only the last
// update of each window key kept, at the place of that last update.
std::vector<kvt> last_per_key(const std::vector<kvt>& updates) {
    std::vector<kvt> out;
    for (size_t i = 0; i < updates.size(); ++i) {
        bool later = false;
        for (size_t j = i + 1; j < updates.size(); ++j) later = later || updates[j].key == updates[i].key;
        if (!later) out.push_back(updates[i]);
    }
    return out;
}

template<class W>
void expect_cached_is_last_per_window_of_uncached(W windows, emit_strategy emit, bool dedups) {
    driver_fixture cached(letter_window_counts(windows, true, emit));
    driver_fixture uncached(letter_window_counts(windows, false, emit));
    auto in_c = cached.input("in"), in_u = uncached.input("in");
    auto out_c = cached.output("out"), out_u = uncached.output("out");
    std::mt19937 rng(13);
    int64_t time = 0;
    for (int i = 0; i < 200; ++i) {
        str value;
        for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) value += static_cast<char>('a' + rng() % 3);
        time += static_cast<int64_t>(rng() % 7);
        int64_t ts = std::max<int64_t>(0, time - static_cast<int64_t>(rng() % 12));  // out of order, some late
        str key(1, static_cast<char>('x' + rng() % 3));
        in_c.pipe_input(key, value, ts);
        in_u.pipe_input(key, value, ts);
        auto u = drain(out_u);
        EXPECT_EQ(drain(out_c), dedups ? last_per_key(u) : u) << "record " << i << " " << value << "@" << ts;
    }
}

TEST(windowed_caching, hopping_windows_cached_equal_uncached_deduplicated) {
    expect_cached_is_last_per_window_of_uncached(time_windows::of_size_and_grace(10, 5).advance_by(5),
                                                 emit_strategy::on_window_update(), true);
}

TEST(windowed_caching, sliding_windows_cached_equal_uncached_deduplicated) {
    expect_cached_is_last_per_window_of_uncached(sliding_windows::of_time_difference_and_grace(10, 5),
                                                 emit_strategy::on_window_update(), true);
}

TEST(windowed_caching, session_windows_cached_equal_uncached_deduplicated) {
    // Merged-away sessions' tombstones included: a session removed and
    // written again in one commit is forwarded once, with its new value.
    // A grace long enough that no session expires from the store: the cache
    // keeps clean entries after a flush and, as Kafka's CachingSessionStore,
    // returns them past the store's retention, so a record may merge into a
    // session the uncached store no longer returns.
    expect_cached_is_last_per_window_of_uncached(session_windows::of_inactivity_gap_and_grace(5, 1000),
                                                 emit_strategy::on_window_update(), true);
}

// No such test for hopping windows: with caching a hopping count on window
// close emits windows the uncached time-ordered store has already dropped,
// as Kafka 3.8 does (windowed_caching_vectors.hopping_count_on_window_close
// and ..._uncached, both recorded from Java's TopologyTestDriver).
TEST(windowed_caching, emit_on_window_close_sliding_results_do_not_depend_on_caching) {
    expect_cached_is_last_per_window_of_uncached(sliding_windows::of_time_difference_and_grace(10, 5),
                                                 emit_strategy::on_window_close(), false);
}

TEST(windowed_caching, emit_on_window_close_session_results_do_not_depend_on_caching) {
    expect_cached_is_last_per_window_of_uncached(session_windows::of_inactivity_gap_and_grace(5, 3),
                                                 emit_strategy::on_window_close(), false);
}

}  // namespace
}  // namespace samsa::streams::test
