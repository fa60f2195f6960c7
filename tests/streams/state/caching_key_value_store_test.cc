// The caching layer keeps the newest value per key until flush or eviction,
// then writes it down once, logs it once and hands it to the flush listener.

#include <algorithm>
#include <list>

#include <gtest/gtest.h>

#include "caching_store_setup.h"
#include "recording_changelog_sink.h"
#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/change_logging_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {
namespace {

using testing::changelog_record;
using testing::recording_changelog_sink;

bytes b(std::string_view s) { return to_bytes(s); }
std::optional<bytes_view> v(const bytes& x) { return bytes_view(x); }

struct flushed {
    std::string key;
    std::optional<std::string> new_value;
    std::optional<std::string> old_value;
    int64_t timestamp;
    bool operator==(const flushed&) const = default;
};

std::optional<std::string> str(std::optional<bytes_view> x) {
    if (!x) return std::nullopt;
    return std::string(as_chars(*x));
}

class caching_test : public ::testing::Test {
protected:
    // caching -> change logging -> in-memory, as a builder stacks them.
    void open(bool send_old_values, int64_t max_bytes = 1 << 20) {
        auto logging = std::make_unique<change_logging_key_value_store>(std::make_unique<in_memory_key_value_store>("s"));
        below_ = logging.get();
        store_ = std::make_unique<caching_key_value_store>(std::move(logging));
        testing::open_caching_store(
            *store_, sink_, records_, max_bytes,
            [this](bytes_view key, std::optional<bytes_view> nv, std::optional<bytes_view> ov,
                   const record_context& c) {
                // While the listener runs, the task's context is the entry's.
                EXPECT_EQ(records_.current.timestamp, c.timestamp);
                flushed_.push_back({std::string(as_chars(key)), str(nv), str(ov), c.timestamp});
            },
            send_old_values);
    }
    changelog_record logged(std::string_view key, std::optional<std::string_view> value, int64_t ts) {
        return {"app-s-changelog", 0, b(key), value ? std::optional<bytes>(b(*value)) : std::nullopt, ts};
    }

    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(1);
    key_value_bytes_store* below_ = nullptr;
    std::unique_ptr<caching_key_value_store> store_;
    std::vector<flushed> flushed_;
};

TEST_F(caching_test, keeps_newest_value_until_flush) {
    open(false);
    store_->put(b("k"), v(b("1")));
    records_.set_time(2);
    store_->put(b("k"), v(b("2")));
    EXPECT_EQ(store_->get(b("k")), b("2"));
    EXPECT_EQ(below_->get(b("k")), std::nullopt);
    EXPECT_TRUE(sink_.records.empty());
    store_->flush();
    EXPECT_EQ(below_->get(b("k")), b("2"));
    EXPECT_EQ(sink_.records, (std::vector<changelog_record>{logged("k", "2", 2)}));
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"k", "2", std::nullopt, 2}}));
    store_->flush();  // nothing dirty: nothing more
    EXPECT_EQ(flushed_.size(), 1u);
}

TEST_F(caching_test, writes_down_in_last_write_order_with_entry_timestamps) {
    open(false);
    store_->put(b("a"), v(b("1")));
    records_.set_time(5);
    store_->put(b("b"), v(b("2")));
    records_.set_time(9);
    store_->put(b("a"), v(b("3")));
    records_.set_time(100);
    store_->flush();
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"b", "2", std::nullopt, 5}, {"a", "3", std::nullopt, 9}}));
    EXPECT_EQ(sink_.records, (std::vector<changelog_record>{logged("b", "2", 5), logged("a", "3", 9)}));
}

TEST_F(caching_test, deletes_and_old_values) {
    open(true);
    store_->put(b("k"), v(b("1")));
    store_->flush();
    flushed_.clear();
    records_.set_time(2);
    store_->put(b("k"), v(b("2")));
    store_->flush();
    records_.set_time(3);
    EXPECT_EQ(store_->remove(b("k")), b("2"));
    EXPECT_EQ(store_->get(b("k")), std::nullopt);
    EXPECT_EQ(below_->get(b("k")), b("2"));
    store_->flush();
    EXPECT_EQ(below_->get(b("k")), std::nullopt);
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"k", "2", "1", 2}, {"k", std::nullopt, "2", 3}}));
}

TEST_F(caching_test, put_then_delete_of_unknown_key_writes_nothing) {
    open(false);
    store_->put(b("tmp"), v(b("x")));
    store_->remove(b("tmp"));
    store_->flush();
    EXPECT_TRUE(flushed_.empty());
    EXPECT_TRUE(sink_.records.empty());
}

