// Record caches in the DSL, in the topology test driver, which commits (and
// so flushes caches) after every record as Kafka's TopologyTestDriver does:
// caching merges the updates one input record makes to a key, forwards the
// merged update at the commit with the old value as of the last commit, and
// materialized::with_caching_disabled() or statestore.cache.max.bytes=0 give
// one update per write. (tests/streams/runtime/stream_thread_test.cc shows
// commits, evictions and old values across records in the runtime.)
#include "caching_helpers.h"

namespace samsa::streams::test {
namespace {

// "aab" -> counts of a key's letters: one count update per letter.
ktable<str, int64_t> count_letters(streams_builder& b, bool caching) {
    return b.stream("in", strings())
        .flat_map_values([](const str& v) { return letters(v); })
        .group_by_key()
        .count(named{}, letter_counts_store(caching));
}

topology letter_counts(bool caching) {
    streams_builder b;
    count_letters(b, caching)
        .to_stream()
        .map_values([](const int64_t& n) { return std::to_string(n); })
        .to("out");
    return b.build();
}

TEST(dsl_caching, merges_the_updates_one_record_makes_to_a_key) {
    driver_fixture f(letter_counts(true));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "3", 5}}));
    in.pipe_input("k", "c", 6);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "4", 6}}));
    // The changelog too: one record per key and commit.
    EXPECT_EQ(f.output("test-app-counts-changelog").get_queue_size(), 2u);
}

TEST(dsl_caching, with_caching_disabled_forwards_every_update) {
    driver_fixture f(letter_counts(false));
    auto in = f.input("in");
    auto out = f.output("out");
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "1", 5}, {"k", "2", 5}, {"k", "3", 5}}));
}

TEST(dsl_caching, a_cache_size_of_zero_forwards_every_update) {
    auto driver = empty_cache_driver(letter_counts(true));
    auto in = driver.create_input_topic("in", serdes::string(), serdes::string());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());
    in.pipe_input("k", "aab", 5);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"k", "1", 5}, {"k", "2", 5}, {"k", "3", 5}}));
}

TEST(dsl_caching, the_old_value_is_the_one_of_the_last_commit) {
    // counts -> group all keys under one -> sum with subtract. The group_by
    // repartition topic carries (new, old) changes: cached, one per key and
    // record, whose old value is the count as of the last commit (absent the
    // first time, where the uncached count sends its initial 0).
    auto build = [](bool caching) {
        streams_builder b;
        count_letters(b, caching)
            .group_by([](const str&, const int64_t& n) { return key_value<str, int64_t>{"all", n}; },
                      grouped<str, int64_t>::with(serdes::string(), serdes::int64()))
            .reduce([](const int64_t& a, const int64_t& b) { return a + b; },
                    [](const int64_t& a, const int64_t& b) { return a - b; }, named{},
                    materialized<str, int64_t>::as("total").with_key_serde(serdes::string()).with_value_serde(serdes::int64()))
            .to_stream()
            .map_values([](const int64_t& n) { return std::to_string(n); })
            .to("out");
        return b.build();
    };
    auto repartitioned = [](driver_fixture& f) {
        std::vector<change<int64_t>> out;
        auto serde = internal::change_serde<int64_t>(serdes::int64());
        for (const auto& r : f.driver.output("test-app-total-repartition")) {
            out.push_back(serde.deserialize("", *r.value));
        }
        return out;
    };
    driver_fixture cached(build(true));
    cached.input("in").pipe_input("k", "aab", 1);
    cached.input("in").pipe_input("k", "c", 2);
    EXPECT_EQ(repartitioned(cached), (std::vector<change<int64_t>>{{3, std::nullopt}, {4, 3}}));
    auto out = cached.output("out");
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"all", "3", 1}, {"all", "4", 2}}));

    driver_fixture uncached(build(false));
    uncached.input("in").pipe_input("k", "aab", 1);
    EXPECT_EQ(repartitioned(uncached), (std::vector<change<int64_t>>{{1, 0}, {2, 1}, {3, 2}}));
}

}  // namespace
}  // namespace samsa::streams::test
