// Window and session stores: Kafka's binary key formats, the typed queries,
// retention (segments dropped as stream time passes, expired records never
// read), the changelog (keys as Kafka's WindowKeySchema, values and
// timestamps as the timestamped layer writes them, windowed topic configs)
// and restoration from it; in-memory and RocksDB segments alike.

#include <gtest/gtest.h>

#include <filesystem>

#include "recording_changelog_sink.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/serdes/windowed.h"
#include "samsa/streams/state/segmented_bytes_store.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/state/window_store.h"
#include "samsa/streams/state/wrapping_key_value_store.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using testing::changelog_record;
using testing::recording_changelog_sink;

bytes b(std::string_view s) { return to_bytes(s); }
bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
bytes be64(int64_t v) {
    bytes out(8);
    for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<uint8_t>(v & 0xff);
    return out;
}

TEST(window_key_schema_test, formats_are_kafkas) {
    EXPECT_EQ(window_key_schema::to_binary(b("a"), 60000), cat({b("a"), be64(60000)}));
    EXPECT_EQ(window_key_schema::to_store_key(b("ab"), 5, 2), cat({b("ab"), be64(5), bytes{0, 0, 0, 2}}));
    bytes k = window_key_schema::to_store_key(b("ab"), 5, 2);
    EXPECT_EQ(window_key_schema::store_key_timestamp(k), 5);
    EXPECT_EQ(window_key_schema::store_key_seqnum(k), 2);
    EXPECT_EQ(bytes(window_key_schema::store_key_bytes(k).begin(), window_key_schema::store_key_bytes(k).end()), b("ab"));
    EXPECT_EQ(session_key_schema::to_binary(b("a"), 5, 9), cat({b("a"), be64(9), be64(5)}));
    EXPECT_THROW(window_key_schema::store_key_timestamp(b("short")), serde_error);
}

TEST(windowed_serde_test, time_windowed_writes_key_and_start_and_reads_end_from_size) {
    auto s = serdes::time_windowed<std::string>(serdes::string(), 300);
    windowed<std::string> w("k", window::time(600, 900));
    EXPECT_EQ(s.serialize("t", w), cat({b("k"), be64(600)}));
    EXPECT_EQ(s.deserialize("t", cat({b("k"), be64(600)})), w);
    auto huge = s.deserialize("t", cat({b("k"), be64(std::numeric_limits<int64_t>::max() - 10)}));
    EXPECT_EQ(huge.window().end(), std::numeric_limits<int64_t>::max());  // saturates, as Kafka
}

TEST(windowed_serde_test, session_windowed_writes_end_before_start) {
    auto s = serdes::session_windowed<int64_t>(serdes::int64());
    windowed<int64_t> w(7, window::session(5, 9));
    bytes expected = cat({be64(7), be64(9), be64(5)});
    EXPECT_EQ(s.serialize("t", w), expected);
    EXPECT_EQ(s.deserialize("t", expected), w);
}

struct store_kind {
    bool persistent;
};

class window_store_test : public ::testing::TestWithParam<store_kind> {
protected:
    static constexpr int64_t retention = 200'000;  // segments of 100 000 ms
    static constexpr int64_t size = 10'000;

    store_builder builder() {
        auto supplier = GetParam().persistent ? stores::persistent_timestamped_window_store("w", retention, size)
                                              : stores::in_memory_window_store("w", retention, size);
        return stores::timestamped_window_store_builder(std::move(supplier));
    }
    std::unique_ptr<key_value_bytes_store> open(const store_builder& sb) {
        auto stack = sb.build();
        store_context c;
        c.application_id = "app";
        c.task_dir = dir_.path();
        c.partition = 1;
        c.changelog = &sink_;
        c.records = &records_;
        EXPECT_TRUE(stack->init(c).has_value());
        return stack;
    }
    timestamped_window_store<std::string, int64_t> typed(key_value_bytes_store& s) {
        return {s, serdes::string(), serdes::int64(), "app-w-changelog", size};
    }
    static segmented_bytes_store& inner(key_value_bytes_store& top) {
        key_value_bytes_store* s = &top;
        while (auto* w = dynamic_cast<wrapping_key_value_store*>(s)) s = &w->inner();
        return dynamic_cast<segmented_bytes_store&>(*s);
    }

