// The pending writes of persistent segmented stores (segmented_bytes_store.h):
// puts are held in a hash map and written down to RocksDB segments later, in
// batches. Reads must see every write at once, iterations must see them in
// order, a reopen must find them, and writes into a dropped segment must go
// with it. Checked against the in-memory segmented store (no pending writes)
// on random operations, and case by case with a segment that counts writes.

#include <gtest/gtest.h>

#include <random>

#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"
#include "samsa/streams/state/segmented_bytes_store.h"
#include "samsa/streams/state/window_key_schema.h"
#include "samsa/streams/state/wrapping_key_value_store.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

constexpr int64_t retention = 20'000;
constexpr int64_t interval = 10'000;

segmented_store_config config(bool persistent) {
    return {retention, interval, segmented_key_kind::window, persistent, false};
}

bytes store_key(const std::string& key, int64_t start, int32_t seq = 0) {
    return window_key_schema::to_store_key(to_bytes(key), start, seq);
}

// A RocksDB segment that counts the writes reaching it.
struct write_counts {
    int puts = 0;
    int batches = 0;
    size_t batched_entries = 0;
};

class counting_segment final : public wrapping_key_value_store {
public:
    counting_segment(std::unique_ptr<key_value_bytes_store> inner, write_counts& counts)
        : wrapping_key_value_store(std::move(inner)), counts_(&counts) {}
    void put(bytes_view key, std::optional<bytes_view> value) override {
        ++counts_->puts;
        inner().put(key, value);
    }
    void put_all(std::span<const bytes_entry> entries) override {
        ++counts_->batches;
        counts_->batched_entries += entries.size();
        inner().put_all(entries);
    }

private:
    write_counts* counts_;
};

store_context context_in(const std::filesystem::path& dir) {
    store_context c;
    c.application_id = "app";
    c.task_dir = dir;
    return c;
}

std::unique_ptr<segmented_bytes_store> rocksdb_segments(write_counts* counts = nullptr) {
    return std::make_unique<segmented_bytes_store>(
        "w", config(true), [counts](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
            auto segment = std::make_unique<rocksdb_key_value_store>(n, rocksdb_key_layout{window_key_schema::suffix_size});
            if (!counts) return segment;
            return std::make_unique<counting_segment>(std::move(segment), *counts);
        });
}

std::unique_ptr<segmented_bytes_store> in_memory_segments() {
    return std::make_unique<segmented_bytes_store>(
        "w", config(false), [](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
            return std::make_unique<in_memory_key_value_store>(n);
        });
}

std::vector<key_value<bytes, bytes>> drain(std::unique_ptr<bytes_iterator> it) { return to_vector(*it); }

TEST(segmented_pending_writes_test, reads_see_pending_writes_and_rocksdb_gets_them_in_one_batch_at_flush) {
    test_support::temp_dir dir;
    write_counts counts;
    auto s = rocksdb_segments(&counts);
    ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
    for (int i = 0; i < 5; ++i) s->put(store_key("a", 0), to_bytes(std::to_string(i)));
    s->put(store_key("b", 0), to_bytes("x"));
    s->put(store_key("b", 0), std::nullopt);
    EXPECT_EQ(s->get(store_key("a", 0)), to_bytes("4"));
    EXPECT_EQ(s->get(store_key("b", 0)), std::nullopt);
    EXPECT_EQ(s->pending_writes(), 2u);
    EXPECT_EQ(counts.puts + counts.batches, 0);

    s->flush();
    EXPECT_EQ(s->pending_writes(), 0u);
    EXPECT_EQ(counts.puts, 0);
    EXPECT_EQ(counts.batches, 1);
    EXPECT_EQ(counts.batched_entries, 2u);  // the latest value of each key, once
    EXPECT_EQ(s->get(store_key("a", 0)), to_bytes("4"));
    EXPECT_EQ(s->get(store_key("b", 0)), std::nullopt);
}

