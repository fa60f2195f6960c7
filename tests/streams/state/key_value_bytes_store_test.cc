// The key_value_bytes_store contract, run over both implementations (in-memory
// and RocksDB), plus what only RocksDB does: survive close and reopen, refuse a
// locked directory.

#include <fstream>

#include <gtest/gtest.h>

#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using test_support::temp_dir;

bytes b(std::string_view s) { return to_bytes(s); }
std::optional<bytes_view> v(const bytes& x) { return bytes_view(x); }

struct in_memory_factory {
    static std::unique_ptr<key_value_bytes_store> make(std::string name) {
        return std::make_unique<in_memory_key_value_store>(std::move(name));
    }
};
struct rocksdb_factory {
    static std::unique_ptr<key_value_bytes_store> make(std::string name) {
        return std::make_unique<rocksdb_key_value_store>(std::move(name));
    }
};

template<class Factory>
class key_value_bytes_store_test : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = Factory::make("store");
        context_.application_id = "app";
        context_.task_dir = dir_.path() / "0_0";
        ASSERT_TRUE(store_->init(context_).has_value());
    }

    std::vector<std::pair<std::string, std::string>> drain(std::unique_ptr<bytes_iterator> it) {
        std::vector<std::pair<std::string, std::string>> out;
        while (it->has_next()) {
            auto kv = it->next();
            out.emplace_back(std::string(as_chars(kv.key)), std::string(as_chars(kv.value)));
        }
        return out;
    }
    void put(std::string_view k, std::string_view val) { store_->put(b(k), v(b(val))); }

    temp_dir dir_;
    store_context context_;
    std::unique_ptr<key_value_bytes_store> store_;
};

using factories = ::testing::Types<in_memory_factory, rocksdb_factory>;
TYPED_TEST_SUITE(key_value_bytes_store_test, factories);

TYPED_TEST(key_value_bytes_store_test, put_get_overwrite) {
    auto& s = *this->store_;
    EXPECT_TRUE(s.is_open());
    EXPECT_EQ(s.name(), "store");
    EXPECT_EQ(s.get(b("a")), std::nullopt);
    this->put("a", "1");
    EXPECT_EQ(s.get(b("a")), b("1"));
    this->put("a", "22");
    EXPECT_EQ(s.get(b("a")), b("22"));
    this->put("empty", "");
    EXPECT_EQ(s.get(b("empty")), bytes{});  // an empty value is a value, not a delete
}

TYPED_TEST(key_value_bytes_store_test, put_nullopt_and_remove_delete) {
    auto& s = *this->store_;
    this->put("a", "1");
    this->put("b", "2");
    s.put(b("a"), std::nullopt);
    EXPECT_EQ(s.get(b("a")), std::nullopt);
    EXPECT_EQ(s.remove(b("b")), b("2"));
    EXPECT_EQ(s.get(b("b")), std::nullopt);
    EXPECT_EQ(s.remove(b("b")), std::nullopt);
    s.put(b("never"), std::nullopt);  // deleting an absent key is fine
}

TYPED_TEST(key_value_bytes_store_test, put_if_absent_returns_existing) {
    auto& s = *this->store_;
    EXPECT_EQ(s.put_if_absent(b("a"), v(b("1"))), std::nullopt);
    EXPECT_EQ(s.put_if_absent(b("a"), v(b("2"))), b("1"));
    EXPECT_EQ(s.get(b("a")), b("1"));
}

TYPED_TEST(key_value_bytes_store_test, put_all_writes_and_deletes) {
    auto& s = *this->store_;
    this->put("gone", "x");
    std::vector<bytes_entry> entries{{b("a"), b("1")}, {b("b"), b("2")}, {b("gone"), std::nullopt}};
    s.put_all(entries);
    EXPECT_EQ(s.get(b("a")), b("1"));
    EXPECT_EQ(s.get(b("b")), b("2"));
    EXPECT_EQ(s.get(b("gone")), std::nullopt);
}

