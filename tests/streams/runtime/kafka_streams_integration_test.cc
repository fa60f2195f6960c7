// kafka_streams against the real samsa-broker (a child process per test):
// start-up errors (missing source topics, co-partitioning), internal topic
// creation through the admin API, and, when the broker has a group
// coordinator, word count end to end and a restart that restores only the
// delta. Group-dependent tests probe JoinGroup through librdkafka first and
// skip with the reason when the broker cannot host groups. Every wait is
// bounded.
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

class probe_listener final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

class streams_integration : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        state_dir_ = broker_.data_dir() / "streams-state";
    }

    std::map<std::string, std::string> props(const std::string& app) const {
        return {{"application.id", app},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", state_dir_.string()},
                {"commit.interval.ms", "200"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    // Empty when a consumer joins a group and gets partitions within 15 s;
    // else why not.
    std::string groups_unavailable() {
        auto created = ts::create_topic(broker_.bootstrap(), "group-probe", 1);
        if (!created) return "cannot create the probe topic: " + created.error().message;
        auto supplier = internal::make_rdkafka_client_supplier();
        auto consumer = supplier->consumer({{"bootstrap.servers", broker_.bootstrap()},
                                            {"group.id", "group-probe"},
                                            {"session.timeout.ms", "6000"},
                                            {"partition.assignment.strategy", "range"}});
        if (!consumer) return consumer.error().message;
        probe_listener listener;
        if (!(*consumer)->subscribe({"group-probe"}, listener)) return "subscribe failed";
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!listener.assigned && std::chrono::steady_clock::now() < deadline) {
            if (!(*consumer)->poll(200ms, 10)) break;
        }
        (*consumer)->close();
        return listener.assigned ? "" : "no partitions assigned within 15 s: the broker has no working group "
                                         "coordinator yet (JoinGroup/SyncGroup)";
    }

    // Latest count per word, read until `want` is contained or 60 s pass.
    std::map<std::string, int64_t> read_counts(const std::string& topic, int partitions,
                                               const std::map<std::string, int64_t>& want) {
        std::map<std::string, int64_t> latest;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), topic, partitions, 0, 5s);
            if (records) {
                latest.clear();
                for (const auto& [p, list] : ts::by_partition(*records)) {
                    for (const auto& r : list) {
                        bytes v(r.value.begin(), r.value.end());
                        latest[r.key] = v.size() == 8 ? serdes::int64().deserialize("", v) : -1;
                    }
                }
                bool all = true;
                for (const auto& [k, v] : want) all = all && latest.count(k) && latest[k] == v;
                if (all) return latest;
            }
            std::this_thread::sleep_for(300ms);
        }
        return latest;
    }

    void produce_lines(const std::vector<std::string>& lines) {
        std::vector<ts::record> records;
        for (size_t i = 0; i < lines.size(); ++i) {
            ts::record r;
            r.key = "line-" + std::to_string(i);
            r.value = lines[i];
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), "lines", records);
        ASSERT_TRUE(done) << done.error().message;
    }

    ts::broker_process broker_;
    std::filesystem::path state_dir_;
};

TEST_F(streams_integration, missing_source_topic_is_a_clear_error_at_start) {
    kafka_streams app(testing_fakes::word_count_topology(), props("wc-missing"));
    try {
        app.start();
        FAIL() << "expected streams_exception";
    } catch (const streams_exception& e) {
        EXPECT_NE(std::string(e.what()).find("Missing source topics: [lines]"), std::string::npos) << e.what();
    }
    EXPECT_EQ(app.state(), streams_state::error);
}