TEST(segmented_pending_writes_test, iterations_write_pending_writes_down_first_and_see_them_in_order) {
    test_support::temp_dir dir;
    auto s = rocksdb_segments();
    ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
    s->put(store_key("b", 5), to_bytes("b5"));
    s->flush();
    s->put(store_key("a", 5), to_bytes("a5"));
    s->put(store_key("b", 5), std::nullopt);  // deletes what RocksDB holds
    s->put(store_key("c", 15'000), to_bytes("c15"));
    auto all = drain(s->all());
    EXPECT_EQ(s->pending_writes(), 0u);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].key, store_key("a", 5));
    EXPECT_EQ(all[1].key, store_key("c", 15'000));
    s->put(store_key("a", 6), to_bytes("a6"));
    auto range = drain(s->range(store_key("a", 0), store_key("a", 10)));
    ASSERT_EQ(range.size(), 2u);
    EXPECT_EQ(range[1].value, to_bytes("a6"));
}

TEST(segmented_pending_writes_test, writes_into_a_dropped_segment_are_discarded_with_it) {
    test_support::temp_dir dir;
    write_counts counts;
    auto s = rocksdb_segments(&counts);
    ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
    s->put(store_key("a", 1'000), to_bytes("old"));  // segment 0
    s->put(store_key("a", 35'000), to_bytes("new"));  // stream time 35 000: segment 0 is dropped
    EXPECT_EQ(s->segment_ids(), (std::vector<int64_t>{3}));
    EXPECT_EQ(s->pending_writes(), 1u);
    EXPECT_EQ(s->get(store_key("a", 1'000)), std::nullopt);
    s->flush();
    EXPECT_EQ(static_cast<size_t>(counts.puts) + counts.batched_entries, 1u);  // only the live segment's write
    EXPECT_EQ(drain(s->all()).size(), 1u);
}

TEST(segmented_pending_writes_test, pending_writes_are_bounded) {
    test_support::temp_dir dir;
    write_counts counts;
    auto s = rocksdb_segments(&counts);
    ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
    const size_t n = segmented_bytes_store::max_pending_writes + 10;
    for (size_t i = 0; i < n; ++i) s->put(store_key("k" + std::to_string(i), 0), to_bytes("v"));
    EXPECT_LE(s->pending_writes(), segmented_bytes_store::max_pending_writes);
    EXPECT_EQ(static_cast<size_t>(counts.puts) + counts.batched_entries + s->pending_writes(), n);
    EXPECT_EQ(s->get(store_key("k0", 0)), to_bytes("v"));
    EXPECT_EQ(s->get(store_key("k" + std::to_string(n - 1), 0)), to_bytes("v"));
}

TEST(segmented_pending_writes_test, close_writes_pending_writes_down_and_a_reopen_finds_them) {
    test_support::temp_dir dir;
    {
        auto s = rocksdb_segments();
        ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
        s->put(store_key("a", 100), to_bytes("1"));
        s->put(store_key("b", 12'000), to_bytes("2"));
        s->close();
    }
    auto s = rocksdb_segments();
    ASSERT_TRUE(s->init(context_in(dir.path())).has_value());
    EXPECT_EQ(s->get(store_key("a", 100)), to_bytes("1"));
    EXPECT_EQ(s->get(store_key("b", 12'000)), to_bytes("2"));
}

// Random puts, deletes, reads, ranges and flushes, times moving forward with
// disorder so segments expire and are dropped: the RocksDB store with pending
// writes answers every read as the in-memory one.
TEST(segmented_pending_writes_test, answers_as_the_in_memory_store_on_random_operations) {
    test_support::temp_dir dir;
    auto persistent = rocksdb_segments();
    auto memory = in_memory_segments();
    ASSERT_TRUE(persistent->init(context_in(dir.path())).has_value());
    ASSERT_TRUE(memory->init(context_in(dir.path() / "mem")).has_value());
    std::mt19937 rng(1234);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    int64_t time = 0;
    const std::vector<std::string> keys{"a", "a\x01", "ab", "b", "k1", "k12"};
    for (int step = 0; step < 6000; ++step) {
        time += pick(40);
        const int64_t t = std::max<int64_t>(0, time - pick(3'000));
        const bytes k = store_key(keys[pick(static_cast<int>(keys.size()))], t - t % 500, pick(3));
        const int op = pick(100);
        SCOPED_TRACE("step " + std::to_string(step));
        if (op < 55) {
            bytes v = to_bytes(std::to_string(step));
            persistent->put(k, bytes_view(v));
            memory->put(k, bytes_view(v));
        } else if (op < 62) {
            persistent->put(k, std::nullopt);
            memory->put(k, std::nullopt);
        } else if (op < 85) {
            ASSERT_EQ(persistent->get(k), memory->get(k));
        } else if (op < 97) {
            const bytes from = store_key(keys[pick(3)], std::max<int64_t>(0, t - 2'000), 0);
            const bytes to = store_key(keys[3 + pick(3)], t + 2'000, -1);
            ASSERT_EQ(drain(persistent->range(from, to)), drain(memory->range(from, to)));
        } else if (op < 99) {
            ASSERT_EQ(drain(persistent->all()), drain(memory->all()));
        } else {
            persistent->flush();
        }
    }
    ASSERT_EQ(drain(persistent->all()), drain(memory->all()));
    ASSERT_EQ(persistent->segment_ids(), memory->segment_ids());
}

}  // namespace
}  // namespace samsa::streams