TYPED_TEST(key_value_bytes_store_test, range_is_inclusive_and_byte_ordered) {
    auto& s = *this->store_;
    for (auto k : {"c", "a", "b", "aa", "d"}) this->put(k, std::string(k) + "!");
    s.put(bytes{0xff}, v(b("high")));  // unsigned: 0xff sorts after every ASCII key
    s.put(bytes{0x01}, v(b("low")));
    using kvs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(this->drain(s.range(b("aa"), b("c"))), (kvs{{"aa", "aa!"}, {"b", "b!"}, {"c", "c!"}}));
    EXPECT_EQ(this->drain(s.range(b("a"), b("a"))), (kvs{{"a", "a!"}}));
    EXPECT_EQ(this->drain(s.range(b("c"), b("a"))), kvs{});  // from > to
    EXPECT_EQ(this->drain(s.range(b("bb"), b("bz"))), kvs{});
    auto all = this->drain(s.all());
    ASSERT_EQ(all.size(), 7u);
    EXPECT_EQ(all.front().second, "low");
    EXPECT_EQ(all[1].first, "a");
    EXPECT_EQ(all[2].first, "aa");
    EXPECT_EQ(all.back().second, "high");
}

TYPED_TEST(key_value_bytes_store_test, prefix_scan) {
    auto& s = *this->store_;
    for (auto k : {"user:1", "user:2", "usf", "use", "order:1"}) this->put(k, "x");
    using kvs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(this->drain(s.prefix_scan(b("user:"))), (kvs{{"user:1", "x"}, {"user:2", "x"}}));
    EXPECT_EQ(this->drain(s.prefix_scan(b("zzz"))), kvs{});
}

TYPED_TEST(key_value_bytes_store_test, iterator_peek_and_writes_during_iteration) {
    auto& s = *this->store_;
    for (auto k : {"a", "b", "c"}) this->put(k, "x");
    auto it = s.all();
    ASSERT_TRUE(it->has_next());
    EXPECT_EQ(it->peek_next_key(), b("a"));
    EXPECT_EQ(it->next().key, b("a"));
    // Deleting and adding while iterating does not disturb the iterator, which
    // sees the store as it was.
    s.remove(b("b"));
    this->put("bb", "y");
    std::vector<bytes> rest;
    while (it->has_next()) rest.push_back(it->next().key);
    EXPECT_EQ(rest, (std::vector<bytes>{b("b"), b("c")}));
    EXPECT_EQ(this->drain(s.all()).size(), 3u);
}

TYPED_TEST(key_value_bytes_store_test, approximate_num_entries) {
    auto& s = *this->store_;
    EXPECT_EQ(s.approximate_num_entries(), 0);
    for (auto k : {"a", "b", "c"}) this->put(k, "x");
    s.flush();
    EXPECT_EQ(s.approximate_num_entries(), 3);
}

TYPED_TEST(key_value_bytes_store_test, closed_store_refuses_operations) {
    auto& s = *this->store_;
    this->put("a", "1");
    s.close();
    EXPECT_FALSE(s.is_open());
    EXPECT_THROW(s.get(b("a")), state_store_error);
    EXPECT_THROW(this->put("a", "2"), state_store_error);
    EXPECT_THROW(s.all(), state_store_error);
    ASSERT_TRUE(s.init(this->context_).has_value());
    EXPECT_TRUE(s.is_open());
    // In memory the contents go with close(); RocksDB keeps them.
    EXPECT_EQ(s.get(b("a")).has_value(), s.persistent());
}

TYPED_TEST(key_value_bytes_store_test, restore_is_a_put) {
    auto& s = *this->store_;
    s.restore(b("a"), v(b("1")), 5);
    EXPECT_EQ(s.get(b("a")), b("1"));
    s.restore(b("a"), std::nullopt, 6);
    EXPECT_EQ(s.get(b("a")), std::nullopt);
}

// RocksDB only.

