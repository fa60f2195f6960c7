// window and windowed<K> follow Kafka's Window/TimeWindow/SessionWindow and
// Windowed<K>: bounds checks, overlap rules per kind, equality, to-string.

#include "samsa/streams/windowed.h"

#include <map>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

namespace samsa::streams {
namespace {

TEST(window_test, time_window_needs_end_after_start) {
    EXPECT_THROW(window::time(-1, 5), std::invalid_argument);
    EXPECT_THROW(window::time(5, 4), std::invalid_argument);
    EXPECT_THROW(window::time(5, 5), std::invalid_argument);
    auto w = window::time(0, 10);
    EXPECT_EQ(w.start(), 0);
    EXPECT_EQ(w.end(), 10);
    EXPECT_EQ(w.kind(), window_kind::time);
}

TEST(window_test, session_window_may_be_a_single_instant) {
    EXPECT_THROW(window::session(-1, 5), std::invalid_argument);
    EXPECT_THROW(window::session(5, 4), std::invalid_argument);
    auto w = window::session(7, 7);
    EXPECT_EQ(w.start(), 7);
    EXPECT_EQ(w.end(), 7);
}

TEST(window_test, time_windows_overlap_half_open) {
    auto w = window::time(10, 20);
    EXPECT_TRUE(w.overlap(window::time(19, 30)));
    EXPECT_TRUE(w.overlap(window::time(0, 11)));
    EXPECT_TRUE(w.overlap(window::time(12, 13)));
    EXPECT_FALSE(w.overlap(window::time(20, 30)));  // end is exclusive
    EXPECT_FALSE(w.overlap(window::time(0, 10)));
}

TEST(window_test, session_windows_overlap_closed) {
    auto w = window::session(10, 20);
    EXPECT_TRUE(w.overlap(window::session(20, 30)));  // both ends inclusive
    EXPECT_TRUE(w.overlap(window::session(0, 10)));
    EXPECT_TRUE(w.overlap(window::session(15, 15)));
    EXPECT_FALSE(w.overlap(window::session(21, 30)));
    EXPECT_FALSE(w.overlap(window::session(0, 9)));
}

TEST(window_test, overlap_of_different_kinds_is_refused) {
    EXPECT_THROW((void)window::time(0, 10).overlap(window::session(0, 10)), std::invalid_argument);
    EXPECT_THROW((void)window::session(0, 10).overlap(window::time(0, 10)), std::invalid_argument);
}

TEST(window_test, equality_includes_kind) {
    EXPECT_EQ(window::time(0, 10), window::time(0, 10));
    EXPECT_NE(window::time(0, 10), window::time(0, 11));
    EXPECT_NE(window::time(0, 10), window::session(0, 10));
    EXPECT_LT(window::time(0, 10), window::time(1, 2));
    EXPECT_LT(window::time(0, 10), window::time(0, 11));
    EXPECT_EQ(window::time(0, 10).to_string(), "Window{startMs=0, endMs=10}");
}

TEST(windowed_test, to_string_is_kafkas) {
    EXPECT_EQ(to_string(windowed<std::string>{"alice", window::time(0, 60000)}), "[alice@0/60000]");
    EXPECT_EQ(to_string(windowed<int64_t>{42, window::session(5, 5)}), "[42@5/5]");
    EXPECT_EQ(to_string(windowed<bool>{true, window::time(1, 2)}), "[true@1/2]");
}

TEST(windowed_test, equality_and_order) {
    windowed<std::string> a{"a", window::time(0, 10)};
    windowed<std::string> a2{"a", window::time(5, 15)};
    windowed<std::string> b{"b", window::time(0, 10)};
    EXPECT_EQ(a, (windowed<std::string>{"a", window::time(0, 10)}));
    EXPECT_NE(a, a2);
    EXPECT_NE(a, b);
    EXPECT_LT(a, a2);
    EXPECT_LT(a2, b);  // key first, then window
    std::map<windowed<std::string>, int> m{{b, 1}, {a2, 2}, {a, 3}};
    EXPECT_EQ(m.begin()->first, a);
    std::unordered_set<windowed<std::string>> s{a, a2, b, a};
    EXPECT_EQ(s.size(), 3u);
}

}  // namespace
}  // namespace samsa::streams

