// Read tokens: how a decoded-cache hit makes its key the record cache's most
// recently used without serializing the key or looking it up (read_token in
// key_value_bytes_store.h). The fast path must leave everything Kafka's
// NamedCache.get decides exactly as a plain get() would: eviction order, what
// evictions and flushes forward, the hit ratio, the metered get count; and
// it must never serve a row that changed or touch an entry that is no longer
// its key's.

#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "caching_store_setup.h"
#include "recording_changelog_sink.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/change_logging_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/key_value_store.h"
#include "samsa/streams/state/metered_key_value_store.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/state/write_counting_key_value_store.h"

namespace samsa::streams {
namespace {

using testing::recording_changelog_sink;

bytes b(std::string_view s) { return to_bytes(s); }
std::optional<bytes_view> v(const bytes& x) { return bytes_view(x); }
std::optional<std::string> str(std::optional<bytes_view> x) {
    if (!x) return std::nullopt;
    return std::string(as_chars(*x));
}

// Keeps what it records.
class recording_sensor final : public store_sensor {
public:
    bool should_record() const override { return true; }
    void record(double value) override { values.push_back(value); }
    std::vector<double> values;
};

struct forwarded {
    std::string key;
    std::optional<std::string> new_value;
    std::optional<std::string> old_value;
    int64_t timestamp;
    bool operator==(const forwarded&) const = default;
};

// A layer that knows nothing of tokens and counts the reads it sees by key,
// as the runtime's locking layer must see them.
class counting_layer final : public wrapping_key_value_store {
public:
    using wrapping_key_value_store::wrapping_key_value_store;
    void note_read(bytes_view key) override {
        noted.emplace_back(as_chars(key));
        wrapping_key_value_store::note_read(key);
    }
    std::optional<bytes> get(bytes_view key) override {
        noted.emplace_back(as_chars(key));
        return wrapping_key_value_store::get(key);
    }
    // The keys read, by get() or note_read().
    std::vector<std::string> noted;
};

// One store as a task has it: metered (get latency recorded) -> write
// counting -> caching -> change logging -> in-memory, the record cache's hit
// ratio recorded, every flushed entry kept.
struct task_store {
    recording_changelog_sink sink;
    testing::test_records records = testing::with_time(1);
    recording_sensor get_latency;
    recording_sensor hit_ratio;
    std::vector<forwarded> flushed;
    std::unique_ptr<key_value_bytes_store> stack;

