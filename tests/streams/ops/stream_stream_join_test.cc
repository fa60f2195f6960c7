// Stream-stream joins through the test driver (caching off: join stores have
// no cache), with outputs worked out from Kafka Streams 3.8's
// KStreamKStreamJoin rules (cases after KStreamKStreamJoinTest,
// KStreamKStreamLeftJoinTest and KStreamKStreamOuterJoinTest):
//  - a record at t joins the other side's records of its key in
//    [t - before, t + after] (the right side sees the window mirrored); the
//    result has the larger timestamp;
//  - join stores keep records for before + after + grace after the store's
//    stream time, then never return them ("late" records find nothing);
//  - left/outer: an unmatched record waits in the shared outer store until
//    stream time passes its time + after (left) / + before (right) + grace,
//    then is joined with null, in (time, right before left, key) order; a
//    record whose window already ended is joined with null at once;
//  - null keys: joined with null at once on an outer side, else dropped.
// The wall clock advances one second after each record so that Kafka's
// one-second emit throttle never holds back a window-close emission (except
// in the test of the throttle itself).
#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "driver_fixture.h"

namespace samsa::streams::test {
namespace {

enum class kind { inner, left, outer };

// left/right inputs, "out" output; joiner a+"+"+b with null as "null".
struct join_fixture {
    // advance_clock false: the test of the throttle, which configures it
    // (Kafka's TopologyTestDriver does not throttle by default).
    join_fixture(kind k, join_windows w, bool advance_clock = true)
        : f(advance_clock ? driver_fixture(build(k, w)) : driver_fixture(build(k, w), throttled_emits())),
          l(f.input("left")),
          r(f.input("right")),
          out(f.output("out")),
          advance_(advance_clock) {}

    static topology build(kind k, const join_windows& w) {
        streams_builder b;
        auto left = b.stream("left", strings());
        auto right = b.stream("right", strings());
        kstream<str, str> joined =
            k == kind::inner   ? left.join(right, [](const str& a, const str& c) { return a + "+" + c; }, w)
            : k == kind::left  ? left.left_join(right, [](const str& a, const opt& c) { return tostring_join(a, c); }, w)
                               : left.outer_join(right, [](const opt& a, const opt& c) { return tostring_join(a, c); }, w);
        joined.to("out");
        return b.build();
    }
    void left(opt k, opt v, int64_t ts) { pipe(l, std::move(k), std::move(v), ts); }
    void right(opt k, opt v, int64_t ts) { pipe(r, std::move(k), std::move(v), ts); }
    void pipe(testing::test_input_topic<str, str>& t, opt k, opt v, int64_t ts) {
        t.pipe_input(std::move(k), std::move(v), ts);
        if (advance_) f.driver.advance_wall_clock_time(std::chrono::milliseconds(1000));
    }
    std::vector<kvt> read() { return drain(out); }

    driver_fixture f;
    testing::test_input_topic<str, str> l;
    testing::test_input_topic<str, str> r;
    testing::test_output_topic<str, str> out;
    bool advance_;
};

TEST(join_windows, checks_and_accessors_follow_kafka) {
    auto w = join_windows::of_time_difference_and_grace(10, 5);
    EXPECT_EQ(w.before_ms(), 10);
    EXPECT_EQ(w.after_ms(), 10);
    EXPECT_EQ(w.size(), 20);
    EXPECT_EQ(w.grace_period_ms(), 5);
    EXPECT_EQ(w.before(-5).size(), 5) << "a negative side is allowed while before + after >= 0";
    EXPECT_THROW(w.before(-11), std::invalid_argument);
    EXPECT_THROW(join_windows::of_time_difference_and_grace(-1, 0), std::invalid_argument);
    EXPECT_THROW(join_windows::of_time_difference_and_grace(1, -1), std::invalid_argument);
    EXPECT_EQ(join_windows::of_time_difference_without_grace(7).grace_period_ms(), 0);
}

TEST(stream_stream_join, inner_join_within_time_difference) {
    join_fixture j(kind::inner, join_windows::of_time_difference_without_grace(100));
    j.left("A", "a0", 0);
    j.right("A", "b0", 50);
    j.right("A", "b1", 100);  // exactly 100 later: still inside
    j.right("A", "b2", 101);  // outside
    j.right("B", "b3", 60);   // other key
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a0+b0", 50}, {"A", "a0+b1", 100}}));
    j.left("A", "a1", 150);  // joins b0 (50), b1, b2; timestamps are the larger
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a1+b0", 150}, {"A", "a1+b1", 150}, {"A", "a1+b2", 150}}));
    j.left("B", "a2", 0);  // out of order: joins b3 at 60
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"B", "a2+b3", 60}}));
}