TEST_F(caching_test, entries_cost_what_kafka_counts) {
    open(false);
    // key + value + 24 (node) + 1 (dirty flag) + 8 + 8 + 4 (timestamp,
    // offset, partition) + topic + headers.
    store_->put(b("k"), v(b("vv")));
    EXPECT_EQ(store_->cached_bytes(), 1 + 2 + 24 + 1 + 20);
    records_.current.metadata = record_metadata{"topic", 0, 7};
    records_.current.headers = {{"h", b("xyz")}};
    store_->put(b("k"), v(b("vv")));
    EXPECT_EQ(store_->cached_bytes(), 1 + 2 + 24 + 1 + 20 + 5 + 1 + 3);
}

TEST_F(caching_test, eviction_writes_the_eldest_then_every_dirty_entry_down) {
    open(false, /*max_bytes=*/100);  // room for two small entries (47 bytes each)
    store_->put(b("a"), v(b("1")));
    store_->put(b("b"), v(b("2")));
    EXPECT_TRUE(flushed_.empty());
    store_->get(b("a"));             // b is now the least recently used
    records_.set_time(4);
    store_->put(b("c"), v(b("3")));  // over budget: b is evicted
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"b", "2", std::nullopt, 1}, {"a", "1", std::nullopt, 1},
                                              {"c", "3", std::nullopt, 4}}));
    EXPECT_EQ(below_->get(b("b")), b("2"));
    EXPECT_LE(store_->cached_bytes(), 100);
    EXPECT_EQ(store_->get(b("b")), b("2"));  // read back from below
}

TEST(caching_budget_test, caches_share_the_threads_budget_and_evict_from_the_one_put_to) {
    thread_cache budget(150);
    testing::test_records records;
    auto open = [&](const std::string& name) {
        auto s = std::make_unique<caching_key_value_store>(std::make_unique<in_memory_key_value_store>(name));
        store_context context;
        context.records = &records;
        context.cache = &budget;
        EXPECT_TRUE(s->init(context).has_value());
        return s;
    };
    auto first = open("first"), second = open("second");
    first->put(b("a"), v(b("1")));
    first->put(b("b"), v(b("1")));
    EXPECT_EQ(budget.size_bytes(), 94);
    second->put(b("x"), v(b("1")));  // 141: within budget
    second->put(b("y"), v(b("1")));  // 188: second evicts its own x (141), first keeps its entries
    EXPECT_EQ(first->cached_bytes(), 94);
    EXPECT_EQ(second->cached_bytes(), 47);
    EXPECT_EQ(budget.size_bytes(), 141);
    EXPECT_EQ(second->get(b("x")), b("1"));  // written down when evicted; cached again, evicting y
    first->close();
    second->close();
    EXPECT_EQ(budget.size_bytes(), 0);
}

TEST_F(caching_test, iterators_merge_cache_over_store) {
    open(false);
    for (auto k : {"a", "b", "c"}) store_->put(b(k), v(b("old")));
    store_->flush();
    store_->remove(b("b"));
    store_->put(b("c"), v(b("new")));
    store_->put(b("d"), v(b("new")));
    auto all = to_vector(*store_->all());
    EXPECT_EQ(all, (std::vector<key_value<bytes, bytes>>{{b("a"), b("old")}, {b("c"), b("new")}, {b("d"), b("new")}}));
    auto part = to_vector(*store_->range(b("b"), b("c")));
    EXPECT_EQ(part, (std::vector<key_value<bytes, bytes>>{{b("c"), b("new")}}));
    auto pre = to_vector(*store_->prefix_scan(b("d")));
    EXPECT_EQ(pre, (std::vector<key_value<bytes, bytes>>{{b("d"), b("new")}}));
}

TEST_F(caching_test, close_writes_down_and_restore_bypasses_cache) {
    open(false);
    store_->put(b("k"), v(b("cached")));
    store_->restore(b("k"), v(b("restored")), 7);
    EXPECT_EQ(store_->get(b("k")), b("restored"));
    store_->put(b("j"), v(b("x")));
    store_->close();
    EXPECT_EQ(flushed_, (std::vector<flushed>{{"j", "x", std::nullopt, 1}}));
    EXPECT_FALSE(store_->is_open());
}

TEST_F(caching_test, listener_may_write_back_into_the_store) {
    open(false);
    store_->set_flush_listener(
        [this](bytes_view key, std::optional<bytes_view>, std::optional<bytes_view>, const record_context&) {
            if (as_chars(key) == "a") store_->put(b("echo"), v(b("1")));
        },
        false);
    store_->put(b("a"), v(b("1")));
    store_->flush();
    EXPECT_EQ(store_->get(b("echo")), b("1"));
    EXPECT_EQ(below_->get(b("echo")), std::nullopt);  // belongs to the next flush
    store_->flush();
    EXPECT_EQ(below_->get(b("echo")), b("1"));
}