    explicit task_store(int64_t cache_max_bytes) {
        auto built = stores::key_value_store_builder(stores::in_memory_key_value_store("s"))
                         .with_caching_enabled()
                         .build();
        store_meters meters;
        meters.get = &get_latency;
        stack = std::make_unique<metered_key_value_store>(std::move(built), meters);
        EXPECT_TRUE(stack->set_cache_hit_ratio_sensor(&hit_ratio));
        testing::open_caching_store(
            *stack, sink, records, cache_max_bytes,
            [this](bytes_view key, std::optional<bytes_view> nv, std::optional<bytes_view> ov,
                   const record_context& c) { flushed.push_back({std::string(as_chars(key)), str(nv), str(ov), c.timestamp}); },
            /*send_old_values=*/true);
    }
    key_value_store<std::string, std::string> facade() {
        return key_value_store<std::string, std::string>(*stack, serdes::string(), serdes::string(), "s");
    }
};

TEST(read_token_test, decoded_hits_evict_flush_and_count_exactly_as_plain_gets) {
    // The same random mix of reads, writes, deletes, commits and restores
    // on two stores with a record cache of about six entries: one read
    // through a decoded cache (token hits), one through plain get() (Kafka's
    // path). Every read, every forwarded entry, the changelog, the hit ratio
    // and the metered get count must be the same.
    task_store decoded(6 * 50), plain(6 * 50);
    auto reader = decoded.facade();
    reader.enable_decoded_cache(1 << 10);
    auto decoded_writer = decoded.facade();
    auto plain_facade = plain.facade();
    std::mt19937 rng(12);
    const std::vector<std::string> keys = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"};
    for (int step = 0; step < 4000; ++step) {
        decoded.records.set_time(step), plain.records.set_time(step);
        const std::string& k = keys[rng() % keys.size()];
        const unsigned op = rng() % 100;
        if (op < 60) {
            const std::string* got = reader.find(k);
            std::optional<std::string> want = plain_facade.get(k);
            ASSERT_EQ(got ? std::optional<std::string>(*got) : std::nullopt, want) << "step " << step << " key " << k;
        } else if (op < 85) {
            std::string value = "v" + std::to_string(step % 7);
            decoded_writer.put(k, value), plain_facade.put(k, value);
        } else if (op < 92) {
            decoded_writer.remove(k), plain_facade.remove(k);
        } else if (op < 97) {
            decoded.stack->flush_cache(), plain.stack->flush_cache();
        } else {
            bytes value = b("r" + std::to_string(step));
            decoded.stack->restore(b(k), v(value), step), plain.stack->restore(b(k), v(value), step);
        }
        ASSERT_EQ(decoded.flushed, plain.flushed) << "step " << step;
    }
    EXPECT_FALSE(plain.flushed.empty());
    EXPECT_EQ(decoded.sink.records, plain.sink.records);
    EXPECT_EQ(decoded.hit_ratio.values, plain.hit_ratio.values);
    EXPECT_EQ(decoded.get_latency.values.size(), plain.get_latency.values.size());
}

class token_test : public ::testing::Test {
protected:
    std::unique_ptr<caching_key_value_store> open(int64_t max_bytes) {
        auto store = std::make_unique<caching_key_value_store>(std::make_unique<in_memory_key_value_store>("s"));
        testing::open_caching_store(
            *store, sink_, records_, max_bytes,
            [this](bytes_view key, std::optional<bytes_view>, std::optional<bytes_view>, const record_context&) {
                flushed_.emplace_back(as_chars(key));
            },
            false);
        return store;
    }
    read_token issued(key_value_bytes_store& store, std::string_view key) {
        read_token token;
        store.note_read_issuing(b(key), token);
        return token;
    }