TEST(stream_stream_join, duplicates_are_kept_and_each_joins) {
    join_fixture j(kind::inner, join_windows::of_time_difference_without_grace(10));
    j.left("K", "x", 1000);
    j.left("K", "y", 1000);  // same key and time: kept as a second record
    j.left("K", "x", 1000);
    j.right("K", "z", 1005);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"K", "x+z", 1005}, {"K", "y+z", 1005}, {"K", "x+z", 1005}}));
    j.right("K", "w", 995);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"K", "x+w", 1000}, {"K", "y+w", 1000}, {"K", "x+w", 1000}}));
}

TEST(stream_stream_join, before_and_after_are_asymmetric) {
    // Left at t joins right in [t, t + 100]; right at t joins left in [t - 100, t].
    join_fixture j(kind::inner, join_windows::of_time_difference_and_grace(0, 1000).after(100));
    j.left("K", "L1", 1000);
    j.right("K", "R1", 999);
    j.right("K", "R2", 1000);
    j.right("K", "R3", 1100);
    j.right("K", "R4", 1101);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"K", "L1+R2", 1000}, {"K", "L1+R3", 1100}}));
    j.left("K", "L2", 1001);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"K", "L2+R3", 1100}, {"K", "L2+R4", 1101}}));

    join_fixture b(kind::inner, join_windows::of_time_difference_and_grace(0, 1000).before(100));
    b.left("K", "L1", 1000);
    b.right("K", "R1", 899);
    b.right("K", "R2", 900);
    b.right("K", "R3", 1000);
    b.right("K", "R4", 1001);
    EXPECT_EQ(b.read(), (std::vector<kvt>{{"K", "L1+R2", 1000}, {"K", "L1+R3", 1000}}));
}

TEST(stream_stream_join, null_keys_and_values_are_dropped_by_an_inner_join) {
    join_fixture j(kind::inner, join_windows::of_time_difference_without_grace(10));
    j.left(std::nullopt, "a", 0);
    j.right(std::nullopt, "b", 0);
    j.left("A", std::nullopt, 0);
    j.right("A", "c", 0);
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    EXPECT_EQ(j.f.driver.dropped_records(), 3);
}

TEST(stream_stream_join, grace_keeps_records_joinable_until_the_store_drops_them) {
    // Retention = before + after + grace = 25: a record stays joinable while
    // its time > store stream time - 25.
    for (int64_t pushed : {124, 125}) {
        join_fixture j(kind::inner, join_windows::of_time_difference_and_grace(10, 5));
        j.left("A", "a1", 100);
        j.left("X", "x", pushed);  // the left store's stream time
        j.right("A", "late", 95);
        if (pushed == 124) {
            EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a1+late", 100}}));
        } else {
            EXPECT_EQ(j.read(), std::vector<kvt>{}) << "a1 expired from the left store";
        }
    }
}

TEST(stream_stream_join, left_join_emits_unmatched_records_when_their_window_closes) {
    join_fixture j(kind::left, join_windows::of_time_difference_without_grace(10));
    j.left("A", "a1", 0);
    j.left("B", "b1", 5);
    EXPECT_EQ(j.read(), std::vector<kvt>{}) << "no spurious a1+null";
    j.right("A", "x", 8);  // matches a1, which leaves the outer store
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a1+x", 8}}));
    j.left("C", "c1", 11);  // b1's window [.., 15] still open
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    j.left("D", "d1", 16);  // closes b1 only
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"B", "b1+null", 5}}));
    j.right("C", "y", 30);  // closes c1 and d1, in time order, at their own times
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"C", "c1+null", 11}, {"D", "d1+null", 16}}));
    j.left("E", "e", 5);  // its window ended long ago: joined with null at once
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"E", "e+null", 5}}));
    j.right("F", "r", 40);  // the right side is not outer
    j.right("F", "r", 100);
    EXPECT_EQ(j.read(), std::vector<kvt>{});
}

