// Key-aware stream-stream joiners (Kafka's ValueJoinerWithKey overloads of
// KStream.join/leftJoin/outerJoin): the joiner gets the record's key first,
// also for the null-joined results of left/outer joins emitted when a window
// closes (the key read back from the outer store), and null for a null-key
// record of an outer side (as const std::optional<K>&).
#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

str keyed(const opt& k, const opt& a, const opt& b) {
    return k.value_or("null") + ":" + a.value_or("null") + "+" + b.value_or("null");
}

struct fixture {
    explicit fixture(topology t) : f(std::move(t)), l(f.input("left")), r(f.input("right")), out(f.output("out")) {}
    void left(opt k, opt v, int64_t ts) { pipe(l, std::move(k), std::move(v), ts); }
    void right(opt k, opt v, int64_t ts) { pipe(r, std::move(k), std::move(v), ts); }
    void pipe(testing::test_input_topic<str, str>& t, opt k, opt v, int64_t ts) {
        t.pipe_input(std::move(k), std::move(v), ts);
        f.driver.advance_wall_clock_time(std::chrono::milliseconds(1000));  // past the emit throttle
    }
    driver_fixture f;
    testing::test_input_topic<str, str> l, r;
    testing::test_output_topic<str, str> out;
};

const auto w = join_windows::of_time_difference_without_grace(10);

TEST(stream_stream_join_with_key, inner_join_takes_the_key_as_const_k) {
    streams_builder b;
    b.stream("left", strings())
        .join(b.stream("right", strings()),
              [](const str& k, const str& a, const str& c) { return k + ":" + a + "+" + c; }, w)
        .to("out");
    fixture j(b.build());
    j.left("A", "a", 0);
    j.right("A", "b", 5);
    j.right("B", "c", 5);
    j.left("B", "d", 20);  // c is 15 earlier: no match
    EXPECT_EQ(drain(j.out), (std::vector<kvt>{{"A", "A:a+b", 5}}));
}

TEST(stream_stream_join_with_key, left_join_sees_the_key_of_window_close_results) {
    streams_builder b;
    b.stream("left", strings())
        .left_join(b.stream("right", strings()),
                   [](const opt& k, const str& a, const opt& c) { return keyed(k, a, c); }, w)
        .to("out");
    fixture j(b.build());
    j.left("A", "a", 0);
    j.left(std::nullopt, "n", 1);  // null key: joined with null at once, key null
    j.left("B", "b", 3);
    j.right("B", "c", 4);
    j.left("Z", "z", 100);  // closes A's window: A joined with null, from the outer store
    EXPECT_EQ(drain(j.out), (std::vector<kvt>{{std::nullopt, "null:n+null", 1}, {"B", "B:b+c", 4}, {"A", "A:a+null", 0}}));
}

TEST(stream_stream_join_with_key, outer_join_passes_the_key_to_both_sides) {
    streams_builder b;
    b.stream("left", strings())
        .outer_join(b.stream("right", strings()),
                    [](const opt& k, const opt& a, const opt& c) { return keyed(k, a, c); }, w)
        .to("out");
    fixture j(b.build());
    j.right("R", "r", 0);
    j.left("L", "l", 1);
    j.right(std::nullopt, "n", 2);
    j.left("Z", "z", 100);
    EXPECT_EQ(drain(j.out),
              (std::vector<kvt>{{std::nullopt, "null:null+n", 2}, {"R", "R:null+r", 0}, {"L", "L:l+null", 1}}));
}

}  // namespace
}  // namespace samsa::streams::test