    recording_changelog_sink sink_;
    testing::test_records records_ = testing::with_time(1);
    std::vector<std::string> flushed_;
};

TEST_F(token_test, a_token_moves_its_key_even_after_the_index_grew) {
    // Entries of key "kNNN" and value "v" cost 4 + 1 + 45 bytes: room for a and 99 of them.
    auto store = open(47 + 99 * 50);
    store->put(b("a"), v(b("v")));  // 1 + 1 + 45 bytes
    read_token token = issued(*store, "a");
    ASSERT_TRUE(token.valid);
    ASSERT_NE(token.layer, 0u);
    char key[8];
    for (int i = 0; i < 98; ++i) {  // the hash index grows from 16 slots to 256
        std::snprintf(key, sizeof key, "k%03d", i);
        store->put(b(key), v(b("v")));
    }
    EXPECT_TRUE(store->note_read_again(token, 0));  // a: the most recently used
    store->put(b("k098"), v(b("v")));
    store->put(b("k099"), v(b("v")));  // over budget: k000 is the eldest, not a
    ASSERT_FALSE(flushed_.empty());
    EXPECT_EQ(flushed_[0], "k000");
    EXPECT_EQ(flushed_[1], "a");  // then every dirty entry in write order
    EXPECT_EQ(flushed_[2], "k001");
    EXPECT_EQ(flushed_.size(), 101u);
}

TEST_F(token_test, a_token_dies_with_its_entry_and_is_not_taken_for_the_entry_reused) {
    auto store = open(100);  // two entries of 47 bytes
    store->put(b("a"), v(b("1")));
    store->put(b("b"), v(b("2")));
    store->flush();  // both below and cached, clean: a, b
    flushed_.clear();
    read_token token = issued(*store, "a");         // b, a
    store->put(b("c"), v(b("3")));                  // b leaves: a, c
    EXPECT_TRUE(store->note_read_again(token, 0));  // c, a
    EXPECT_EQ(store->get(b("b")), b("2"));          // cached again; c (dirty) leaves: a, b
    EXPECT_EQ(flushed_, (std::vector<std::string>{"c"}));
    EXPECT_EQ(store->get(b("c")), b("3"));  // a leaves: b, c
    EXPECT_FALSE(store->note_read_again(token, 0));
    store->put(b("d"), v(b("4")));  // in the entry a had; b leaves: c, d
    EXPECT_EQ(store->get(b("c")), b("3"));  // d, c
    flushed_.clear();
    EXPECT_FALSE(store->note_read_again(token, 0));  // must not make d the most recent
    EXPECT_EQ(store->get(b("b")), b("2"));           // d (dirty) is the eldest and leaves
    EXPECT_EQ(flushed_, (std::vector<std::string>{"d"}));
    // A key read again by key is cached again, with a new token.
    EXPECT_EQ(store->get(b("a")), b("1"));
    read_token again = issued(*store, "a");
    EXPECT_TRUE(again.valid);
    EXPECT_TRUE(store->note_read_again(again, 0));
    EXPECT_FALSE(store->note_read_again(token, 0));
}

TEST_F(token_test, tokens_die_on_restore_and_close_and_belong_to_one_layer) {
    auto store = open(1 << 20);
    auto other = open(1 << 20);
    store->put(b("k"), v(b("1")));
    other->put(b("k"), v(b("1")));
    read_token token = issued(*store, "k");
    EXPECT_FALSE(other->note_read_again(token, 0));
    EXPECT_TRUE(store->note_read_again(token, 0));
    store->restore(b("k"), v(b("2")), 5);  // drops the cached copy
    EXPECT_FALSE(store->note_read_again(token, 0));
    token = issued(*store, "k");  // read from below and cached, clean
    EXPECT_TRUE(token.valid);
    EXPECT_TRUE(store->note_read_again(token, 0));
    store->close();
    EXPECT_FALSE(store->note_read_again(token, 0));
    // An absent key has no entry: no token, the reader reads by key.
    EXPECT_FALSE(issued(*other, "absent").valid);
    read_token from_get;
    EXPECT_EQ(other->get_issuing(b("absent"), from_get), std::nullopt);
    EXPECT_FALSE(from_get.valid);
    EXPECT_EQ(other->get_issuing(b("k"), from_get), b("1"));
    EXPECT_TRUE(other->note_read_again(from_get, 0));
}

TEST_F(token_test, a_record_cache_token_answers_for_its_key_and_the_write_count_for_the_rest) {
    auto stack = stores::key_value_store_builder(stores::in_memory_key_value_store("s"))
                     .with_logging_disabled()
                     .with_caching_enabled()
                     .build();
    testing::open_caching_store(*stack, sink_, records_, 1 << 20, [](auto, auto, auto, const auto&) {}, false);
    stack->put(b("k"), v(b("1")));
    read_token token = issued(*stack, "k");
    const uint64_t seen = *stack->write_count();
    EXPECT_TRUE(stack->note_read_again(token, seen));
    stack->put(b("other"), v(b("x")));  // another key: k reads the same
    EXPECT_TRUE(stack->note_read_again(token, seen));
    stack->put(b("k"), v(b("1")));  // k itself, even with the same bytes: the reader must look again
    EXPECT_FALSE(stack->note_read_again(token, seen + 2));
    token = issued(*stack, "k");
    EXPECT_TRUE(stack->note_read_again(token, seen + 2));
    stack->remove(b("k"));
    EXPECT_FALSE(stack->note_read_again(token, seen + 3));
    // Without a record cache the stack has nothing to do on a read: a token
    // with no entry, still guarded by the count.
    auto bare = stores::key_value_store_builder(stores::in_memory_key_value_store("t")).with_logging_disabled().build();
    ASSERT_TRUE(bare->init(store_context{}).has_value());
    read_token empty = issued(*bare, "k");
    EXPECT_TRUE(empty.valid);
    EXPECT_EQ(empty.layer, 0u);
    EXPECT_TRUE(bare->note_read_again(empty, 0));
    bare->put(b("k"), v(b("1")));
    EXPECT_FALSE(bare->note_read_again(empty, 0));
}

TEST(read_token_facade_test, decoded_hits_over_a_record_cache_see_writes_through_any_facade_restore_and_close) {
    task_store store(1 << 20);
    auto reader = store.facade();
    reader.enable_decoded_cache(16);
    auto writer = store.facade();
    writer.put("k", std::string("v1"));
    EXPECT_EQ(*reader.find("k"), "v1");
    EXPECT_EQ(*reader.find("k"), "v1");  // a token hit
    writer.put("other", std::string("x"));
    EXPECT_EQ(*reader.find("k"), "v1");  // still one: only k's own writes end it
    writer.put("k", std::string("v2"));
    EXPECT_EQ(*reader.find("k"), "v2");
    EXPECT_EQ(*reader.find("k"), "v2");
    store.stack->put(b("k"), v(b("v3")));  // through the bytes stack
    EXPECT_EQ(*reader.find("k"), "v3");
    store.stack->flush();
    store.stack->restore(b("k"), v(b("v4")), 9);  // a restore drops the cached entry
    EXPECT_EQ(*reader.find("k"), "v4");
    EXPECT_EQ(*reader.find("k"), "v4");
    writer.remove("k");
    EXPECT_EQ(reader.find("k"), nullptr);
    EXPECT_EQ(reader.find("k"), nullptr);  // a hit on the cached deletion
    store.stack->flush();                  // the deletion is written down and leaves the cache
    EXPECT_EQ(reader.find("k"), nullptr);
    writer.put("k", std::string("v5"));
    EXPECT_EQ(*reader.find("k"), "v5");
    store.stack->close();  // an in-memory store forgets its rows
    store_context context;
    context.changelog = &store.sink;
    context.records = &store.records;
    ASSERT_TRUE(store.stack->init(context).has_value());
    EXPECT_EQ(reader.find("k"), nullptr);
}

TEST(read_token_facade_test, a_layer_that_does_not_take_tokens_sees_every_decoded_hit_by_key) {
    // The runtime's locking layer sits on top of a stack and must see each
    // read (it takes its lock there): a layer that does not forward tokens
    // makes the reader read by key every time.
    auto built = stores::key_value_store_builder(stores::in_memory_key_value_store("s"))
                     .with_logging_disabled()
                     .with_caching_enabled()
                     .build();
    auto layer = std::make_unique<counting_layer>(std::move(built));
    counting_layer& counting = *layer;
    recording_changelog_sink sink;
    testing::test_records records = testing::with_time(1);
    testing::open_caching_store(*layer, sink, records, 1 << 20, [](auto, auto, auto, const auto&) {}, false);
    key_value_store<std::string, std::string> reader(*layer, serdes::string(), serdes::string(), "s");
    reader.enable_decoded_cache(16);
    reader.put("k", std::string("v"));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(*reader.find("k"), "v");
    // Each find reads by key (the first decodes, the others check the bytes).
    EXPECT_EQ(counting.noted, (std::vector<std::string>{"k", "k", "k"}));
}

TEST(read_token_facade_test, readers_on_other_threads_take_tokens_through_the_lock_and_see_every_write) {
    // A global store as the runtime has it: the locking layer on top, one
    // writer (the global thread), readers with decoded caches of their own
    // (stream threads' tasks). Tokens pass the lock; the record cache holds
    // every key, so only the writes end tokens. When the writer is done,
    // every reader must see every key's last value.
    auto built = stores::key_value_store_builder(stores::in_memory_key_value_store("g"))
                     .with_logging_disabled()
                     .with_caching_enabled()
                     .build();
    internal::synchronized_key_value_store store(std::move(built));
    store_context context;
    context.cache_max_bytes = 1 << 20;
    ASSERT_TRUE(store.init(context).has_value());
    auto key = [](int i) { return "k" + std::to_string(i); };
    {
        key_value_store<std::string, std::string> writer(store, serdes::string(), serdes::string(), "g");
        for (int i = 0; i < 50; ++i) writer.put(key(i), key(i) + "@0");
    }
    read_token token;
    store.note_read_issuing(b("k49"), token);
    EXPECT_TRUE(token.valid);
    EXPECT_NE(token.layer, 0u);  // the record cache's, through the lock
    EXPECT_TRUE(store.note_read_again(token, *store.write_count()));

    std::atomic<bool> done{false};
    auto read = [&](unsigned seed, std::vector<std::string>& last) {
        key_value_store<std::string, std::string> reader(store, serdes::string(), serdes::string(), "g");
        reader.enable_decoded_cache(64);
        std::mt19937 rng(seed);
        for (int n = 0; n < 20000 && !done.load(); ++n) {
            const int i = static_cast<int>(rng() % 50);
            const std::string* v = reader.find(key(i));
            if (v == nullptr || v->rfind(key(i) + "@", 0) != 0) {
                ADD_FAILURE() << "key " << key(i) << " read " << (v ? *v : "nothing");
                return;
            }
        }
        while (!done.load()) std::this_thread::yield();
        for (int i = 0; i < 50; ++i) last.push_back(*reader.find(key(i)));
    };
    std::vector<std::string> first, second;
    std::thread r1(read, 1u, std::ref(first)), r2(read, 2u, std::ref(second));
    {
        key_value_store<std::string, std::string> writer(store, serdes::string(), serdes::string(), "g");
        for (int round = 1; round <= 40; ++round) {
            for (int i = 0; i < 50; ++i) writer.put(key(i), key(i) + "@" + std::to_string(round));
        }
    }
    done.store(true);
    r1.join(), r2.join();
    std::vector<std::string> want;
    for (int i = 0; i < 50; ++i) want.push_back(key(i) + "@40");
    EXPECT_EQ(first, want);
    EXPECT_EQ(second, want);
}


// Under the record cache, where an inner store is: counts the reads that
// reach it, and agrees to be skipped by a reader who knows the value.
class below_counting_layer final : public wrapping_key_value_store {
public:
    using wrapping_key_value_store::wrapping_key_value_store;
    std::optional<bytes> get(bytes_view key) override {
        ++gets;
        return wrapping_key_value_store::get(key);
    }
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override {
        return inner().note_read_known(key, value, writes_seen, token);
    }
    // The reads that reached it.
    int gets = 0;
};

// Two stores of one task sharing the thread's record-cache budget, as the
// order-mail app has them: a table only read (through a decoded cache, by a
// join's value getter, or by plain get() for comparison) and a store written
// on every record, whose dirty entries the budget evicts and forwards. The
// table's stack is the runtime's: locking -> metered -> write counting ->
// caching -> change logging -> (counting) in-memory.
struct shared_budget_task {
    recording_changelog_sink sink;
    testing::test_records records = testing::with_time(1);
    thread_cache budget;
    recording_sensor table_gets;
    recording_sensor table_hit_ratio;
    below_counting_layer* table_below = nullptr;
    caching_key_value_store* table_cache = nullptr;
    std::unique_ptr<key_value_bytes_store> table;
    std::unique_ptr<key_value_bytes_store> written;
    std::vector<forwarded> flushed;  // keys as "t:" or "w:" + key, by store

