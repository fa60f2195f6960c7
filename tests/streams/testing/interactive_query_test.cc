// Interactive queries in the test driver: the read-only views of
// key-value (KTable), timestamped, window and session stores, and the
// InvalidStateStoreException family for unknown names, wrong types and
// partitions the driver does not have.
#include <gtest/gtest.h>

#include "samsa/streams/errors.h"
#include "samsa/streams/store_query_parameters.h"
#include "tests/streams/driver_fixture.h"

namespace samsa::streams::test {
namespace {

using kv_view = read_only_key_value_store<str, int64_t>;
using ts_view = read_only_key_value_store<str, value_and_timestamp<int64_t>>;
using win_view = read_only_window_store<str, int64_t>;
using session_view = read_only_session_store<str, int64_t>;

template<class K, class V>
std::vector<std::pair<K, V>> pairs(std::unique_ptr<key_value_iterator<K, V>> it) {
    std::vector<std::pair<K, V>> out;
    while (it->has_next()) {
        auto kv = it->next();
        out.emplace_back(kv.key, kv.value);
    }
    return out;
}

class driver_iq : public ::testing::Test {
protected:
    driver_iq() : driver_(build(), {{"application.id", "iq"}}) {
        auto in = driver_.create_input_topic("words", serdes::string(), serdes::string());
        in.pipe_input("apple", "x", 10);
        in.pipe_input("apricot", "x", 20);
        in.pipe_input("banana", "x", 30);
        in.pipe_input("apple", "x", 1'005);
        in.pipe_input("cherry", "x", 40);
    }

    static topology build() {
        streams_builder b;
        auto grouped = b.stream("words", strings()).group_by_key();
        auto m = [](const char* name) {
            return materialized<str, int64_t>::as(name).with_key_serde(serdes::string()).with_value_serde(
                serdes::int64());
        };
        grouped.count(named{}, m("counts"));
        grouped.windowed_by(time_windows::of_size_and_grace(1'000, 10'000)).count(named{}, m("windowed-counts"));
        grouped.windowed_by(session_windows::of_inactivity_gap_and_grace(100, 10'000)).count(named{}, m("sessions"));
        return b.build();
    }

    template<class Store>
    Store query(const std::string& name, queryable_store_type<Store> type) {
        return driver_.store(store_query_parameters<Store>::from_name_and_type(name, std::move(type)));
    }

    testing::topology_test_driver driver_;
};

TEST_F(driver_iq, key_value_view_reads_a_ktable_store) {
    kv_view counts = query("counts", queryable_store_types::key_value_store<str, int64_t>());
    EXPECT_EQ(counts.get("apple"), 2);
    EXPECT_EQ(counts.get("banana"), 1);
    EXPECT_EQ(counts.get("durian"), std::nullopt);
    using p = std::pair<str, int64_t>;
    EXPECT_EQ(pairs(counts.all()), (std::vector<p>{{"apple", 2}, {"apricot", 1}, {"banana", 1}, {"cherry", 1}}));
    EXPECT_EQ(pairs(counts.reverse_all()), (std::vector<p>{{"cherry", 1}, {"banana", 1}, {"apricot", 1}, {"apple", 2}}));
    EXPECT_EQ(pairs(counts.range("apricot", "banana")), (std::vector<p>{{"apricot", 1}, {"banana", 1}}));
    EXPECT_EQ(pairs(counts.reverse_range("apricot", "banana")), (std::vector<p>{{"banana", 1}, {"apricot", 1}}));
    EXPECT_EQ(pairs(counts.prefix_scan(str("ap"), serdes::string())), (std::vector<p>{{"apple", 2}, {"apricot", 1}}));
    // RocksDB's estimate counts an overwritten key until compaction.
    EXPECT_GE(counts.approximate_num_entries(), 4);
}

TEST_F(driver_iq, timestamped_view_keeps_the_timestamps) {
    ts_view counts = query("counts", queryable_store_types::timestamped_key_value_store<str, int64_t>());
    auto apple = counts.get("apple");
    ASSERT_TRUE(apple);
    EXPECT_EQ(apple->value, 2);
    EXPECT_EQ(apple->timestamp, 1'005);
}

TEST_F(driver_iq, window_view_fetches_by_key_and_time) {
    win_view w = query("windowed-counts", queryable_store_types::window_store<str, int64_t>());
    EXPECT_EQ(w.fetch("apple", 0), 1);
    EXPECT_EQ(w.fetch("apple", 1'000), 1);
    EXPECT_EQ(w.fetch("apple", 2'000), std::nullopt);
    auto apple = w.fetch("apple", 0, 5'000);
    ASSERT_EQ(apple.size(), 2u);
    EXPECT_EQ(apple[0].key, 0);
    EXPECT_EQ(apple[1].key, 1'000);
    auto backward = w.backward_fetch("apple", 0, 5'000);
    ASSERT_EQ(backward.size(), 2u);
    EXPECT_EQ(backward[0].key, 1'000);
    EXPECT_EQ(w.fetch_all(0, 0).size(), 4u);  // apple, apricot, banana, cherry in [0, 1000)
    EXPECT_EQ(w.all().size(), 5u);
    auto first = w.fetch("apple", "apricot", 0, 0);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].key.key(), "apple");
    EXPECT_EQ(first[0].key.window().end(), 1'000);

    auto stamped = query("windowed-counts", queryable_store_types::timestamped_window_store<str, int64_t>());
    auto v = stamped.fetch("apple", 1'000);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->timestamp, 1'005);
}

TEST_F(driver_iq, session_view_fetches_and_finds_sessions) {
    session_view s = query("sessions", queryable_store_types::session_store<str, int64_t>());
    auto apple = s.fetch("apple");
    ASSERT_EQ(apple.size(), 2u);  // 10 and 1005 are more than the gap apart
    EXPECT_EQ(apple[0].key.window().start(), 10);
    EXPECT_EQ(apple[1].key.window().start(), 1'005);
    EXPECT_EQ(s.find_sessions("apple", 500, 2'000).size(), 1u);
    EXPECT_EQ(s.fetch_session("apple", 10, 10), 1);
    EXPECT_EQ(s.fetch("apple", "banana").size(), 4u);
}

TEST_F(driver_iq, unknown_store_name) {
    EXPECT_THROW(query("nope", queryable_store_types::key_value_store<str, int64_t>()), unknown_state_store_exception);
}

TEST_F(driver_iq, wrong_store_type_names_both_types) {
    try {
        query("counts", queryable_store_types::window_store<str, int64_t>());
        FAIL() << "a key-value store is not a window store";
    } catch (const invalid_state_store_exception& e) {
        EXPECT_NE(std::string(e.what()).find("WindowStoreType"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("TimestampedKeyValueStore"), std::string::npos) << e.what();
    }
    EXPECT_THROW(query("sessions", queryable_store_types::key_value_store<str, int64_t>()),
                 invalid_state_store_exception);
    EXPECT_THROW(query("windowed-counts", queryable_store_types::session_store<str, int64_t>()),
                 invalid_state_store_exception);
}

TEST_F(driver_iq, partitions_other_than_zero_do_not_exist) {
    auto params = store_query_parameters<kv_view>::from_name_and_type(
        "counts", queryable_store_types::key_value_store<str, int64_t>());
    EXPECT_EQ(driver_.store(params.with_partition(0)).get("apple"), 2);
    kv_view other = driver_.store(params.with_partition(1));
    EXPECT_THROW(other.get("apple"), invalid_state_store_partition_exception);
}

TEST_F(driver_iq, views_follow_later_updates_and_old_getters_still_work) {
    kv_view counts = query("counts", queryable_store_types::key_value_store<str, int64_t>());
    auto in = driver_.create_input_topic("words", serdes::string(), serdes::string());
    in.pipe_input("apple", "x", 2'000);
    EXPECT_EQ(counts.get("apple"), 3);
    auto old_getter = driver_.get_key_value_store<str, int64_t>("counts", serdes::string(), serdes::int64());
    EXPECT_EQ(old_getter.get("apple"), 3);
}

}  // namespace
}  // namespace samsa::streams::test
