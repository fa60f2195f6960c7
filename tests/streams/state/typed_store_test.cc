// The typed facades: key_value_store<K, V> and timestamped_key_value_store<K, V>
// over a built stack, with the exact bytes they leave in the bytes store.

#include <cctype>

#include <gtest/gtest.h>

#include "recording_changelog_sink.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/state/timestamped_key_value_store.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using testing::recording_changelog_sink;
using test_support::temp_dir;

// serdes::string() that counts its deserializations in `decoded`.
serde<std::string> counting_string_serde(int& decoded) {
    serde<std::string> s = serdes::string();
    s.deserialize = [&decoded, inner = s.deserialize](std::string_view t, bytes_view b) {
        ++decoded;
        return inner(t, b);
    };
    return s;
}

class typed_store_test : public ::testing::Test {
protected:
    testing::test_records records_ = testing::with_time(9);
    std::unique_ptr<key_value_bytes_store> open(const store_builder& builder) {
        auto stack = builder.build();
        store_context context;
        context.application_id = "app";
        context.task_dir = dir_.path() / "1_0";
        context.changelog = &sink_;
        context.records = &records_;
        EXPECT_TRUE(stack->init(context).has_value());
        return stack;
    }

    temp_dir dir_;
    recording_changelog_sink sink_;
};

TEST_F(typed_store_test, key_value_store_round_trip) {
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("counts")));
    key_value_store<std::string, int64_t> s(*stack, serdes::string(), serdes::int64(),
                                            changelog_topic_name("app", "counts"));
    EXPECT_EQ(s.name(), "counts");
    s.put("a", 1);
    s.put("b", int64_t{-1});
    EXPECT_EQ(s.get("a"), 1);
    EXPECT_EQ(s.get("zz"), std::nullopt);
    EXPECT_EQ(stack->get(to_bytes("b")), bytes(8, 0xff));
    EXPECT_EQ(s.put_if_absent("a", 5), 1);
    EXPECT_EQ(s.remove("a"), 1);
    s.put("b", std::nullopt);
    EXPECT_EQ(s.approximate_num_entries(), 0);
    s.put_all({{"x", 1}, {"y", 2}, {"z", std::nullopt}});
    auto it = s.range("x", "y");
    auto got = to_vector(*it);
    EXPECT_EQ(got, (std::vector<key_value<std::string, int64_t>>{{"x", 1}, {"y", 2}}));
    ASSERT_EQ(sink_.records.size(), 7u);
    EXPECT_EQ(sink_.records[0].topic, "app-counts-changelog");
    EXPECT_EQ(sink_.records[0].value, (bytes{0, 0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(sink_.records[0].timestamp, 9);
}

TEST_F(typed_store_test, typed_iterator_outlives_the_facade) {
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled());
    std::unique_ptr<key_value_iterator<int32_t, std::string>> it;
    {
        key_value_store<int32_t, std::string> s(*stack, serdes::int32(), serdes::string(), "t");
        s.put(2, std::string("two"));
        s.put(-1, std::string("minus one"));
        it = s.all();
    }
    // Serialized order: 2 (00 00 00 02) before -1 (ff ff ff ff).
    EXPECT_EQ(it->peek_next_key(), 2);
    EXPECT_EQ(to_vector(*it), (std::vector<key_value<int32_t, std::string>>{{2, "two"}, {-1, "minus one"}}));
    EXPECT_TRUE(sink_.records.empty());
}

TEST_F(typed_store_test, timestamped_store_writes_kafka_bytes_and_logs_raw_values) {
    auto stack = open(stores::timestamped_key_value_store_builder(stores::persistent_key_value_store("table")));
    timestamped_key_value_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(),
                                                           changelog_topic_name("app", "table"));
    s.put("k", std::string("a"), 1);
    EXPECT_EQ(stack->get(to_bytes("k")), (bytes{0, 0, 0, 0, 0, 0, 0, 1, 'a'}));
    EXPECT_EQ(s.get("k"), (value_and_timestamp<std::string>{"a", 1}));
    s.put("k", value_and_timestamp<std::string>{"bc", -1});
    EXPECT_EQ(stack->get(to_bytes("k")), (bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'b', 'c'}));
    s.put("k", std::nullopt);
    EXPECT_EQ(s.get("k"), std::nullopt);
    ASSERT_EQ(sink_.records.size(), 3u);
    EXPECT_EQ(sink_.records[0].value, to_bytes("a"));
    EXPECT_EQ(sink_.records[0].timestamp, 1);
    EXPECT_EQ(sink_.records[1].value, to_bytes("bc"));
    EXPECT_EQ(sink_.records[1].timestamp, -1);
    EXPECT_EQ(sink_.records[2].value, std::nullopt);
    EXPECT_EQ(sink_.records[2].timestamp, 9);
}