    explicit shared_budget_task(int64_t budget_bytes) : budget(budget_bytes) {
        auto below = std::make_unique<below_counting_layer>(std::make_unique<in_memory_key_value_store>("t"));
        table_below = below.get();
        auto cache = std::make_unique<caching_key_value_store>(
            std::make_unique<change_logging_key_value_store>(std::move(below)));
        table_cache = cache.get();
        store_meters meters;
        meters.get = &table_gets;
        table = std::make_unique<internal::synchronized_key_value_store>(std::make_unique<metered_key_value_store>(
            std::make_unique<write_counting_key_value_store>(std::move(cache)), meters));
        EXPECT_TRUE(table->set_cache_hit_ratio_sensor(&table_hit_ratio));
        written = stores::key_value_store_builder(stores::in_memory_key_value_store("w")).with_caching_enabled().build();
        open(*table, "t:");
        open(*written, "w:");
    }
    void open(key_value_bytes_store& store, std::string tag) {
        store_context context;
        context.application_id = "app";
        context.changelog = &sink;
        context.records = &records;
        context.cache = &budget;
        ASSERT_TRUE(store.init(context).has_value());
        ASSERT_TRUE(store.set_flush_listener(
            [this, tag](bytes_view key, std::optional<bytes_view> nv, std::optional<bytes_view> ov,
                        const record_context& c) {
                flushed.push_back({tag + std::string(as_chars(key)), str(nv), str(ov), c.timestamp});
            },
            /*send_old_values=*/true));
    }
    key_value_store<std::string, std::string> table_facade() {
        return key_value_store<std::string, std::string>(*table, serdes::string(), serdes::string(), "t");
    }
};

std::string row_key(int i) { return "c" + std::to_string(10 + i); }

// Rows 0 to 9 written to the task's table and flushed below, and a reader
// of the table with a decoded cache.
key_value_store<std::string, std::string> ten_rows_and_a_reader(shared_budget_task& task) {
    for (int i = 0; i < 10; ++i) task.table->put(b(row_key(i)), v(b("row" + std::to_string(i))));
    task.table->flush();
    auto reader = task.table_facade();
    reader.enable_decoded_cache(64);
    return reader;
}

TEST(read_known_test, a_table_read_again_after_its_rows_left_the_record_cache_reads_nothing_below_until_written) {
    // Room for three of the table's rows: every row has left the record
    // cache by the time it is read again, yet nothing was written, so the
    // stored bytes are the ones the decoded cache holds.
    shared_budget_task task(3 * 52);  // a row costs 3 + 4 + 45 bytes
    auto reader = ten_rows_and_a_reader(task);
    auto read_all = [&] {
        const int before = task.table_below->gets;
        for (int i = 0; i < 10; ++i) {
            const std::string* row = reader.find(row_key(i));
            EXPECT_EQ(row ? *row : "nothing", "row" + std::to_string(i));
        }
        return task.table_below->gets - before;
    };
    EXPECT_EQ(read_all(), 10);  // every row from below once (seven were evicted by the load)
    EXPECT_EQ(read_all(), 0);
    EXPECT_EQ(read_all(), 0);
    // The record cache did what ten plain gets do: it holds the last three.
    EXPECT_EQ(task.table_cache->cached_bytes(), 3 * 52);
    EXPECT_EQ(task.table_gets.values.size(), 30u);

    task.table->put(b("other"), v(b("x")));  // a write to any key of the table
    task.table->flush();                     // (written down first, so its old value is not read below meanwhile)
    EXPECT_EQ(read_all(), 10);
    EXPECT_EQ(read_all(), 0);
    task.written->put(b("w"), v(b("x")));  // another store's write changes nothing here
    EXPECT_EQ(read_all(), 0);
    task.table->flush();
    task.table->restore(b(row_key(5)), v(b("restored")), 7);
    const int before = task.table_below->gets;
    EXPECT_EQ(*reader.find(row_key(5)), "restored");
    EXPECT_EQ(task.table_below->gets - before, 1);
}

TEST(read_known_test, rows_read_again_without_reading_below_evict_and_forward_exactly_as_plain_gets) {
    // The same random mix on two tasks whose table and written store share a
    // budget of about twelve entries: one reads the table through a decoded
    // cache, the other through plain get() (Kafka's path). The table's
    // evictions decide when the written store's dirty entries are evicted
    // and forwarded, so every forwarded record, the changelog, the record
    // cache's size, hit ratio and metered gets must be the same; and the
    // decoded reader must read below less often.
    shared_budget_task decoded(12 * 53), plain(12 * 53);
    for (auto* task : {&decoded, &plain}) {
        for (int i = 0; i < 30; ++i) task->table->put(b(row_key(i)), v(b("row" + std::to_string(i))));
        task->table->flush();
    }
    auto reader = decoded.table_facade();
    reader.enable_decoded_cache(1 << 10);
    auto plain_reader = plain.table_facade();
    int decoded_reads_below = 0, plain_reads_below = 0;  // by the table's readers
    std::mt19937 rng(7);
    for (int step = 0; step < 5000; ++step) {
        decoded.records.set_time(step), plain.records.set_time(step);
        const unsigned op = rng() % 1000;
        const std::string row = row_key(static_cast<int>(rng() % 30));
        if (op < 640) {
            const int d0 = decoded.table_below->gets, p0 = plain.table_below->gets;
            const std::string* got = reader.find(row);
            std::optional<std::string> want = plain_reader.get(row);
            decoded_reads_below += decoded.table_below->gets - d0, plain_reads_below += plain.table_below->gets - p0;
            ASSERT_EQ(got ? std::optional<std::string>(*got) : std::nullopt, want) << "step " << step;
        } else if (op < 940) {
            bytes key = b("w" + std::to_string(rng() % 20)), value = b("v" + std::to_string(step));
            decoded.written->put(key, v(value)), plain.written->put(key, v(value));
        } else if (op < 992) {
            for (auto* task : {&decoded, &plain}) task->table->flush_cache(), task->written->flush_cache();
        } else if (op < 997) {
            bytes value = b("new" + std::to_string(step));
            decoded.table->put(b(row), v(value)), plain.table->put(b(row), v(value));
        } else {
            bytes value = b("restored" + std::to_string(step));
            decoded.table->restore(b(row), v(value), step), plain.table->restore(b(row), v(value), step);
        }
        ASSERT_EQ(decoded.flushed, plain.flushed) << "step " << step;
        ASSERT_EQ(decoded.table_cache->cached_bytes(), plain.table_cache->cached_bytes()) << "step " << step;
        ASSERT_EQ(decoded.budget.size_bytes(), plain.budget.size_bytes()) << "step " << step;
    }
    EXPECT_GT(std::count_if(plain.flushed.begin(), plain.flushed.end(),
                            [](const forwarded& f) { return f.key.starts_with("w:"); }),
              100);
    EXPECT_EQ(decoded.sink.records, plain.sink.records);
    EXPECT_EQ(decoded.table_hit_ratio.values, plain.table_hit_ratio.values);
    EXPECT_EQ(decoded.table_gets.values.size(), plain.table_gets.values.size());
    EXPECT_LT(decoded_reads_below * 2, plain_reads_below);
}

TEST(read_known_test, a_row_kept_without_its_bytes_reads_as_the_store_holds_it_by_key_and_when_written) {
    // A row kept again through note_read_known() is counted in the record
    // cache but not copied into it (held_below, s19-hS): a plain get(), a
    // query and a write of the key must still see what a get() would, the
    // old value forwarded at the flush included, and a get() that hits the
    // entry reads below once and keeps the bytes from then on.
    shared_budget_task task(3 * 52);  // a row costs 3 + 4 + 45 bytes
    auto reader = ten_rows_and_a_reader(task);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 10; ++i) ASSERT_EQ(*reader.find(row_key(i)), "row" + std::to_string(i));
    }
    // The record cache holds rows 7, 8 and 9, kept by the second round's
    // known reads.
    ASSERT_EQ(task.table_cache->cached_bytes(), 3 * 52);
    const size_t hits_before = task.table_hit_ratio.values.size();
    int before = task.table_below->gets;
    EXPECT_EQ(task.table->get(b(row_key(9))), b("row9"));
    EXPECT_EQ(task.table_below->gets - before, 1);
    EXPECT_EQ(task.table_hit_ratio.values.size(), hits_before + 1);  // a hit, as Kafka counts it
    before = task.table_below->gets;
    EXPECT_EQ(task.table->get(b(row_key(9))), b("row9"));
    EXPECT_EQ(task.table_below->gets - before, 0);
    EXPECT_EQ(task.table->query_get(b(row_key(8))), b("row8"));
    std::vector<std::pair<std::string, std::string>> all;
    for (auto it = task.table->all(); it->has_next();) {
        auto kv = it->next();
        all.emplace_back(as_chars(kv.key), as_chars(kv.value));
    }
    ASSERT_EQ(all.size(), 10u);
    EXPECT_EQ(all[7], std::make_pair(row_key(7), std::string("row7")));
    // Written while held: the flush forwards the row it replaced.
    task.flushed.clear();
    task.table->put(b(row_key(7)), v(b("new7")));
    task.table->flush_cache();
    ASSERT_EQ(task.flushed.size(), 1u);
    EXPECT_EQ(task.flushed[0].new_value, "new7");
    EXPECT_EQ(task.flushed[0].old_value, "row7");
    EXPECT_EQ(*reader.find(row_key(7)), "new7");
    EXPECT_EQ(task.table->get(b(row_key(7))), b("new7"));
    EXPECT_EQ(task.table_cache->cached_bytes(), 3 * 52);
}