TEST(caching_builder_test, only_a_cached_stack_takes_a_flush_listener) {
    auto plain = stores::key_value_store_builder(stores::in_memory_key_value_store("s")).build();
    EXPECT_FALSE(plain->set_flush_listener([](auto...) {}, false));
    auto cached = stores::key_value_store_builder(stores::in_memory_key_value_store("s"))
                      .with_caching_enabled()
                      .with_logging_disabled()
                      .build();
    EXPECT_TRUE(cached->set_flush_listener([](auto...) {}, false));
}

// Interactive queries read through query_get(): the cached (newest) value,
// and a miss neither fills the cache nor evicts (which would forward records
// on the query's thread).
TEST_F(caching_test, query_get_sees_the_cache_and_changes_nothing) {
    open(false, /*max_bytes=*/100);  // room for two small entries
    store_->put(b("a"), v(b("1")));
    store_->put(b("b"), v(b("2")));
    below_->put(b("z"), v(b("below")));
    EXPECT_EQ(store_->query_get(b("a")), b("1"));  // dirty, not yet below
    int64_t cached = store_->cached_bytes();
    EXPECT_EQ(store_->query_get(b("z")), b("below"));
    EXPECT_EQ(store_->cached_bytes(), cached);
    EXPECT_TRUE(flushed_.empty());
    EXPECT_EQ(store_->query_get(b("none")), std::nullopt);
    store_->put(b("a"), std::nullopt);
    EXPECT_EQ(store_->query_get(b("a")), std::nullopt);  // a cached deletion hides nothing below, still absent
}

// Counts the reads that reach the store below the cache.
class get_counting_layer final : public wrapping_key_value_store {
public:
    using wrapping_key_value_store::wrapping_key_value_store;
    std::optional<bytes> get(bytes_view key) override {
        ++gets;
        return wrapping_key_value_store::get(key);
    }
    int gets = 0;
};

TEST(caching_lru_test, a_long_run_of_reads_and_writes_evicts_as_a_least_recently_used_list) {
    // Entries of one size, room for eight: a key is read from below exactly
    // when a list kept in order of use (Kafka's NamedCache) no longer has it.
    auto counting = std::make_unique<get_counting_layer>(std::make_unique<in_memory_key_value_store>("s"));
    get_counting_layer& below = *counting;
    caching_key_value_store store(std::move(counting));
    recording_changelog_sink sink;
    testing::test_records records = testing::with_time(1);
    const int64_t entry_bytes = 3 + 4 + 24 + 1 + 20;  // key, value and Kafka's overhead
    testing::open_caching_store(store, sink, records, 8 * entry_bytes, [](auto, auto, auto, const auto&) {}, false);
    auto key = [](int i) { return "k" + std::to_string(10 + i); };
    for (int i = 0; i < 24; ++i) below.put(b(key(i)), v(b("v" + std::to_string(100 + i))));

    std::list<std::string> model;  // most recently used first
    auto use = [&](const std::string& k) {
        model.remove(k);
        model.push_front(k);
        if (model.size() > 8) model.pop_back();
    };
    // First many entries come and go without an eviction (deletions written
    // down leave the cache), while four stay: the cache's order must survive
    // what it does with the entries that left.
    for (int round = 0; round < 40; ++round) {
        for (int i = 0; i < 4; ++i) {
            store.put(b(key(i)), v(b("v" + std::to_string(100 + i))));
            use(key(i));
        }
        for (int i = 4; i < 8; ++i) store.put(b(key(i)), v(b("v" + std::to_string(100 + i))));
        for (int i = 4; i < 8; ++i) store.put(b(key(i)), std::nullopt);
        store.flush_cache();
        for (int i = 4; i < 8; ++i) below.put(b(key(i)), v(b("v" + std::to_string(100 + i))));
    }
    ASSERT_EQ(store.cached_bytes(), 4 * entry_bytes);
    uint64_t x = 88172645463325252ull;
    for (int op = 0; op < 5000; ++op) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const std::string k = key(static_cast<int>(x % 24));
        const bool cached = std::find(model.begin(), model.end(), k) != model.end();
        const int gets_before = below.gets;
        if ((x >> 32) % 10 < 7) {
            ASSERT_TRUE(store.get(b(k)).has_value());
            ASSERT_EQ(below.gets - gets_before, cached ? 0 : 1) << "op " << op << " get " << k;
        } else {
            store.put(b(k), v(b("w" + std::to_string(100 + op % 900))));
        }
        use(k);
        ASSERT_LE(store.cached_bytes(), 8 * entry_bytes);
    }
}