TEST_F(typed_store_test, bad_stored_bytes_throw_serde_error) {
    auto stack = open(stores::timestamped_key_value_store_builder(stores::in_memory_key_value_store("t"))
                          .with_logging_disabled());
    timestamped_key_value_store<std::string, int32_t> s(*stack, serdes::string(), serdes::int32(), "t");
    bytes short_value{1, 2, 3};
    stack->put(to_bytes("k"), bytes_view(short_value));
    EXPECT_THROW(s.get("k"), serde_error);
}

TEST_F(typed_store_test, built_timestamped_stack_restores_from_changelog_records) {
    // What the runtime does on start-up: replay the changelog through restore(),
    // which must neither log again nor lose the timestamps.
    auto stack = open(stores::timestamped_key_value_store_builder(stores::persistent_key_value_store("t")));
    stack->restore(to_bytes("k"), bytes_view(to_bytes("v")), 77);
    stack->restore(bytes{0, 1, 0}, bytes_view(to_bytes("binary key")), 78);
    timestamped_key_value_store<std::string, std::string> s(*stack, serdes::string(), serdes::string(), "t");
    EXPECT_EQ(s.get("k"), (value_and_timestamp<std::string>{"v", 77}));
    EXPECT_EQ(s.get(std::string("\0\1\0", 3)), (value_and_timestamp<std::string>{"binary key", 78}));
    EXPECT_TRUE(sink_.records.empty());
}

TEST_F(typed_store_test, built_stack_counts_every_write) {
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_caching_enabled());
    ASSERT_EQ(stack->write_count(), uint64_t{0});
    stack->put(to_bytes("a"), bytes_view(to_bytes("1")));
    std::vector<bytes_entry> batch{bytes_entry{to_bytes("b"), to_bytes("2")}};
    stack->put_all(batch);
    stack->put_if_absent(to_bytes("c"), bytes_view(to_bytes("3")));
    stack->remove(to_bytes("a"));
    stack->restore(to_bytes("d"), bytes_view(to_bytes("4")), 1);
    EXPECT_EQ(stack->write_count(), uint64_t{5});
    stack->get(to_bytes("b"));
    stack->flush();  // the cache writes below the counting layer: reads see no change
    EXPECT_EQ(stack->write_count(), uint64_t{5});
    // A bare inner store does not count: readers must check it every time.
    EXPECT_EQ(stores::in_memory_key_value_store("m").get()->write_count(), std::nullopt);
}

TEST_F(typed_store_test, decoded_cache_sees_writes_through_any_layer) {
    // Each decoded value is served from the cache only while the stack has
    // taken no write since the entry was checked; any write (through another
    // facade, the bytes store or restoration) is seen by the next read.
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled());
    int decoded = 0;
    serde<std::string> counting = counting_string_serde(decoded);
    key_value_store<std::string, std::string> reader(*stack, serdes::string(), counting, "s");
    key_value_store<std::string, std::string> writer(*stack, serdes::string(), serdes::string(), "s");
    reader.enable_decoded_cache(16);

    EXPECT_EQ(reader.find("k"), nullptr);  // absent, and cached as absent
    writer.put("k", std::string("v1"));
    ASSERT_NE(reader.find("k"), nullptr);
    EXPECT_EQ(*reader.find("k"), "v1");
    EXPECT_EQ(reader.get("k"), "v1");
    EXPECT_EQ(decoded, 1);  // decoded once, then served from the cache

    writer.put("other", std::string("x"));  // moves the count; "k"'s bytes are unchanged
    EXPECT_EQ(*reader.find("k"), "v1");
    EXPECT_EQ(decoded, 1);

    stack->restore(to_bytes("k"), bytes_view(to_bytes("v2")), 5);
    EXPECT_EQ(*reader.find("k"), "v2");
    stack->put(to_bytes("k"), std::nullopt);
    EXPECT_EQ(reader.find("k"), nullptr);
    EXPECT_EQ(reader.get("k"), std::nullopt);
    EXPECT_EQ(decoded, 2);
}

