// window and windowed<K> follow Kafka's Window/TimeWindow/SessionWindow and
// Windowed<K>: bounds checks, overlap rules per kind, equality, to-string.

#include "samsa/streams/windowed.h"

#include <map>
#include <stdexcept>
#include <string>
#include <unordered_set>

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