TEST(read_known_test, a_row_written_by_what_its_own_read_evicted_is_read_again) {
    // A read that misses the record cache keeps the row and may evict a
    // dirty entry, whose listener may write the row being read. The read
    // returns the row as it was (as get() does); the next must see the
    // write, although the record cache then holds the row under a token
    // the reader could take.
    task_store store(2 * 47);  // two entries of a one-byte key and value
    auto reader = store.facade();
    reader.enable_decoded_cache(16);
    store.stack->put(b("k"), v(b("1")));
    store.stack->flush();
    store.stack->put(b("x"), v(b("2")));
    store.flushed.clear();
    store.stack->put(b("y"), v(b("3")));  // k, clean and eldest, leaves
    ASSERT_TRUE(store.flushed.empty());
    bool wrote = false;
    ASSERT_TRUE(store.stack->set_flush_listener(
        [&](bytes_view key, std::optional<bytes_view>, std::optional<bytes_view>, const record_context&) {
            if (as_chars(key) == "x" && !wrote) {
                wrote = true;
                store.stack->put(b("k"), v(b("new")));
            }
        },
        false));
    EXPECT_EQ(*reader.find("k"), "1");  // kept again, evicting x, whose flush writes k
    ASSERT_TRUE(wrote);
    EXPECT_EQ(*reader.find("k"), "new");
    EXPECT_EQ(*reader.find("k"), "new");
}