// The merge tests' pair: a caching store of max_bytes over an in-memory
// one, and a plain in-memory store to compare it with.
struct merge_stores {
    caching_key_value_store store{std::make_unique<in_memory_key_value_store>("s")};
    in_memory_key_value_store plain{"p"};

    explicit merge_stores(int64_t max_bytes) {
        EXPECT_TRUE(plain.init(store_context{}).has_value());
        testing::open_caching_store(store, sink_, records_, max_bytes, [](auto, auto, auto, const auto&) {}, false);
    }

private:
    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(1);
};

// One step of the merge tests' random runs, on the caching store and on a
// plain store given the same writes: by step (0 to 19) a flush, a restore
// (which writes below, dropping the cached copy), a deletion, a put (steps 5
// to last_put) or a get, whose answers must agree.
void random_step(caching_key_value_store& store, in_memory_key_value_store& plain, uint64_t step, uint64_t last_put,
                 const bytes& k, const bytes& value, int op) {
    if (step == 0) {
        store.flush_cache();
    } else if (step == 1) {
        store.restore(k, v(value), 1);
        plain.put(k, v(value));
    } else if (step <= 4) {
        store.put(k, std::nullopt);
        plain.put(k, std::nullopt);
    } else if (step <= last_put) {
        store.put(k, v(value));
        plain.put(k, v(value));
    } else {
        ASSERT_EQ(store.get(k), plain.get(k)) << "op " << op;
    }
}

// Entries cached by a read miss take no part in range, all and prefix_scan
// (they equal the store below until their key is written): random reads,
// writes, deletions, flushes, restores and evictions through a small cache
// must iterate exactly as a plain store given the same writes.
TEST(caching_merge_test, iterators_over_clean_and_written_entries_equal_a_plain_stores) {
    const int64_t entry_bytes = 3 + 4 + 24 + 1 + 20;  // k<nn>, v<nnn> and Kafka's overhead
    merge_stores stores(6 * entry_bytes);
    auto& store = stores.store;
    auto& plain = stores.plain;
    auto key = [](uint64_t i) { return b("k" + std::to_string(10 + i % 20)); };
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int op = 0; op < 3000; ++op) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const bytes k = key(x >> 8);
        const bytes value = b("v" + std::to_string(100 + op % 900));
        ASSERT_NO_FATAL_FAILURE(random_step(store, plain, x % 20, 10, k, value, op));
        ASSERT_EQ(to_vector(*store.all()), to_vector(*plain.all())) << "op " << op;
        const bytes from = key(x >> 16), to = key(x >> 24);
        ASSERT_EQ(to_vector(*store.range(from, to)), to_vector(*plain.range(from, to))) << "op " << op;
        const bytes prefix = b("k" + std::to_string(1 + (x >> 32) % 2));
        ASSERT_EQ(to_vector(*store.prefix_scan(prefix)), to_vector(*plain.prefix_scan(prefix))) << "op " << op;
        ASSERT_LE(store.cached_bytes(), 6 * entry_bytes);
    }
}

// The same without a scan after every step (s19-hS): written entries are
// ordered only when a scan needs them, so many come and go (evicted,
// deleted and written down, restored, written again under a reused entry)
// between two scans, and each scan must still see exactly the live ones.
// Keys and values of different lengths, so entries reused after an
// eviction hold only their own bytes.
TEST(caching_merge_test, scans_after_long_runs_of_writes_evictions_and_reuse_equal_a_plain_stores) {
    merge_stores stores(8 * 60);
    auto& store = stores.store;
    auto& plain = stores.plain;
    auto key = [](uint64_t i) { return b("k" + std::string(i % 7, 'x') + std::to_string(i % 40)); };
    uint64_t x = 0x2545F4914F6CDD1Dull;
    for (int op = 0; op < 6000; ++op) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const bytes k = key(x >> 8);
        const bytes value = b("v" + std::string((x >> 40) % 30, 'y') + std::to_string(op));
        ASSERT_NO_FATAL_FAILURE(random_step(store, plain, x % 20, 11, k, value, op));
        if (op % 97 != 0) continue;
        ASSERT_EQ(to_vector(*store.all()), to_vector(*plain.all())) << "op " << op;
        const bytes from = key(x >> 16), to = key(x >> 24);
        ASSERT_EQ(to_vector(*store.range(from, to)), to_vector(*plain.range(from, to))) << "op " << op;
        ASSERT_EQ(to_vector(*store.prefix_scan(b("kx"))), to_vector(*plain.prefix_scan(b("kx")))) << "op " << op;
    }
}

