// Record caches over window and session stores (Kafka's CachingWindowStore
// and CachingSessionStore): writes stay in the cache, reads merge the cache
// over the segmented store in the store's order (segment, then bytes), a
// flush writes and forwards the last value per window key, with the old one
// from below when asked, and evictions write down the eldest window first.

#include <gtest/gtest.h>

#include "caching_store_setup.h"
#include "recording_changelog_sink.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/state/window_store.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {
namespace {

using testing::recording_changelog_sink;

std::string text(bytes_view x) { return std::string(as_chars(x)); }

struct flushed {
    std::string key;
    int64_t start;
    std::optional<std::string> new_value;
    std::optional<std::string> old_value;
    int64_t timestamp;
    bool operator==(const flushed&) const = default;
};

// Windows of 10 ms kept 200 000 ms: segments of 100 000 ms.
constexpr int64_t size = 10;
constexpr int64_t retention = 200'000;
constexpr int64_t segment = 100'000;

class caching_window_store_test : public ::testing::Test {
protected:
    void open(bool send_old_values, int64_t max_bytes = 1 << 20) {
        auto built = stores::window_store_builder(stores::in_memory_window_store("w", retention, size))
                         .with_logging_enabled({})
                         .with_caching_enabled()
                         .build();
        stack_ = std::move(built);
        testing::open_caching_store(
            *stack_, sink_, records_, max_bytes,
            [this](bytes_view key, std::optional<bytes_view> nv, std::optional<bytes_view> ov,
                   const record_context& c) {
                flushed_.push_back({text(window_key_schema::store_key_bytes(key)),
                                    window_key_schema::store_key_timestamp(key), nv ? std::optional(text(*nv)) : std::nullopt,
                                    ov ? std::optional(text(*ov)) : std::nullopt, c.timestamp});
            },
            send_old_values);
        if (::testing::Test::HasFatalFailure()) return;
        facade_.emplace(*stack_, serdes::string(), serdes::string(), "app-w-changelog", size);
    }
    // The segmented store under the caching and logging layers.
    key_value_bytes_store& below() {
        auto& caching = dynamic_cast<wrapping_key_value_store&>(dynamic_cast<wrapping_key_value_store&>(*stack_).inner());
        return caching.inner();
    }
    std::optional<std::string> below_fetch(const std::string& key, int64_t start) {
        auto v = below().get(window_key_schema::to_store_key(to_bytes(key), start, 0));
        if (!v) return std::nullopt;
        return text(*v);
    }

    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(1);
    std::unique_ptr<key_value_bytes_store> stack_;
    std::optional<window_store<std::string, std::string>> facade_;
    std::vector<flushed> flushed_;
};

TEST_F(caching_window_store_test, flush_writes_and_forwards_the_last_value_per_window) {
    open(false);
    auto& w = *facade_;
    w.put("a", "1", 0);
    records_.set_time(3);
    w.put("a", "2", 0);
    w.put("a", "x", 10);
    records_.set_time(5);
    w.put("b", "1", 0);
    EXPECT_EQ(w.fetch("a", 0), "2");  // from the cache
    EXPECT_EQ(below_fetch("a", 0), std::nullopt);
    EXPECT_TRUE(flushed_.empty());
    EXPECT_TRUE(sink_.records.empty());
    stack_->flush_cache();
    // In the order of the last writes, each with its writer's timestamp.
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"a", 0, "2", std::nullopt, 3},
                                              {"a", 10, "x", std::nullopt, 3},
                                              {"b", 0, "1", std::nullopt, 5}}));
    EXPECT_EQ(below_fetch("a", 0), "2");
    ASSERT_EQ(sink_.records.size(), 3u);  // logged once per window key
    EXPECT_EQ(sink_.records[0].key, window_key_schema::to_store_key(to_bytes("a"), 0, 0));
    stack_->flush_cache();
    EXPECT_EQ(flushed_.size(), 3u);  // nothing dirty any more
}

TEST_F(caching_window_store_test, old_values_are_the_ones_below_and_deletions_of_new_windows_vanish) {
    open(true);
    auto& w = *facade_;
    w.put("a", "1", 0);
    stack_->flush_cache();
    w.put("a", "2", 0);
    w.put("a", "3", 0);
    w.put("n", "1", 20);
    w.put("n", std::nullopt, 20);  // never written down: neither written nor forwarded
    stack_->flush_cache();
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"a", 0, "1", std::nullopt, 1}, {"a", 0, "3", "1", 1}}));
    w.put("a", std::nullopt, 0);
    EXPECT_EQ(w.fetch("a", 0), std::nullopt);  // the cached deletion hides the store's value
    stack_->flush_cache();
    EXPECT_EQ(flushed_.back(), (flushed{"a", 0, std::nullopt, "3", 1}));
    EXPECT_EQ(below_fetch("a", 0), std::nullopt);
}