TEST(read_known_test, a_row_kept_again_whose_eviction_wrote_it_is_read_again) {
    // The same through note_read_known(): the row was decoded, left the
    // record cache while nothing was written, and keeping it again evicts
    // a dirty entry whose listener writes the row.
    auto memory = std::make_unique<in_memory_key_value_store>("s");
    in_memory_key_value_store& below = *memory;
    write_counting_key_value_store stack(std::make_unique<caching_key_value_store>(std::move(memory)));
    recording_changelog_sink sink;
    testing::test_records records = testing::with_time(1);
    bool wrote = false;
    testing::open_caching_store(
        stack, sink, records, 3 * 47,  // three entries of a one-byte key and value
        [&](bytes_view key, std::optional<bytes_view>, std::optional<bytes_view>, const record_context&) {
            if (as_chars(key) == "x" && !wrote) {
                wrote = true;
                stack.put(b("k"), v(b("new")));
            }
        },
        false);
    for (const char* key : {"k", "a", "b"}) below.put(b(key), v(b("1")));
    key_value_store<std::string, std::string> reader(stack, serdes::string(), serdes::string(), "s");
    reader.enable_decoded_cache(16);
    stack.put(b("x"), v(b("9")));        // x
    EXPECT_EQ(*reader.find("k"), "1");   // x, k
    EXPECT_EQ(stack.get(b("x")), b("9"));  // k, x
    EXPECT_EQ(stack.get(b("a")), b("1"));  // k, x, a
    EXPECT_EQ(stack.get(b("b")), b("1"));  // k leaves: x, a, b
    EXPECT_EQ(*reader.find("k"), "1");   // kept again, evicting x, whose flush writes k
    ASSERT_TRUE(wrote);
    EXPECT_EQ(*reader.find("k"), "new");
    EXPECT_EQ(*reader.find("k"), "new");
}

}  // namespace
}  // namespace samsa::streams