TEST(stream_stream_join, left_join_unmatched_then_matched_never_joins_with_null) {
    join_fixture j(kind::left, join_windows::of_time_difference_and_grace(10, 5));
    j.left("A", "a", 0);
    j.left("A", "a2", 0);  // two values under one outer-store key
    j.right("A", "b", 12);  // outside [0 - 10, 0 + 10]: no match
    j.right("A", "c", 10);  // matches both and removes them
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a+c", 10}, {"A", "a2+c", 10}}));
    j.left("Z", "z", 100);
    EXPECT_EQ(j.read(), std::vector<kvt>{});
}

TEST(stream_stream_join, grace_delays_the_null_join) {
    join_fixture j(kind::left, join_windows::of_time_difference_and_grace(10, 5));
    j.left("A", "a", 0);
    j.left("B", "b", 15);  // 0 + 10 + 5 >= 15: a's window is still in its grace
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    j.right("A", "late-but-in-grace", 10);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a+late-but-in-grace", 10}}));
    j.left("C", "c", 16);
    j.left("D", "d", 31);  // b (15 + 15 < 31) closes; c (16 + 15) does not
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"B", "b+null", 15}}));
}

TEST(stream_stream_join, outer_join_emits_both_sides_in_time_then_right_before_left_order) {
    join_fixture j(kind::outer, join_windows::of_time_difference_without_grace(10));
    j.left("A", "a", 0);
    j.right("B", "b", 0);
    j.left("C", "c", 3);
    j.right("A", "a'", 2);  // matches a
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a+a'", 2}}));
    j.left("Z", "z", 100);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"B", "null+b", 0}, {"C", "c+null", 3}}));
    j.right("Y", "y", 115);  // z closes at 110; y's own window is open
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"Z", "z+null", 100}}));
}

TEST(stream_stream_join, outer_side_joins_null_keys_at_once) {
    join_fixture j(kind::outer, join_windows::of_time_difference_without_grace(10));
    j.left(std::nullopt, "a", 7);
    j.right(std::nullopt, "b", 3);
    j.left(std::nullopt, std::nullopt, 3);  // null value too: dropped
    EXPECT_EQ(j.read(), (std::vector<kvt>{{std::nullopt, "a+null", 7}, {std::nullopt, "null+b", 3}}));
    EXPECT_EQ(j.f.driver.dropped_records(), 1);

    join_fixture l(kind::left, join_windows::of_time_difference_without_grace(10));
    l.left(std::nullopt, "a", 7);
    l.right(std::nullopt, "b", 3);  // the right side of a left join is not outer
    l.left("A", std::nullopt, 3);
    EXPECT_EQ(l.read(), (std::vector<kvt>{{std::nullopt, "a+null", 7}}));
    EXPECT_EQ(l.f.driver.dropped_records(), 2);
}

TEST(stream_stream_join, rekeyed_sides_are_repartitioned_and_null_keys_reach_a_left_join) {
    streams_builder b;
    auto left = b.stream("left", strings()).select_key([](const str&, const str& v) -> opt {
        if (v == "none") return std::nullopt;
        return v.substr(0, 1);
    });
    auto right = b.stream("right", strings()).select_key([](const str&, const str& v) { return v.substr(0, 1); });
    left.left_join(right, [](const str& a, const opt& c) { return tostring_join(a, c); },
                   join_windows::of_time_difference_without_grace(10),
                   stream_joined<str, str, str>::with(serdes::string(), serdes::string(), serdes::string())
                       .with_name("j"))
        .to("out");
    driver_fixture f(b.build());
    auto l = f.input("left");
    auto r = f.input("right");
    auto out = f.output("out");
    l.pipe_input("x", "a1", 0);
    r.pipe_input("y", "a2", 5);
    l.pipe_input("z", "none", 7);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"a", "a1+a2", 5}, {std::nullopt, "none+null", 7}}));
    // KIP-962: the null-key record went through the repartition topic too.
    EXPECT_EQ(f.output("test-app-j-left-repartition").get_queue_size(), 2u);
    EXPECT_EQ(f.output("test-app-j-right-repartition").get_queue_size(), 1u);
}