TEST_F(caching_window_store_test, reads_merge_cache_and_store_in_segment_order) {
    open(false);
    auto& w = *facade_;
    // In the store: a@0, b@0, a@segment (second segment), a@20.
    w.put("a", "s0", 0);
    w.put("b", "s0", 0);
    w.put("a", "s1", segment);
    w.put("a", "s20", 20);
    stack_->flush_cache();
    // In the cache: a@0 updated, a@10 new, b@0 deleted, c@segment new.
    w.put("a", "c0", 0);
    w.put("a", "c10", 10);
    w.put("b", std::nullopt, 0);
    w.put("c", "c1", segment);

    EXPECT_EQ(w.fetch("a", 0, 20), (std::vector<key_value<int64_t, std::string>>{{0, "c0"}, {10, "c10"}, {20, "s20"}}));
    EXPECT_EQ(w.fetch("a", 5, segment),
              (std::vector<key_value<int64_t, std::string>>{{10, "c10"}, {20, "s20"}, {segment, "s1"}}));
    EXPECT_EQ(w.fetch("b", 0), std::nullopt);

    auto keys = [](const std::vector<key_value<windowed<std::string>, std::string>>& kvs) {
        std::vector<std::string> out;
        for (const auto& kv : kvs) out.push_back(kv.key.key() + "@" + std::to_string(kv.key.window().start()) + "=" + kv.value);
        return out;
    };
    // Segment by segment, bytes (key, then start) within: as the store alone would.
    EXPECT_EQ(keys(w.all()), (std::vector<std::string>{"a@0=c0", "a@10=c10", "a@20=s20", "a@100000=s1",
                                                       "c@100000=c1"}));
    EXPECT_EQ(keys(w.fetch_all(10, segment)),
              (std::vector<std::string>{"a@10=c10", "a@20=s20", "a@100000=s1", "c@100000=c1"}));
    EXPECT_EQ(keys(w.fetch("a", "b", 0, segment)),
              (std::vector<std::string>{"a@0=c0", "a@10=c10", "a@20=s20", "a@100000=s1"}));
    EXPECT_EQ(keys(w.fetch("b", "c", 0, segment)), (std::vector<std::string>{"c@100000=c1"}));
    // After the flush the store alone answers the same.
    auto before = keys(w.all());
    stack_->flush_cache();
    EXPECT_EQ(keys(w.all()), before);
}

TEST_F(caching_window_store_test, eviction_writes_the_eldest_window_first_then_every_dirty_one) {
    // Budget for two entries: an entry costs key (8-byte segment + 1 + 12) +
    // 1 + 24 + 1 + 20 = 67 bytes.
    open(false, 140);
    auto& w = *facade_;
    w.put("a", "1", 0);
    records_.set_time(2);
    w.put("b", "1", 10);
    EXPECT_TRUE(flushed_.empty());
    records_.set_time(3);
    w.put("c", "1", 20);  // over budget: a is evicted, then every dirty entry is written too
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"a", 0, "1", std::nullopt, 1},
                                              {"b", 10, "1", std::nullopt, 2},
                                              {"c", 20, "1", std::nullopt, 3}}));
    EXPECT_EQ(below_fetch("a", 0), "1");
    EXPECT_EQ(w.fetch("a", 0), "1");  // read from below, not cached again
    EXPECT_EQ(dynamic_cast<caching_key_value_store&>(dynamic_cast<wrapping_key_value_store&>(*stack_).inner()).cached_bytes(),
              2 * 67);
}

TEST(caching_session_store_test, sessions_merge_and_flush_by_segment) {
    auto stack = stores::session_store_builder(stores::in_memory_session_store("s", retention))
                     .with_logging_disabled()
                     .with_caching_enabled()
                     .build();
    testing::test_records records = testing::with_time(7);
    store_context context;
    context.records = &records;
    ASSERT_TRUE(stack->init(context).has_value());
    std::vector<std::string> flushed;
    ASSERT_TRUE(stack->set_flush_listener(
        [&](bytes_view key, std::optional<bytes_view> nv, std::optional<bytes_view>, const record_context&) {
            flushed.push_back(text(session_key_schema::key_bytes(key)) + "[" +
                              std::to_string(session_key_schema::start_time(key)) + "," +
                              std::to_string(session_key_schema::end_time(key)) + "]=" + (nv ? text(*nv) : "null"));
        },
        false));
    session_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(), "app-s-changelog");
    s.put(windowed<std::string>("a", window::session(0, 5)), "1");
    stack->flush_cache();
    s.remove(windowed<std::string>("a", window::session(0, 5)));  // merged away
    s.put(windowed<std::string>("a", window::session(0, 9)), "2");
    s.put(windowed<std::string>("a", window::session(segment, segment)), "3");
    auto found = s.find_sessions("a", 0, segment);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].key.window().end(), 9);
    EXPECT_EQ(found[0].value, "2");
    EXPECT_EQ(found[1].value, "3");
    stack->flush_cache();
    EXPECT_EQ(flushed, (std::vector<std::string>{"a[0,5]=1", "a[0,5]=null", "a[0,9]=2", "a[100000,100000]=3"}));
    EXPECT_EQ(s.fetch("a").size(), 2u);
}

}  // namespace
}  // namespace samsa::streams
