// processing.guarantee=exactly_once_v2 against the real samsa-broker: a
// word count (repartition, RocksDB count store with its changelog, caching
// off so every update is emitted) that fails in the middle of a transaction.
// The counting sub-topology throws on the word "poison" after the store,
// its changelog and the output were written for the words before it in the
// same transaction, some of them never seen before. After a restart a
// read_committed reader of the output must see, for every word, the counts
// 1, 2, ..., n exactly: nothing of the aborted transaction (no repeated
// value), nothing counted twice (the store rebuilt from the committed
// changelog, not from the RocksDB files that held the aborted writes).
// Every wait is bounded.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using testing_fakes::split_words;

constexpr const char* input_topic = "eos-lines";
constexpr const char* output_topic = "eos-counts";
constexpr int64_t read_from_beginning = -2;  // RdKafka::Topic::OFFSET_BEGINNING

// Armed: the next "poison" count throws (once).
std::atomic<bool> poison_armed{false};

topology counting_topology() {
    streams_builder b;
    b.stream(input_topic, consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .flat_map_values([](const std::string& v) { return split_words(v); })
        .group_by([](const std::string&, const std::string& w) { return w; },
                  grouped<std::string, std::string>::with(serdes::string(), serdes::string()))
        .count(named{}, materialized<std::string, int64_t>::as("eos-counts-store")
                            .with_store_type(store_type::rocksdb)
                            .with_key_serde(serdes::string())
                            .with_value_serde(serdes::int64()))
        .to_stream()
        .map_values([](const std::string& word, int64_t n) {
            if (word == "poison" && poison_armed.exchange(false)) throw std::runtime_error("poison pill");
            return n;
        })
        .to(output_topic, produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

using sequences = std::map<std::string, std::vector<int64_t>>;

class exactly_once_integration : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        for (const char* t : {input_topic, output_topic}) {
            auto s = ts::create_topic(broker_.bootstrap(), t, 1);
            ASSERT_TRUE(s) << t << ": " << s.error().message;
        }
    }

    std::map<std::string, std::string> props() const {
        return {{"application.id", "eos-count"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", (broker_.data_dir() / "streams-state").string()},
                {"processing.guarantee", "exactly_once_v2"},
                {"statestore.cache.max.bytes", "0"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    void produce_lines(const std::vector<std::string>& lines) {
        std::vector<ts::record> records;
        for (const auto& line : lines) {
            ts::record r;
            r.key = "line-" + std::to_string(lines_produced_++);
            r.value = line;
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), input_topic, records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    // Every count value per word, in offset order, as a read_committed
    // consumer sees the output.
    sequences read_committed_counts() {
        sequences out;
        auto records = ts::read_partitions(broker_.bootstrap(), output_topic, {0}, read_from_beginning, 0,
                                           {{"isolation.level", "read_committed"}}, 5s);
        if (!records) return out;
        for (const auto& r : *records) {
            bytes v(r.value.begin(), r.value.end());
            out[r.key].push_back(v.size() == 8 ? serdes::int64().deserialize("", v) : -1);
        }
        return out;
    }

    // Reads until every word has reached its expected count, or 60 s pass.
    sequences wait_for_counts(const std::map<std::string, int64_t>& expected) {
        sequences seen;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            seen = read_committed_counts();
            bool done = true;
            for (const auto& [w, n] : expected) {
                if (!seen.count(w) || seen[w].empty() || seen[w].back() < n) done = false;
            }
            if (done) return seen;
            std::this_thread::sleep_for(300ms);
        }
        return seen;
    }

    static void add_counts(std::map<std::string, int64_t>& counts, const std::vector<std::string>& lines) {
        for (const auto& line : lines) {
            for (const auto& w : split_words(line)) ++counts[w];
        }
    }

    ts::broker_process broker_;
    int lines_produced_ = 0;
};

bool wait_for_state(const kafka_streams& app, streams_state wanted, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (app.state() == wanted) return true;
        std::this_thread::sleep_for(50ms);
    }
    return app.state() == wanted;
}

TEST_F(exactly_once_integration, an_aborted_transaction_leaves_nothing_visible_and_no_double_counts) {
    std::map<std::string, int64_t> expected;
    std::vector<std::string> first;
    for (int i = 0; i < 40; ++i) first.push_back("common w" + std::to_string(i % 5));
    add_counts(expected, first);
    produce_lines(first);

    poison_armed = false;
    {
        kafka_streams app(counting_topology(), props());
        app.start();
        auto seen = wait_for_counts(expected);
        ASSERT_EQ(seen["common"].size(), 40u) << "the first batch is counted and committed";

        // The failing batch: new words and old ones, counted and written in
        // the same transaction as "poison", which then throws.
        std::vector<std::string> second{"fresh1 fresh2 common w1", "fresh3 poison", "after1 common"};
        add_counts(expected, second);
        poison_armed = true;
        produce_lines(second);
        ASSERT_TRUE(wait_for_state(app, streams_state::error, 60s)) << to_string(app.state());
        EXPECT_FALSE(poison_armed.load()) << "the poison pill was reached";
        app.close(30s);
    }
    // Nothing of the aborted transaction is visible: the first batch only.
    sequences after_abort = read_committed_counts();
    EXPECT_EQ(after_abort["common"].size(), 40u);
    EXPECT_FALSE(after_abort.count("fresh1"));
    EXPECT_FALSE(after_abort.count("poison"));

    std::vector<std::string> third{"fresh1 common", "w4 late"};
    add_counts(expected, third);
    produce_lines(third);
    {
        kafka_streams app(counting_topology(), props());
        app.start();
        sequences seen = wait_for_counts(expected);
        for (const auto& [word, n] : expected) {
            std::vector<int64_t> want;
            for (int64_t i = 1; i <= n; ++i) want.push_back(i);
            EXPECT_EQ(seen[word], want) << "word " << word << ": every count once, none twice, none missing";
        }
        EXPECT_EQ(seen.size(), expected.size());
        EXPECT_TRUE(app.close(30s));
    }
}

// A clean close under exactly-once writes a checkpoint (and only then): the
// restart restores nothing it does not need and the counts stay exact.
TEST_F(exactly_once_integration, clean_close_checkpoints_and_restart_continues_exactly) {
    std::map<std::string, int64_t> expected;
    std::vector<std::string> first{"a b c", "a b", "a"};
    add_counts(expected, first);
    produce_lines(first);
    poison_armed = false;
    {
        kafka_streams app(counting_topology(), props());
        app.start();
        auto seen = wait_for_counts(expected);
        ASSERT_EQ(seen["a"].size(), 3u);
        auto task_dir = broker_.data_dir() / "streams-state" / "eos-count" / "1_0";
        EXPECT_FALSE(std::filesystem::exists(task_dir / ".checkpoint")) << "no checkpoint while running under EOS";
        EXPECT_TRUE(app.close(30s));
        EXPECT_TRUE(std::filesystem::exists(task_dir / ".checkpoint")) << "a clean close writes it";
    }
    std::vector<std::string> second{"a c", "d"};
    add_counts(expected, second);
    produce_lines(second);
    {
        kafka_streams app(counting_topology(), props());
        app.start();
        sequences seen = wait_for_counts(expected);
        for (const auto& [word, n] : expected) {
            std::vector<int64_t> want;
            for (int64_t i = 1; i <= n; ++i) want.push_back(i);
            EXPECT_EQ(seen[word], want) << "word " << word;
        }
        EXPECT_TRUE(app.close(30s));
    }
}

}  // namespace
}  // namespace samsa::streams