TEST_F(streams_integration, copartitioning_error_at_start_names_topics_and_counts) {
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "left", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "right", 3));
    streams_builder b;
    auto c = consumed<std::string, std::string>::with(serdes::string(), serdes::string());
    auto table = b.table("right", c);
    b.stream("left", c).join(table, [](const std::string& l, const std::string& r) { return l + r; }).to("out");
    kafka_streams app(b.build(), props("join-app"));
    try {
        app.start();
        FAIL() << "expected streams_exception";
    } catch (const streams_exception& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("not co-partitioned"), std::string::npos) << m;
        EXPECT_NE(m.find("left (2 partitions)"), std::string::npos) << m;
        EXPECT_NE(m.find("right (3 partitions)"), std::string::npos) << m;
    }
}

TEST_F(streams_integration, creates_internal_topics_idempotently) {
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 3));
    for (int round = 0; round < 2; ++round) {
        kafka_streams app(testing_fakes::word_count_topology(), props("wc-topics"));
        app.start();
        EXPECT_TRUE(app.close(20s));
    }
    auto repartition = ts::partition_count(broker_.bootstrap(), "wc-topics-counts-store-repartition");
    ASSERT_TRUE(repartition) << repartition.error().message;
    EXPECT_EQ(*repartition, 3);
    auto changelog = ts::partition_count(broker_.bootstrap(), "wc-topics-counts-store-changelog");
    ASSERT_TRUE(changelog) << changelog.error().message;
    EXPECT_EQ(*changelog, 3);
    auto config = ts::describe_topic_config(broker_.bootstrap(), "wc-topics-counts-store-changelog");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->at("cleanup.policy"), "compact");
}

TEST_F(streams_integration, word_count_end_to_end_and_restart_restores_state) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    produce_lines({"the quick brown fox", "the lazy dog", "The End"});
    {
        kafka_streams app(testing_fakes::word_count_topology(), props("wc"));
        app.start();
        auto counts = read_counts("counts", 2, {{"the", 3}, {"fox", 1}, {"end", 1}});
        EXPECT_EQ(counts["the"], 3);
        EXPECT_EQ(counts["dog"], 1);
        EXPECT_EQ(counts["end"], 1);
        EXPECT_TRUE(app.close(30s));
    }
    // A second run over the same state dir: RocksDB stores resume from their
    // checkpoint, the committed offsets skip what was counted.
    produce_lines({"the fox returns"});
    kafka_streams again(testing_fakes::word_count_topology(), props("wc"));
    again.start();
    auto counts = read_counts("counts", 2, {{"the", 4}, {"fox", 2}, {"returns", 1}});
    EXPECT_EQ(counts["the"], 4);
    EXPECT_EQ(counts["fox"], 2);
    EXPECT_EQ(counts["returns"], 1);
    EXPECT_TRUE(again.close(30s));
}

TEST_F(streams_integration, two_instances_share_the_work_and_one_takes_over) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    auto props_a = props("wc-scale");
    auto props_b = props("wc-scale");
    props_b["state.dir"] = (state_dir_ / "b").string();
    produce_lines({"a b", "a c"});
    kafka_streams a(testing_fakes::word_count_topology(store_type::in_memory), props_a);
    a.start();
    auto first = read_counts("counts", 2, {{"a", 2}, {"b", 1}, {"c", 1}});
    EXPECT_EQ(first["a"], 2);
    kafka_streams b(testing_fakes::word_count_topology(store_type::in_memory), props_b);
    b.start();
    produce_lines({"a d"});
    auto shared = read_counts("counts", 2, {{"a", 3}, {"d", 1}});
    EXPECT_EQ(shared["a"], 3);
    EXPECT_EQ(shared["d"], 1);
    // Back to one instance: b restores a's tasks from the changelogs.
    EXPECT_TRUE(a.close(30s));
    produce_lines({"a b c d"});
    auto after = read_counts("counts", 2, {{"a", 4}, {"b", 2}, {"c", 2}, {"d", 2}});
    EXPECT_EQ(after["a"], 4);
    EXPECT_EQ(after["b"], 2);
    EXPECT_EQ(after["c"], 2);
    EXPECT_EQ(after["d"], 2);
    EXPECT_TRUE(b.close(30s));
}

}  // namespace
}  // namespace samsa::streams
