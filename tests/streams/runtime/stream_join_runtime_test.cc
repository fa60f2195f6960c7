// A stream-stream left join through kafka_streams and the real samsa-broker:
// the join stores' changelogs get Kafka's windowed configs, and a second
// instance on an empty state directory restores the left side's window store
// (a waiting order still joins a late payment) and the shared outer store (an
// order unmatched before the restart is joined with null when its window
// closes, a matched one is not). Skipped, with the reason, when the broker
// cannot host consumer groups. Every wait is bounded.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using str = std::string;

constexpr int64_t difference = 60'000;

topology paid_orders_topology() {
    const auto c = consumed<str, str>::with(serdes::string(), serdes::string());
    streams_builder b;
    b.stream("orders", c)
        .left_join(b.stream("payments", c),
                   [](const str& o, const std::optional<str>& p) { return o + "+" + p.value_or("null"); },
                   join_windows::of_time_difference_without_grace(difference),
                   stream_joined<str, str, str>::with(serdes::string(), serdes::string(), serdes::string())
                       .with_store_name("pay"))
        .to("paid", produced<str, str>::with(serdes::string(), serdes::string()));
    return b.build();
}

class assignment_probe final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

class restored_stores final : public state_restore_listener {
public:
    void on_restore_start(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_batch_restored(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {}
    void on_restore_end(const std::string&, int32_t, const std::string& store, int64_t total) override {
        std::lock_guard l(mutex_);
        restored_[store] += total;
    }
    int64_t total(const std::string& store) const {
        std::lock_guard l(mutex_);
        auto it = restored_.find(store);
        return it == restored_.end() ? 0 : it->second;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, int64_t> restored_;
};

class stream_join_runtime : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.failure(); }

    std::map<std::string, std::string> props(const std::string& state_dir) const {
        return {{"application.id", "sj"},
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

    void produce(const std::string& topic, const std::vector<std::tuple<str, str, int64_t>>& rows) {
        std::vector<ts::record> records;
        for (const auto& [key, value, t] : rows) {
            ts::record r;
            r.key = key;
            r.value = value;
            r.timestamp = t;
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), topic, records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    // Every output value, read until all of `want` are there or 60 s pass.
    std::multiset<str> read_until(const std::set<str>& want) {
        std::multiset<str> got;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), "paid", 1, 0, 5s);
            if (records) {
                got.clear();
                for (const auto& r : *records) got.insert(r.key + ":" + r.value);
                bool done = true;
                for (const auto& w : want) done = done && got.count(w);
                if (done) return got;
            }
            std::this_thread::sleep_for(300ms);
        }
        return got;
    }

    ts::broker_process broker_;
};

TEST_F(stream_join_runtime, join_stores_are_restored_from_their_changelogs_after_a_restart) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    for (const char* t : {"orders", "payments", "paid"}) ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), t, 1));
    // Recent timestamps: the changelogs' time retention must not delete them.
    const int64_t t0 = ts::now_ms() - 10 * difference;

    produce("orders", {{"a", "oa", t0}, {"b", "ob", t0 + 2}, {"u", "ou", t0 + 3}});
    produce("payments", {{"a", "pa", t0 + 1}});
    {
        kafka_streams first(paid_orders_topology(), props("state-a"));
        first.start();
        auto got = read_until({"a:oa+pa"});
        EXPECT_EQ(got, (std::multiset<str>{"a:oa+pa"})) << "b and u wait for their windows to close";
        EXPECT_TRUE(first.close(30s));
    }
    for (const char* store : {"pay-this-join-store", "pay-outer-other-join-store"}) {
        auto config = ts::describe_topic_config(broker_.bootstrap(), std::string("sj-") + store + "-changelog");
        ASSERT_TRUE(config) << store << ": " << config.error().message;
        EXPECT_EQ(config->at("cleanup.policy"), "compact,delete") << store;
        EXPECT_EQ(config->at("retention.ms"), std::to_string(2 * difference + 86'400'000)) << store;
    }
    auto shared = ts::describe_topic_config(broker_.bootstrap(), "sj-pay-left-shared-join-store-changelog");
    ASSERT_TRUE(shared) << shared.error().message;
    EXPECT_EQ(shared->at("cleanup.policy"), "compact");

    // Another machine: an empty state directory, so every join store comes
    // back from its changelog only.
    restored_stores restored;
    kafka_streams second(paid_orders_topology(), props("state-b"));
    second.set_global_state_restore_listener(&restored);
    second.start();
    produce("payments", {{"b", "pb", t0 + 4}});
    auto got = read_until({"a:oa+pa", "b:ob+pb"});
    EXPECT_EQ(got, (std::multiset<str>{"a:oa+pa", "b:ob+pb"}));
    // Far later: the windows of b and u close; only u never matched. Kafka
    // looks for closed windows at most once per second of wall-clock time,
    // and the payment just looked.
    std::this_thread::sleep_for(1100ms);
    produce("orders", {{"z", "oz", t0 + 5 * difference}});
    got = read_until({"a:oa+pa", "b:ob+pb", "u:ou+null"});
    EXPECT_EQ(got, (std::multiset<str>{"a:oa+pa", "b:ob+pb", "u:ou+null"}));
    EXPECT_TRUE(second.close(30s));
    EXPECT_EQ(restored.total("pay-this-join-store"), 3) << "the three orders";
    EXPECT_GE(restored.total("pay-left-shared-join-store"), 2) << "b and u waiting (a put and removed)";
}

}  // namespace
}  // namespace samsa::streams