TEST(stream_stream_join, window_close_emission_is_throttled_by_wall_clock) {
    // Kafka emits closed windows at most once per second of wall-clock time.
    // The first look (the first record) arms the throttle for a second.
    join_fixture j(kind::left, join_windows::of_time_difference_without_grace(10), false);
    j.left("A", "a", 0);
    j.left("B", "b", 50);  // a has closed, but less than a second has passed
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    j.f.driver.advance_wall_clock_time(std::chrono::milliseconds(1000));
    j.left("C", "c", 100);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"A", "a+null", 0}, {"B", "b+null", 50}}));
    j.left("D", "d", 200);  // c has closed: throttled again
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    j.f.driver.advance_wall_clock_time(std::chrono::milliseconds(999));
    j.left("E", "e", 300);
    EXPECT_EQ(j.read(), std::vector<kvt>{});
    j.f.driver.advance_wall_clock_time(std::chrono::milliseconds(1));
    j.left("F", "f", 400);
    EXPECT_EQ(j.read(), (std::vector<kvt>{{"C", "c+null", 100}, {"D", "d+null", 200}, {"E", "e+null", 300}}));
}

TEST(stream_stream_join, outer_join_emit_interval_is_kafkas_internal_config) {
    // __emit.interval.ms.kstreams.outer.join.spurious.results.fix__ = 0:
    // every record at stream time looks for closed windows, with no
    // wall-clock time passing (the test above, with the default, waits).
    const std::string key = "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__";
    auto topo = [] { return join_fixture::build(kind::left, join_windows::of_time_difference_without_grace(10)); };
    testing::topology_test_driver driver(topo(), {{"application.id", "test-app"}, {key, "0"}});
    auto left = driver.create_input_topic("left", serdes::string(), serdes::string());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::string());
    left.pipe_input("A", "a", 0);
    left.pipe_input("B", "b", 50);  // a has closed
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"A", "a+null", 0}}));
    left.pipe_input("C", "c", 100);
    EXPECT_EQ(drain(out), (std::vector<kvt>{{"B", "b+null", 50}}));
    EXPECT_THROW(testing::topology_test_driver(topo(), {{"application.id", "test-app"}, {key, "-1"}}),
                 std::invalid_argument);
}

// ---- randomized: the driver against a brute-force model of Kafka's rules ----

struct model_record {
    str key;
    str value;
    int64_t ts;
};

// Kafka 3.8's stream-stream join written with plain vectors: per side the
// records put so far (in put order) and the store's stream time; the outer
// store as a sorted map; the shared time tracker.
class join_model {
public:
    join_model(kind k, int64_t before, int64_t after, int64_t grace)
        : kind_(k), before_(before), after_(after), grace_(grace), retention_(before + after + grace) {}

    std::vector<kvt> process(bool left, const opt& key, const opt& value, int64_t ts) {
        std::vector<kvt> out;
        join(left, key, value, ts, out);
        if (key && value) {  // the WINDOWED processor puts after forwarding
            auto& s = side(left);
            s.records.push_back({*key, *value, ts});
            s.stream_time = std::max(s.stream_time, ts);
        }
        return out;
    }

private:
    struct side_state {
        std::vector<model_record> records;
        int64_t stream_time = -1;
    };
    side_state& side(bool left) { return left ? left_ : right_; }
    bool is_outer(bool left) const { return kind_ == kind::outer || (kind_ == kind::left && left); }
    bool has_outer_store() const { return kind_ != kind::inner; }
    str result(bool left, const opt& mine, const opt& theirs) const {
        return left ? tostring_join(mine, theirs) : tostring_join(theirs, mine);
    }