TEST_F(typed_store_test, a_decoded_cache_hit_moves_the_key_in_the_record_caches_eviction_order) {
    // Kafka's NamedCache.get makes a key its most recently used. A hit of the
    // decoded cache must too, or an eviction writes down (and forwards) another
    // key first.
    auto stack = stores::key_value_store_builder(stores::in_memory_key_value_store("s"))
                     .with_logging_disabled()
                     .with_caching_enabled()
                     .build();
    store_context context;
    context.application_id = "app";
    context.task_dir = dir_.path() / "1_0";
    context.changelog = &sink_;
    context.records = &records_;
    context.cache_max_bytes = 100;  // two entries of 47 bytes
    ASSERT_TRUE(stack->init(context).has_value());
    std::vector<std::string> flushed;
    ASSERT_TRUE(stack->set_flush_listener(
        [&](bytes_view key, std::optional<bytes_view>, std::optional<bytes_view>, const record_context&) {
            flushed.emplace_back(as_chars(key));
        },
        false));
    key_value_store<std::string, std::string> store(*stack, serdes::string(), serdes::string(), "s");
    store.enable_decoded_cache(16);

    store.put("a", std::string("1"));
    store.put("b", std::string("2"));      // least recently used first: a, b
    ASSERT_NE(store.find("a"), nullptr);  // decoded from the store: b, a
    ASSERT_NE(store.find("b"), nullptr);  // a, b
    ASSERT_NE(store.find("a"), nullptr);  // a decoded hit, nothing written since: b, a
    store.put("c", std::string("3"));      // over budget: b is evicted, then every dirty entry written
    EXPECT_EQ(flushed, (std::vector<std::string>{"b", "a", "c"}));
}

TEST_F(typed_store_test, shared_decoded_cache_serves_every_facade_and_keys_that_share_bytes) {
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled());
    int decoded = 0;
    serde<std::string> counting = counting_string_serde(decoded);
    // A key serde that ignores case: "K" and "k" are one row in the store.
    serde<std::string> folding = serdes::string();
    folding.serialize = [](std::string_view, const std::string& k) {
        bytes b;
        for (char c : k) b.push_back(static_cast<uint8_t>(std::tolower(static_cast<unsigned char>(c))));
        return b;
    };
    std::shared_ptr<void> slot;
    key_value_store<std::string, std::string> first(*stack, folding, counting, "s");
    key_value_store<std::string, std::string> second(*stack, folding, counting, "s");
    first.share_decoded_cache(slot, 16);
    second.share_decoded_cache(slot, 16);

    first.put("k", std::string("v1"));
    ASSERT_NE(first.find("k"), nullptr);
    EXPECT_EQ(*second.find("k"), "v1");
    EXPECT_EQ(decoded, 1);  // once for both facades

    ASSERT_NE(second.find("K"), nullptr);  // another cache key, the same stored row
    EXPECT_EQ(*second.find("K"), "v1");
    first.put("K", std::string("v2"));
    EXPECT_EQ(*second.find("k"), "v2");  // checked against the store: the row changed
    EXPECT_EQ(*second.find("K"), "v2");
}