// An iterator holds what the stores held when it was opened, while puts
// evict (a clean read entry, then a dirty one, writing every dirty entry
// down: written entries turn clean) before it is read.
TEST_F(caching_test, an_open_iterator_keeps_its_entries_while_puts_evict_and_flush) {
    open(false, /*max_bytes=*/4 * 47);  // room for four entries of one-byte keys and values
    below_->put(b("c"), v(b("3")));
    below_->put(b("d"), v(b("4")));
    EXPECT_EQ(store_->get(b("c")), b("3"));  // cached by the read, clean
    store_->put(b("a"), v(b("1")));
    store_->put(b("b"), v(b("2")));
    store_->put(b("d"), v(b("5")));
    auto all = store_->all();
    auto part = store_->range(b("b"), b("d"));
    store_->put(b("e"), v(b("6")));  // evicts c (clean)
    store_->put(b("f"), v(b("7")));  // evicts a: a, b, d, e, f written down
    store_->put(b("g"), v(b("8")));  // evicts b (now clean)
    EXPECT_EQ(flushed_.size(), 5u);
    using entries = std::vector<key_value<bytes, bytes>>;
    EXPECT_EQ(to_vector(*all), (entries{{b("a"), b("1")}, {b("b"), b("2")}, {b("c"), b("3")}, {b("d"), b("5")}}));
    EXPECT_EQ(to_vector(*part), (entries{{b("b"), b("2")}, {b("c"), b("3")}, {b("d"), b("5")}}));
    EXPECT_EQ(to_vector(*store_->range(b("b"), b("f"))),
              (entries{{b("b"), b("2")}, {b("c"), b("3")}, {b("d"), b("5")}, {b("e"), b("6")}, {b("f"), b("7")}}));
}

// Kafka's ThreadCache.maybeEvict with entries cached by reads: they count
// against the thread's budget like written ones, and a cache evicts only
// from itself, least recently used first. Here a read that goes over budget
// drops the reading store's eldest (clean, nothing forwarded) and a put that
// goes over budget because of those read entries evicts the writer's eldest
// and writes all its dirty entries down.
TEST(caching_budget_test, entries_cached_by_reads_share_the_budget_and_evict_from_their_own_cache) {
    thread_cache budget(4 * 47);  // four entries of one-byte keys and values
    testing::test_records records;
    auto counting = std::make_unique<get_counting_layer>(std::make_unique<in_memory_key_value_store>("reads"));
    get_counting_layer& below = *counting;
    caching_key_value_store reader(std::move(counting));
    caching_key_value_store writer(std::make_unique<in_memory_key_value_store>("writes"));
    std::vector<std::string> forwarded;
    for (auto* s : {&reader, &writer}) {
        store_context context;
        context.records = &records;
        context.cache = &budget;
        ASSERT_TRUE(s->init(context).has_value());
    }
    ASSERT_TRUE(writer.set_flush_listener(
        [&](bytes_view key, auto, auto, const auto&) { forwarded.emplace_back(as_chars(key)); }, false));
    for (auto k : {"a", "b", "c"}) below.put(b(k), v(b("1")));
    writer.put(b("x"), v(b("1")));
    writer.put(b("y"), v(b("1")));
    EXPECT_EQ(reader.get(b("a")), b("1"));
    EXPECT_EQ(reader.get(b("b")), b("1"));
    EXPECT_EQ(budget.size_bytes(), 4 * 47);
    EXPECT_EQ(reader.get(b("c")), b("1"));  // over budget: the reader drops its eldest, a
    EXPECT_TRUE(forwarded.empty());
    EXPECT_EQ(reader.cached_bytes(), 2 * 47);
    EXPECT_EQ(writer.cached_bytes(), 2 * 47);
    writer.put(b("z"), v(b("1")));  // over budget: the writer evicts x, writing x, y, z down
    EXPECT_EQ(forwarded, (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_EQ(writer.cached_bytes(), 2 * 47);
    const int gets = below.gets;
    EXPECT_EQ(reader.get(b("b")), b("1"));
    EXPECT_EQ(reader.get(b("c")), b("1"));
    EXPECT_EQ(below.gets, gets);  // b and c stayed cached
    EXPECT_EQ(reader.get(b("a")), b("1"));
    EXPECT_EQ(below.gets, gets + 1);
}

}  // namespace
}  // namespace samsa::streams