    test_support::temp_dir dir_;
    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(0);
};

using vt = value_and_timestamp<int64_t>;

TEST_P(window_store_test, fetches_by_key_and_window_start) {
    auto stack = open(builder());
    auto w = typed(*stack);
    w.put("a", vt{1, 1}, 0);
    w.put("a", vt{2, 12}, 10'000);
    w.put("b", vt{3, 5}, 0);
    w.put("ab", vt{4, 5}, 0);  // shares "a"'s prefix: never returned for "a"
    EXPECT_EQ(w.fetch("a", 0), (vt{1, 1}));
    EXPECT_EQ(w.fetch("a", 5), std::nullopt);
    auto a = w.fetch("a", 0, 10'000);
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].key, 0);
    EXPECT_EQ(a[1].key, 10'000);
    EXPECT_EQ(a[1].value, (vt{2, 12}));
    EXPECT_EQ(w.fetch("a", 1, 10'000).size(), 1u);
    EXPECT_TRUE(w.fetch("a", 10, 5).empty());
    auto range = w.fetch("a", "ab", 0, 0);
    ASSERT_EQ(range.size(), 2u);
    EXPECT_EQ(range[0].key, (windowed<std::string>("a", window::time(0, 10'000))));
    EXPECT_EQ(range[1].key, (windowed<std::string>("ab", window::time(0, 10'000))));
    auto all = w.fetch_all(0, 0);
    EXPECT_EQ(all.size(), 3u);
    auto ordered = w.fetch_all_time_ordered(0, 10'000);
    ASSERT_EQ(ordered.size(), 4u);
    EXPECT_EQ(ordered[0].key.key(), "a");
    EXPECT_EQ(ordered[1].key.key(), "ab");
    EXPECT_EQ(ordered[2].key.key(), "b");
    EXPECT_EQ(ordered[3].key, (windowed<std::string>("a", window::time(10'000, 20'000))));
    w.put("a", std::nullopt, 0);
    EXPECT_EQ(w.fetch("a", 0), std::nullopt);
    EXPECT_EQ(w.all().size(), 3u);
}

TEST_P(window_store_test, drops_segments_as_stream_time_passes_retention) {
    auto stack = open(builder());
    auto w = typed(*stack);
    auto& seg = inner(*stack);
    EXPECT_EQ(seg.config().segment_interval_ms, 100'000);
    w.put("a", vt{1, 0}, 0);
    w.put("a", vt{2, 0}, 150'000);
    EXPECT_EQ(seg.segment_ids(), (std::vector<int64_t>{0, 1}));
    // Stream time 200 000: records at time <= 0 are expired; segment 0 stays
    // (it still holds live times) but its expired record is not read.
    w.put("b", vt{3, 0}, 200'000);
    EXPECT_EQ(seg.segment_ids(), (std::vector<int64_t>{0, 1, 2}));
    EXPECT_EQ(w.fetch("a", 0), std::nullopt);
    EXPECT_EQ(w.fetch("a", 0, 300'000).size(), 1u);
    // Stream time 300 000: segment 0 ends before the oldest live time.
    w.put("b", vt{4, 0}, 300'000);
    EXPECT_EQ(seg.segment_ids(), (std::vector<int64_t>{1, 2, 3}));
    // A put into an expired segment is dropped.
    w.put("c", vt{5, 0}, 50'000);
    EXPECT_EQ(w.fetch("c", 50'000), std::nullopt);
    EXPECT_EQ(seg.segment_ids(), (std::vector<int64_t>{1, 2, 3}));
    if (GetParam().persistent) {
        EXPECT_FALSE(std::filesystem::exists(dir_.path() / "w" / "rocksdb" / "w.0"));
        EXPECT_TRUE(std::filesystem::exists(dir_.path() / "w" / "rocksdb" / "w.100000"));
    }
}

TEST_P(window_store_test, logs_kafkas_window_keys_and_restores_from_them) {
    auto sb = builder();
    auto cfg = sb.logging_config();
    EXPECT_EQ(cfg.at("cleanup.policy"), "compact,delete");
    EXPECT_EQ(cfg.at("retention.ms"), std::to_string(retention + 86'400'000));
    {
        auto stack = open(sb);
        auto w = typed(*stack);
        records_.set_time(99);
        w.put("a", vt{7, 42}, 10'000);
        w.put("a", std::nullopt, 0);
        stack->close();
    }
    ASSERT_EQ(sink_.records.size(), 2u);
    EXPECT_EQ(sink_.records[0], (changelog_record{"app-w-changelog", 1, cat({b("a"), be64(10'000), bytes{0, 0, 0, 0}}),
                                                  be64(7), 42}));
    EXPECT_EQ(sink_.records[1], (changelog_record{"app-w-changelog", 1, cat({b("a"), be64(0), bytes{0, 0, 0, 0}}),
                                                  std::nullopt, 99}));
    // A fresh store (another directory) rebuilt from the changelog.
    test_support::temp_dir other;
    auto stack = sb.build();
    store_context c;
    c.application_id = "app";
    c.task_dir = other.path();
    c.changelog = &sink_;
    ASSERT_TRUE(stack->init(c).has_value());
    size_t logged = sink_.records.size();
    for (const auto& r : std::vector<changelog_record>(sink_.records)) {
        stack->restore(r.key, r.value ? std::optional<bytes_view>(*r.value) : std::nullopt, r.timestamp);
    }
    EXPECT_EQ(sink_.records.size(), logged);  // restoring logs nothing
    auto w = typed(*stack);
    EXPECT_EQ(w.fetch("a", 10'000), (vt{7, 42}));
    EXPECT_EQ(w.fetch("a", 0), std::nullopt);
}

TEST_P(window_store_test, persistent_segments_survive_a_reopen) {
    if (!GetParam().persistent) GTEST_SKIP() << "in-memory stores restart empty";
    auto sb = builder();
    {
        auto stack = open(sb);
        typed(*stack).put("a", vt{1, 3}, 120'000);
        stack->flush();
        stack->close();
    }
    auto stack = open(sb);
    EXPECT_EQ(inner(*stack).segment_ids(), (std::vector<int64_t>{1}));
    EXPECT_EQ(typed(*stack).fetch("a", 120'000), (vt{1, 3}));
}

INSTANTIATE_TEST_SUITE_P(stores, window_store_test, ::testing::Values(store_kind{false}, store_kind{true}),
                         [](const auto& info) { return info.param.persistent ? "rocksdb" : "in_memory"; });

class session_store_test : public ::testing::TestWithParam<store_kind> {
protected:
    std::unique_ptr<key_value_bytes_store> open(int64_t retention) {
        auto supplier = GetParam().persistent ? stores::persistent_session_store("s", retention)
                                              : stores::in_memory_session_store("s", retention);
        auto stack = stores::session_store_builder(std::move(supplier)).build();
        store_context c;
        c.application_id = "app";
        c.task_dir = dir_.path();
        c.changelog = &sink_;
        c.records = &records_;
        EXPECT_TRUE(stack->init(c).has_value());
        return stack;
    }
    test_support::temp_dir dir_;
    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(7);
};

windowed<std::string> session(std::string k, int64_t start, int64_t end) {
    return windowed<std::string>(std::move(k), window::session(start, end));
}

TEST_P(session_store_test, finds_sessions_overlapping_a_range) {
    auto stack = open(1'000'000);
    session_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(), "app-s-changelog");
    s.put(session("a", 0, 10), "x");
    s.put(session("a", 20, 30), "y");
    s.put(session("a", 100, 100), "z");
    s.put(session("b", 0, 50), "w");
    auto found = s.find_sessions("a", 10, 25);  // end >= 10 and start <= 25
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].key, session("a", 0, 10));
    EXPECT_EQ(found[1].key, session("a", 20, 30));
    EXPECT_EQ(found[1].value, "y");
    EXPECT_EQ(s.find_sessions("a", 31, 99).size(), 0u);
    EXPECT_EQ(s.fetch("a").size(), 3u);
    EXPECT_EQ(s.fetch("a", "b").size(), 4u);
    EXPECT_EQ(s.fetch_session("a", 20, 30), "y");
    s.remove(session("a", 20, 30));
    EXPECT_EQ(s.fetch_session("a", 20, 30), std::nullopt);
    // The changelog: key | end | start, plain values at the record's time.
    EXPECT_EQ(sink_.records.front(),
              (changelog_record{"app-s-changelog", 0, cat({b("a"), be64(10), be64(0)}), b("x"), 7}));
    EXPECT_EQ(sink_.records.back().value, std::nullopt);
}

TEST_P(session_store_test, sessions_expire_by_end_time) {
    auto stack = open(100);  // segments of 60 000 ms, records expire 100 ms after their end
    session_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(), "t");
    s.put(session("a", 0, 10), "x");
    s.put(session("a", 0, 110), "y");
    EXPECT_EQ(s.fetch("a").size(), 1u);  // [0,10] ended at 10 <= 110 - 100
    EXPECT_EQ(s.fetch_session("a", 0, 10), std::nullopt);
    s.put(session("a", 0, 5), "late");  // same segment, still written, never read
    EXPECT_EQ(s.fetch_session("a", 0, 5), std::nullopt);
}

// Emit-on-window-close reads sessions by end past retention, while their
// segment is kept (Kafka's fetchSessions reads whole segments): with the
// default retention of gap + grace, every closed session is already expired.
TEST_P(session_store_test, finds_sessions_ending_between_past_retention_in_kept_segments) {
    auto stack = open(100);  // segments of 60 000 ms
    session_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(), "t");
    s.put(session("b", 3, 3), "b1");
    s.put(session("a", 1, 4), "a1");
    s.put(session("a", 0, 4), "a0");
    s.put(session("a", 12, 110), "y");
    EXPECT_EQ(s.fetch("a").size(), 1u);  // the ones ending at 3 and 4 are past retention
    auto closed = s.find_sessions_ending_between(0, 9);
    ASSERT_EQ(closed.size(), 3u);  // by end, key, start
    EXPECT_EQ(closed[0].key, session("b", 3, 3));
    EXPECT_EQ(closed[1].key, session("a", 0, 4));
    EXPECT_EQ(closed[2].key, session("a", 1, 4));
    EXPECT_EQ(closed[2].value, "a1");
    EXPECT_TRUE(s.find_sessions_ending_between(5, 109).empty());
    s.put(session("a", 60'000, 60'200), "z");  // segment 0 is dropped now
    EXPECT_TRUE(s.find_sessions_ending_between(0, 9).empty());
}

INSTANTIATE_TEST_SUITE_P(stores, session_store_test, ::testing::Values(store_kind{false}, store_kind{true}),
                         [](const auto& info) { return info.param.persistent ? "rocksdb" : "in_memory"; });

TEST(window_stores_factory_test, refuses_retention_below_window_size) {
    EXPECT_THROW(stores::persistent_window_store("w", 10, 20), std::invalid_argument);
    EXPECT_THROW(stores::in_memory_window_store("w", -1, 0), std::invalid_argument);
    // Duplicate-keeping suppliers are for stream-stream join stores only.
    EXPECT_THROW(stores::window_store_builder(stores::in_memory_window_store("w", 10, 5, true)), std::invalid_argument);
    EXPECT_EQ(stores::persistent_session_store("s", 5).retention_ms(), 5);
}

}  // namespace
}  // namespace samsa::streams