#include "samsa/streams/windows.h"

namespace samsa::streams {
namespace {

std::vector<int64_t> starts(const std::map<int64_t, window>& ws) {
    std::vector<int64_t> out;
    for (const auto& [s, w] : ws) {
        EXPECT_EQ(w.start(), s);
        out.push_back(s);
    }
    return out;
}

TEST(time_windows_test, tumbling_windows_for) {
    auto w = time_windows::of_size_with_no_grace(10);
    EXPECT_EQ(w.size(), 10);
    EXPECT_EQ(w.advance(), 10);
    EXPECT_EQ(w.grace_period_ms(), 0);
    EXPECT_EQ(starts(w.windows_for(0)), (std::vector<int64_t>{0}));
    EXPECT_EQ(starts(w.windows_for(9)), (std::vector<int64_t>{0}));
    EXPECT_EQ(starts(w.windows_for(10)), (std::vector<int64_t>{10}));
    EXPECT_EQ(w.windows_for(25).at(20), window::time(20, 30));
}

TEST(time_windows_test, hopping_windows_for) {
    auto w = time_windows::of_size_and_grace(10, 3).advance_by(4);
    EXPECT_EQ(w.grace_period_ms(), 3);
    EXPECT_EQ(starts(w.windows_for(1)), (std::vector<int64_t>{0}));      // no negative starts
    EXPECT_EQ(starts(w.windows_for(9)), (std::vector<int64_t>{0, 4, 8}));
    EXPECT_EQ(starts(w.windows_for(10)), (std::vector<int64_t>{4, 8}));  // [0,10) ends before 10
    EXPECT_EQ(starts(w.windows_for(16)), (std::vector<int64_t>{8, 12, 16}));
}

TEST(time_windows_test, checks_as_kafka) {
    EXPECT_THROW(time_windows::of_size_with_no_grace(0), std::invalid_argument);
    EXPECT_THROW(time_windows::of_size_and_grace(10, -1), std::invalid_argument);
    EXPECT_THROW(time_windows::of_size_with_no_grace(10).advance_by(0), std::invalid_argument);
    EXPECT_THROW(time_windows::of_size_with_no_grace(10).advance_by(11), std::invalid_argument);
    EXPECT_NO_THROW(time_windows::of_size_with_no_grace(10).advance_by(10));
    EXPECT_EQ(time_windows::of_size_and_grace(std::chrono::minutes(5), std::chrono::seconds(30)).size(), 300'000);
}

TEST(sliding_and_session_windows_test, checks_as_kafka) {
    EXPECT_THROW(sliding_windows::of_time_difference_and_grace(-1, 0), std::invalid_argument);
    EXPECT_THROW(sliding_windows::of_time_difference_and_grace(1, -1), std::invalid_argument);
    auto s = sliding_windows::of_time_difference_and_grace(std::chrono::minutes(1), std::chrono::seconds(30));
    EXPECT_EQ(s.time_difference_ms(), 60'000);
    EXPECT_EQ(s.grace_period_ms(), 30'000);
    EXPECT_THROW(session_windows::of_inactivity_gap_with_no_grace(0), std::invalid_argument);
    EXPECT_THROW(session_windows::of_inactivity_gap_and_grace(5, -1), std::invalid_argument);
    auto g = session_windows::of_inactivity_gap_and_grace(5, 2);
    EXPECT_EQ(g.inactivity_gap(), 5);
    EXPECT_EQ(g.grace_period_ms(), 2);
    EXPECT_EQ(emit_strategy::on_window_close().kind(), emit_strategy::type::on_window_close);
}

}  // namespace
}  // namespace samsa::streams
