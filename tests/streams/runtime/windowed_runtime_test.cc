// A windowed count through kafka_streams and the real samsa-broker: the
// window store's changelog is created with Kafka's windowed configs
// (cleanup.policy=compact,delete, retention.ms = retention + 1 day), and a
// second instance on an empty state directory restores the window store from
// that changelog and continues the same windows with the same counts.
// Skipped, with the reason, when the broker cannot host consumer groups.
// Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

constexpr int64_t window_size = 60'000;
constexpr int64_t grace = 600'000;

topology windowed_count_topology() {
    streams_builder b;
    b.stream("clicks", consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .group_by_key()
        .windowed_by(time_windows::of_size_and_grace(window_size, grace))
        .count(named{}, materialized<std::string, int64_t>::as("click-counts"))
        .to_stream()
        .map([](const windowed<std::string>& wk, const int64_t& v) {
            return key_value<std::string, int64_t>{to_string(wk), v};
        })
        .to("window-counts", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

constexpr int64_t inactivity_gap = 10'000;

// Sessions of clicks per key (gap 10 s), counted into the session store
// "click-sessions", written to window-counts as "[key@start/end]" -> count
// (merged-away sessions as tombstones).
topology session_count_topology() {
    streams_builder b;
    b.stream("clicks", consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .group_by_key()
        .windowed_by(session_windows::of_inactivity_gap_and_grace(inactivity_gap, grace))
        .count(named{}, materialized<std::string, int64_t>::as("click-sessions"))
        .to_stream()
        .map([](const std::optional<windowed<std::string>>& wk, const std::optional<int64_t>& v) {
            return key_value<std::string, std::optional<int64_t>>{to_string(*wk), v};
        })
        .to("window-counts", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

class assignment_probe final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

class restored_records final : public state_restore_listener {
public:
    explicit restored_records(std::string store = "click-counts") : store_(std::move(store)) {}
    void on_restore_start(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_batch_restored(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_restore_end(const std::string&, int32_t, const std::string& store, int64_t total) override {
        std::lock_guard l(mutex_);
        if (store == store_) restored_ += total;
    }
    int64_t total() const {
        std::lock_guard l(mutex_);
        return restored_;
    }

private:
    std::string store_;
    mutable std::mutex mutex_;
    int64_t restored_ = 0;
};

class windowed_runtime : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.failure(); }

    std::map<std::string, std::string> props(const std::string& state_dir) const {
        return {{"application.id", "win"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", (broker_.data_dir() / state_dir).string()},
                {"commit.interval.ms", "200"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    std::string groups_unavailable() {
        auto created = ts::create_topic(broker_.bootstrap(), "group-probe", 1);
        if (!created) return "cannot create the probe topic: " + created.error().message;
        auto supplier = internal::make_rdkafka_client_supplier();
        auto consumer = supplier->consumer({{"bootstrap.servers", broker_.bootstrap()},
                                            {"group.id", "group-probe"},
                                            {"session.timeout.ms", "6000"},
                                            {"partition.assignment.strategy", "range"}});
        if (!consumer) return consumer.error().message;
        assignment_probe listener;
        if (!(*consumer)->subscribe({"group-probe"}, listener)) return "subscribe failed";
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!listener.assigned && std::chrono::steady_clock::now() < deadline) {
            if (!(*consumer)->poll(200ms, 10)) break;
        }
        (*consumer)->close();
        return listener.assigned ? "" : "no partitions assigned within 15 s: no working group coordinator";
    }

    void produce_clicks(const std::vector<std::pair<std::string, int64_t>>& clicks) {
        std::vector<ts::record> records;
        for (const auto& [key, t] : clicks) {
            ts::record r;
            r.key = key;
            r.value = "click";
            r.timestamp = t;
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), "clicks", records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    using counts = std::map<std::string, int64_t>;

    // The latest count per windowed key, read until `want` is contained or
    // 60 s pass.
    counts read_counts(const counts& want) {
        counts latest;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), "window-counts", 1, 0, 5s);
            if (records) {
                latest.clear();
                for (const auto& r : *records) {
                    bytes v(r.value.begin(), r.value.end());
                    latest[r.key] = v.size() == 8 ? serdes::int64().deserialize("", v) : -1;
                }
                bool done = true;
                for (const auto& [k, v] : want) done = done && latest.count(k) && latest.at(k) == v;
                if (done) return latest;
            }
            std::this_thread::sleep_for(300ms);
        }
        return latest;
    }

    ts::broker_process broker_;
};

std::string session_key(const std::string& key, int64_t start, int64_t end) {
    return "[" + key + "@" + std::to_string(start) + "/" + std::to_string(end) + "]";
}

std::string window_key(const std::string& key, int64_t start) {
    return "[" + key + "@" + std::to_string(start) + "/" + std::to_string(start + window_size) + "]";
}

// Kafka's internal emit intervals: 1000 ms by default, 0 accepted (and the
// other intervals left alone), a negative or non-numeric value refused.
struct emit_interval_key {
    std::string key;
    int64_t streams_config::*field;
    std::string invalid;
};

TEST(windowed_streams_config, reads_kafkas_emit_interval) {
    const std::vector<emit_interval_key> keys{
        {"__emit.interval.ms.kstreams.windowed.aggregation__", &streams_config::windowed_emit_interval_ms, "-5"},
        {"__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", &streams_config::outer_join_emit_interval_ms,
         "x"}};
    const std::map<std::string, std::string> base{{"application.id", "a"}, {"bootstrap.servers", "b:1"}};
    auto with = [&](const std::string& key, const std::string& value) {
        auto properties = base;
        properties[key] = value;
        return streams_config::parse(properties);
    };
    for (const auto& k : keys) {
        SCOPED_TRACE(k.key);
        auto c = streams_config::parse(base);
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ((*c).*k.field, 1000);
        c = with(k.key, "0");
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ((*c).*k.field, 0);
        for (const auto& other : keys) {
            if (&other != &k) {
                EXPECT_EQ((*c).*other.field, 1000) << other.key;  // each key sets its own field
            }
        }
        EXPECT_FALSE(with(k.key, k.invalid));
    }
}

TEST_F(windowed_runtime, window_store_is_restored_from_its_changelog_after_a_restart) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "clicks", 1));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "window-counts", 1));
    // Recent timestamps: the changelog's time retention must not delete them.
    const int64_t w0 = (ts::now_ms() / window_size - 5) * window_size;
    const int64_t w1 = w0 + window_size;

    produce_clicks({{"a", w0 + 1}, {"a", w0 + 2}, {"b", w0 + 3}, {"a", w1 + 1}});
    {
        kafka_streams first(windowed_count_topology(), props("state-a"));
        first.start();
        auto c = read_counts({{window_key("a", w0), 2}, {window_key("b", w0), 1}, {window_key("a", w1), 1}});
        EXPECT_EQ(c[window_key("a", w0)], 2);
        EXPECT_EQ(c[window_key("b", w0)], 1);
        EXPECT_EQ(c[window_key("a", w1)], 1);
        EXPECT_TRUE(first.close(30s));
    }
    auto config = ts::describe_topic_config(broker_.bootstrap(), "win-click-counts-changelog");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->at("cleanup.policy"), "compact,delete");
    EXPECT_EQ(config->at("retention.ms"), std::to_string(window_size + grace + 86'400'000));

    // Another machine: an empty state directory, so the window store comes
    // back from the changelog only, and the windows continue from there.
    restored_records restored;
    kafka_streams second(windowed_count_topology(), props("state-b"));
    second.set_global_state_restore_listener(&restored);
    second.start();
    produce_clicks({{"a", w0 + 4}, {"b", w1 + 2}, {"a", w1 + 3}});
    auto c = read_counts({{window_key("a", w0), 3}, {window_key("b", w1), 1}, {window_key("a", w1), 2}});
    EXPECT_EQ(c[window_key("a", w0)], 3);
    EXPECT_EQ(c[window_key("b", w0)], 1);
    EXPECT_EQ(c[window_key("b", w1)], 1);
    EXPECT_EQ(c[window_key("a", w1)], 2);
    EXPECT_TRUE(second.close(30s));
    EXPECT_GE(restored.total(), 3) << "the three windows of the first run come from the changelog";
}

// The session family: a second instance on an empty state directory gets the
// session store back from its changelog, so a click within the gap of a
// session from the first run merges into it (without the restore it would
// start a session of its own: [a@t+5/t+5] -> 1).
TEST_F(windowed_runtime, session_store_is_restored_from_its_changelog_after_a_restart) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "clicks", 1));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "window-counts", 1));
    const int64_t t = ts::now_ms() - 300'000;  // recent: the changelog's time retention keeps it

    produce_clicks({{"a", t + 1}, {"a", t + 2}, {"b", t + 3}});
    {
        kafka_streams first(session_count_topology(), props("state-a"));
        first.start();
        auto c = read_counts({{session_key("a", t + 1, t + 2), 2}, {session_key("b", t + 3, t + 3), 1}});
        EXPECT_EQ(c[session_key("a", t + 1, t + 2)], 2);
        EXPECT_EQ(c[session_key("b", t + 3, t + 3)], 1);
        EXPECT_TRUE(first.close(30s));
    }
    auto config = ts::describe_topic_config(broker_.bootstrap(), "win-click-sessions-changelog");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->at("cleanup.policy"), "compact,delete");

    restored_records restored("click-sessions");
    kafka_streams second(session_count_topology(), props("state-b"));
    second.set_global_state_restore_listener(&restored);
    second.start();
    produce_clicks({{"a", t + 5}, {"b", t + 3 + 5 * inactivity_gap}});
    auto c = read_counts({{session_key("a", t + 1, t + 5), 3}, {session_key("b", t + 3 + 5 * inactivity_gap, t + 3 + 5 * inactivity_gap), 1}});
    EXPECT_EQ(c[session_key("a", t + 1, t + 5)], 3) << "the first run's session was not restored";
    EXPECT_EQ(c.count(session_key("a", t + 5, t + 5)), 0u);
    EXPECT_EQ(c[session_key("a", t + 1, t + 2)], -1) << "the merged-away session gets its tombstone";
    EXPECT_EQ(c[session_key("b", t + 3, t + 3)], 1);
    EXPECT_EQ(c[session_key("b", t + 3 + 5 * inactivity_gap, t + 3 + 5 * inactivity_gap)], 1);
    EXPECT_TRUE(second.close(30s));
    EXPECT_GE(restored.total(), 2) << "the first run's two sessions come from the changelog";
}

}  // namespace
}  // namespace samsa::streams
