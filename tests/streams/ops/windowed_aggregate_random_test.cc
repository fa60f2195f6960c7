// Windowed aggregations on seeded random input (out-of-order timestamps,
// late records, null keys and values, several keys) against brute-force
// models of Kafka's rules: every output of a hopping count, and the final
// table (outputs replayed, tombstones deleting) of session and sliding
// counts, as Kafka's own KStreamSlidingWindowAggregateTest checks its
// sliding windows against a brute-force count.
#include <map>
#include <random>
#include <set>

#include "driver_fixture.h"

#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams::test {
namespace {

struct input_record {
    opt key;
    opt value;
    int64_t timestamp;
};

// Timestamps drift upwards with jitter, so some records come late.
std::vector<input_record> random_input(uint32_t seed, int n, int64_t jitter, bool nulls) {
    std::mt19937 rng(seed);
    std::vector<input_record> out;
    int64_t base = 0;
    const char* keys[] = {"a", "b", "c"};
    for (int i = 0; i < n; ++i) {
        base += std::uniform_int_distribution<int64_t>(0, 4)(rng);
        int64_t ts = std::max<int64_t>(0, base - std::uniform_int_distribution<int64_t>(0, jitter)(rng));
        int pick = std::uniform_int_distribution<int>(0, 19)(rng);
        opt key = nulls && pick == 0 ? std::nullopt : opt(keys[pick % 3]);
        opt value = nulls && pick == 1 ? std::nullopt : opt("v" + std::to_string(i));
        out.push_back({key, value, ts});
    }
    return out;
}

template<class VA>
void to_strings(const ktable<windowed<str>, VA>& t, const std::string& topic) {
    t.to_stream()
        .map([](const std::optional<windowed<str>>& wk, const std::optional<VA>& v) {
            return key_value<std::optional<str>, std::optional<str>>{
                to_string(*wk), v ? std::optional<str>(std::to_string(*v)) : std::nullopt};
        })
        .to(topic);
}

str wkey(const str& k, int64_t start, int64_t end) {
    return "[" + k + "@" + std::to_string(start) + "/" + std::to_string(end) + "]";
}

std::map<str, str> replay(const std::vector<kvt>& records) {
    std::map<str, str> table;
    for (const auto& r : records) {
        if (r.value) table[*r.key] = *r.value;
        else table.erase(*r.key);
    }
    return table;
}

TEST(windowed_aggregate_random, hopping_count_matches_the_model_record_for_record) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
        const int64_t size = 20, advance = 5, grace = 10;
        auto windows = time_windows::of_size_and_grace(size, grace).advance_by(advance);
        streams_builder b;
        to_strings(b.stream("in", strings()).group_by_key().windowed_by(windows).count(), "out");
        driver_fixture f(b.build());
        auto in = f.input("in");
        auto out = f.output("out");

        std::vector<kvt> expected;
        std::map<std::pair<str, int64_t>, std::pair<int64_t, int64_t>> model;  // (key, start) -> (count, ts)
        int64_t stream_time = -1, dropped = 0;
        for (const auto& r : random_input(seed, 400, 40, true)) {
            in.pipe_input(r.key, r.value, r.timestamp);
            if (!r.key) {
                ++dropped;
                continue;
            }
            stream_time = std::max(stream_time, r.timestamp);
            for (const auto& [start, w] : windows.windows_for(r.timestamp)) {
                if (w.end() <= stream_time - grace) {
                    ++dropped;
                    continue;
                }
                auto& [count, ts] = model[{*r.key, start}];
                ts = count == 0 ? r.timestamp : std::max(ts, r.timestamp);
                ++count;
                expected.push_back({wkey(*r.key, start, start + size), std::to_string(count), ts});
            }
        }
        EXPECT_EQ(drain(out), expected) << "seed " << seed;
        EXPECT_EQ(f.driver.dropped_records(), dropped) << "seed " << seed;
        EXPECT_GT(dropped, 0) << "the input should have late records";
    }
}

TEST(windowed_aggregate_random, session_count_table_matches_clusters_of_the_gap) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
        const int64_t gap = 6;
        streams_builder b;
        to_strings(b.stream("in", strings())
                       .group_by_key()
                       .windowed_by(session_windows::of_inactivity_gap_and_grace(gap, 1'000'000))
                       .count(),
                   "out");
        driver_fixture f(b.build());
        auto in = f.input("in");
        auto out = f.output("out");
        std::map<str, std::multiset<int64_t>> times;
        for (const auto& r : random_input(seed, 300, 40, false)) {
            in.pipe_input(r.key, r.value, r.timestamp);
            times[*r.key].insert(r.timestamp);
        }
        // Sessions: runs of timestamps each within the gap of the previous.
        std::map<str, str> expected;
        for (const auto& [k, ts] : times) {
            int64_t start = *ts.begin(), end = start, count = 0;
            for (int64_t t : ts) {
                if (t - end > gap) {
                    expected[wkey(k, start, end)] = std::to_string(count);
                    start = t;
                    count = 0;
                }
                end = t;
                ++count;
            }
            expected[wkey(k, start, end)] = std::to_string(count);
        }
        auto records = drain(out);
        EXPECT_EQ(replay(records), expected) << "seed " << seed;
        size_t tombstones = std::count_if(records.begin(), records.end(), [](const kvt& r) { return !r.value; });
        EXPECT_GT(tombstones, 0u) << "the input should merge sessions";
    }
}

TEST(windowed_aggregate_random, sliding_count_table_matches_brute_force_windows) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
        const int64_t d = 10;
        streams_builder b;
        to_strings(b.stream("in", strings())
                       .group_by_key()
                       .windowed_by(sliding_windows::of_time_difference_and_grace(d, 1'000'000))
                       .count(),
                   "out");
        driver_fixture f(b.build());
        auto in = f.input("in");
        auto out = f.output("out");
        std::map<str, std::multiset<int64_t>> times;
        for (const auto& r : random_input(seed, 300, 30, false)) {
            in.pipe_input(r.key, r.value, r.timestamp);
            times[*r.key].insert(r.timestamp);
        }
        // Each record at t has its left window [t - d, t] ([0, d] when t < d)
        // and, when a later record is within d + 1, its right window
        // [t + 1, t + 1 + d]; a window's count is the records inside it.
        std::map<str, str> expected;
        for (const auto& [k, ts] : times) {
            auto count_in = [&](int64_t from, int64_t to) {
                return std::distance(ts.lower_bound(from), ts.upper_bound(to));
            };
            for (int64_t t : ts) {
                int64_t left = std::max<int64_t>(0, t - d);
                expected[wkey(k, left, left + d)] = std::to_string(count_in(left, left + d));
                if (ts.upper_bound(t) != ts.end() && *ts.upper_bound(t) <= t + 1 + d) {
                    expected[wkey(k, t + 1, t + 1 + d)] = std::to_string(count_in(t + 1, t + 1 + d));
                }
            }
        }
        EXPECT_EQ(replay(drain(out)), expected) << "seed " << seed;
    }
}

}  // namespace
}  // namespace samsa::streams::test