    void join(bool left, const opt& key, const opt& value, int64_t ts, std::vector<kvt>& out) {
        stream_time_ = std::max(stream_time_, ts);
        if (is_outer(left) && !key && value) {
            out.push_back({std::nullopt, result(left, value, std::nullopt), ts});
            return;
        }
        if (!key || !value) return;
        const int64_t my_before = left ? before_ : after_;
        const int64_t my_after = left ? after_ : before_;
        if (has_outer_store() && ts == stream_time_) emit_closed(my_after, out);
        const int64_t from = std::max<int64_t>(0, ts - my_before);
        const int64_t to = std::max<int64_t>(0, ts + my_after);
        // The other store's live records of the key in [from, to], by time then put order.
        const auto& other = side(!left);
        std::vector<const model_record*> matches;
        for (const auto& r : other.records) {
            if (r.key == *key && r.ts >= from && r.ts <= to && r.ts > other.stream_time - retention_) {
                matches.push_back(&r);
            }
        }
        std::stable_sort(matches.begin(), matches.end(), [](auto* a, auto* b) { return a->ts < b->ts; });
        for (const auto* m : matches) {
            if (has_outer_store()) outer_.erase({m->ts, !left, m->key});
            out.push_back({*key, result(left, value, m->value), std::max(ts, m->ts)});
        }
        if (!is_outer(left) || !matches.empty()) return;
        if (!has_outer_store() || to < stream_time_) {
            out.push_back({*key, result(left, value, std::nullopt), ts});
        } else {
            min_time_ = std::min(min_time_, ts);
            outer_[{ts, left, *key}].push_back(*value);
        }
    }

    void emit_closed(int64_t my_after, std::vector<kvt>& out) {
        constexpr int64_t unset = std::numeric_limits<int64_t>::max();
        // Java's long arithmetic: an unset min time wraps around.
        if (static_cast<int64_t>(static_cast<uint64_t>(min_time_) + static_cast<uint64_t>(my_after + grace_)) >=
            stream_time_) {
            return;
        }
        min_time_ = unset;
        std::vector<std::tuple<int64_t, bool, str>> closed;
        bool left_open = false, right_open = false;
        for (const auto& [k, values] : outer_) {
            const auto& [ts, left, key] = k;
            min_time_ = ts;
            if (left_open && right_open) break;
            if (ts + (left ? after_ : before_) + grace_ >= stream_time_) {
                (left ? left_open : right_open) = true;
                continue;
            }
            for (const auto& v : values) out.push_back({key, left ? tostring_join(v, std::nullopt) : tostring_join(std::nullopt, v), ts});
            closed.push_back(k);
        }
        for (const auto& k : closed) outer_.erase(k);
    }

    // Kafka's key order: time, then the side byte (right = 0 before left = 1), then key bytes.
    struct outer_less {
        bool operator()(const std::tuple<int64_t, bool, str>& a, const std::tuple<int64_t, bool, str>& b) const {
            return a < b;
        }
    };

    kind kind_;
    int64_t before_, after_, grace_, retention_;
    side_state left_, right_;
    int64_t stream_time_ = -1;
    int64_t min_time_ = std::numeric_limits<int64_t>::max();
    std::map<std::tuple<int64_t, bool, str>, std::vector<str>, outer_less> outer_;
};

void run_random(kind k, int64_t before, int64_t after, int64_t grace, uint32_t seed) {
    SCOPED_TRACE("kind " + std::to_string(static_cast<int>(k)) + " before " + std::to_string(before) + " after " +
                 std::to_string(after) + " grace " + std::to_string(grace) + " seed " + std::to_string(seed));
    join_fixture j(k, join_windows::of_time_difference_and_grace(0, grace).before(before).after(after));
    join_model model(k, before, after, grace);
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    int64_t time = 0;
    for (int i = 0; i < 300; ++i) {
        const bool left = pick(2) == 0;
        time += pick(8);
        const int64_t ts = std::max<int64_t>(0, time - pick(4) * pick(10));  // out of order, sometimes late
        opt key = pick(25) == 0 ? std::nullopt : opt(std::string(1, static_cast<char>('A' + pick(4))));
        opt value = pick(25) == 0 ? std::nullopt : opt((left ? "l" : "r") + std::to_string(i));
        std::vector<kvt> expected = model.process(left, key, value, ts);
        j.pipe(left ? j.l : j.r, key, value, ts);
        ASSERT_EQ(j.read(), expected) << "record " << i << (left ? " left " : " right ") << key.value_or("null")
                                      << " " << value.value_or("null") << " @" << ts;
    }
}

TEST(stream_stream_join, random_records_match_a_model_of_kafkas_rules) {
    for (uint32_t seed = 1; seed <= 4; ++seed) {
        for (kind k : {kind::inner, kind::left, kind::outer}) {
            run_random(k, 10, 10, 0, seed);
            run_random(k, 5, 20, 7, seed);
            run_random(k, 0, 15, 3, seed);
            run_random(k, 12, 0, 0, seed);
        }
    }
}

}  // namespace
}  // namespace samsa::streams::test