TEST_F(typed_store_test, decoded_cache_returns_what_the_store_holds_not_what_was_put) {
    // A serde that does not round-trip (it drops everything after a '|'):
    // readers must see the stored row, as an uncached get() would.
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled());
    serde<std::string> lossy = serdes::string();
    lossy.serialize = [](std::string_view, const std::string& v) { return to_bytes(v.substr(0, v.find('|'))); };
    std::shared_ptr<void> slot;
    key_value_store<std::string, std::string> writer(*stack, serdes::string(), lossy, "s");
    writer.share_decoded_cache(slot, 16);
    writer.put("k", std::string("kept|dropped"));
    EXPECT_EQ(*writer.find("k"), "kept");
    EXPECT_EQ(writer.get("k"), "kept");
}

TEST_F(typed_store_test, decoded_cache_finds_every_key_of_a_large_table_and_stays_bounded) {
    // Integer keys a power of two apart (std::hash of an integer is the
    // integer: the index must mix it), more of them than the bound, absent
    // keys among them, and rows rewritten while cached.
    auto stack = open(stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled());
    int decoded = 0;
    serde<std::string> counting = counting_string_serde(decoded);
    key_value_store<int64_t, std::string> store(*stack, serdes::int64(), counting, "s");
    store.enable_decoded_cache(1000);
    constexpr int64_t rows = 3000, stride = 1024;
    for (int64_t i = 0; i < rows; ++i) store.put(i * stride, "row-" + std::to_string(i));
    for (int round = 0; round < 2; ++round) {
        for (int64_t i = 0; i < rows; ++i) {
            const std::string* v = store.find(i * stride);
            ASSERT_NE(v, nullptr) << i;
            EXPECT_EQ(*v, "row-" + std::to_string(i));
            EXPECT_EQ(store.find(i * stride + 1), nullptr);
        }
    }
    // Each row decoded at most once per round, and the cache cleared when
    // full rather than grown without bound (3000 rows > 1000 entries: the
    // second round decodes again).
    EXPECT_EQ(decoded, 2 * rows);
    for (int64_t i = 0; i < 10; ++i) {
        ASSERT_NE(store.find(i * stride), nullptr);  // cached again
    }
    const int before = decoded;
    for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(*store.find(i * stride), "row-" + std::to_string(i));
    EXPECT_EQ(decoded, before);  // hits, no store read while nothing was written
    store.put(5 * stride, std::string("rewritten"));
    EXPECT_EQ(*store.find(5 * stride), "rewritten");
    EXPECT_EQ(*store.find(4 * stride), "row-4");
}

TEST(store_builder_test, defaults_and_options) {
    auto builder = stores::key_value_store_builder(stores::persistent_key_value_store("s"));
    EXPECT_EQ(builder.name(), "s");
    EXPECT_TRUE(builder.persistent());
    EXPECT_FALSE(builder.timestamped());
    EXPECT_TRUE(builder.logging_enabled());
    EXPECT_FALSE(builder.caching_enabled());
    builder.with_logging_enabled({{"retention.ms", "1000"}}).with_caching_enabled();
    EXPECT_EQ(builder.logging_config().at("retention.ms"), "1000");
    EXPECT_TRUE(builder.caching_enabled());
    builder.with_logging_disabled();
    EXPECT_FALSE(builder.logging_enabled());
    auto stack = builder.build();
    EXPECT_EQ(stack->name(), "s");
    EXPECT_TRUE(stack->persistent());
    EXPECT_FALSE(stack->is_open());
    EXPECT_FALSE(stores::in_memory_key_value_store("m").persistent());
    EXPECT_TRUE(stores::timestamped_key_value_store_builder(stores::in_memory_key_value_store("m")).timestamped());
}

TEST(store_builder_test, each_build_is_a_new_store) {
    auto builder = stores::key_value_store_builder(stores::in_memory_key_value_store("s")).with_logging_disabled();
    auto a = builder.build();
    auto b = builder.build();
    store_context context;
    ASSERT_TRUE(a->init(context).has_value());
    ASSERT_TRUE(b->init(context).has_value());
    a->put(to_bytes("k"), bytes_view(to_bytes("v")));
    EXPECT_EQ(b->get(to_bytes("k")), std::nullopt);
}

}  // namespace
}  // namespace samsa::streams