TEST(rocksdb_key_value_store_test, survives_close_and_reopen) {
    temp_dir dir;
    {
        rocksdb_key_value_store s("counts");
        ASSERT_TRUE(s.open(dir.path()).has_value());
        EXPECT_EQ(s.db_dir(), dir.path() / "rocksdb" / "counts");
        s.put(b("a"), v(b("1")));
        s.put(b("b"), v(b("2")));
        s.remove(b("b"));
        s.close();  // no WAL: close must flush the memtable
    }
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "rocksdb" / "counts"));
    rocksdb_key_value_store s("counts");
    ASSERT_TRUE(s.open(dir.path()).has_value());
    EXPECT_EQ(s.get(b("a")), b("1"));
    EXPECT_EQ(s.get(b("b")), std::nullopt);
}

// A point read that found a key in one sorted run (and left its block in the
// block cache) must still see a newer write in the memtable or a newer file,
// deletes too, and a reopened store its last write: the guard for any read
// cache tried under the store (issue 12 tried a row cache).
TEST(rocksdb_key_value_store_test, reads_see_the_newest_write_across_flushes_and_reopen) {
    temp_dir dir;
    rocksdb_key_value_store s("table");
    ASSERT_TRUE(s.open(dir.path()).has_value());
    s.put(b("k"), v(b("1")));
    s.flush();
    ASSERT_EQ(s.get(b("k")), b("1"));
    ASSERT_EQ(s.get(b("k")), b("1"));  // now cached
    s.put(b("k"), v(b("2")));
    EXPECT_EQ(s.get(b("k")), b("2"));  // memtable
    s.flush();
    EXPECT_EQ(s.get(b("k")), b("2"));  // a newer file
    s.remove(b("k"));
    EXPECT_EQ(s.get(b("k")), std::nullopt);
    s.flush();
    EXPECT_EQ(s.get(b("k")), std::nullopt);
    s.put(b("k"), v(b("3")));
    s.close();
    ASSERT_TRUE(s.open(dir.path()).has_value());
    EXPECT_EQ(s.get(b("k")), b("3"));
    auto all = s.all();  // iteration is unchanged by the cache
    ASSERT_TRUE(all->has_next());
    EXPECT_EQ(all->next().value, b("3"));
    EXPECT_FALSE(all->has_next());
}

TEST(rocksdb_key_value_store_test, survives_destruction_without_close) {
    temp_dir dir;
    {
        rocksdb_key_value_store s("s");
        ASSERT_TRUE(s.open(dir.path()).has_value());
        s.put(b("k"), v(b("v")));
    }
    rocksdb_key_value_store s("s");
    ASSERT_TRUE(s.open(dir.path()).has_value());
    EXPECT_EQ(s.get(b("k")), b("v"));
}

TEST(rocksdb_key_value_store_test, locked_directory_is_an_io_error) {
    temp_dir dir;
    rocksdb_key_value_store first("s");
    ASSERT_TRUE(first.open(dir.path()).has_value());
    rocksdb_key_value_store second("s");
    status st = second.open(dir.path());
    ASSERT_FALSE(st.has_value());
    EXPECT_EQ(st.error().code, errc::io_error);
    EXPECT_NE(st.error().message.find((dir.path() / "rocksdb" / "s").string()), std::string::npos);
    EXPECT_FALSE(second.is_open());
}

TEST(rocksdb_key_value_store_test, unwritable_directory_is_an_io_error) {
    temp_dir dir;
    std::filesystem::path file = dir.path() / "not-a-dir";
    { std::ofstream(file) << "x"; }
    rocksdb_key_value_store s("s");
    status st = s.open(file);
    ASSERT_FALSE(st.has_value());
    EXPECT_EQ(st.error().code, errc::io_error);
}

TEST(rocksdb_key_value_store_test, open_iterator_is_released_by_close) {
    temp_dir dir;
    rocksdb_key_value_store s("s");
    ASSERT_TRUE(s.open(dir.path()).has_value());
    s.put(b("a"), v(b("1")));
    auto it = s.all();
    s.close();
    EXPECT_THROW(it->has_next(), state_store_error);
}

}  // namespace
}  // namespace samsa::streams
