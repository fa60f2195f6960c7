// kafka_streams against the real samsa-broker (a child process per test):
// start-up errors (missing source topics, co-partitioning), internal topic
// creation through the admin API, and, when the broker has a group
// coordinator, word count end to end and a restart that restores only the
// delta. Group-dependent tests probe JoinGroup through librdkafka first and
// skip with the reason when the broker cannot host groups. Every wait is
// bounded.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/app_process.h"
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

    using counts_map = std::map<std::string, int64_t>;

    // A word's count, 0 while the topic has none: the counts' two partitions
    // are written by two tasks, so one can hold a word before the other does
    // (map::at threw from a predicate that saw "h" before "a").
    static int64_t count_of(const counts_map& m, const std::string& word) {
        auto it = m.find(word);
        return it == m.end() ? 0 : it->second;
    }

    // Latest count per word, read until done(counts) or 60 s pass.
    counts_map wait_for_counts(const std::string& topic, int partitions,
                               const std::function<bool(const counts_map&)>& done) {
        counts_map latest;
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
                if (done(latest)) return latest;
            }
            std::this_thread::sleep_for(300ms);
        }
        return latest;
    }

    // Latest count per word, read until `want` is contained or 60 s pass.
    counts_map read_counts(const std::string& topic, int partitions, const counts_map& want) {
        return wait_for_counts(topic, partitions, [&](const counts_map& latest) {
            for (const auto& [k, v] : want) {
                auto it = latest.find(k);
                if (it == latest.end() || it->second != v) return false;
            }
            return true;
        });
    }

    void produce_lines(const std::vector<std::string>& lines) {
        std::vector<ts::record> records;
        for (size_t i = 0; i < lines.size(); ++i) {
            ts::record r;
            r.key = "line-" + std::to_string(lines_produced_++);
            r.value = lines[i];
            records.push_back(r);
        }
        // Idempotent: a retried send must not write a line twice (counts would be off by one).
        auto done = ts::produce(broker_.bootstrap(), "lines", records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    ts::broker_process broker_;
    std::filesystem::path state_dir_;
    int lines_produced_ = 0;
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

TEST_F(streams_integration, committed_repartition_records_are_purged_from_the_broker) {
    // Kafka 3.8: after commits, every repartition.purge.interval.ms, the
    // stream thread deletes the repartition records it committed
    // (DeleteRecords), so the topic's log start offset follows the app.
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    produce_lines({"the quick brown fox", "the lazy dog", "The End"});
    auto p = props("purge");
    p["repartition.purge.interval.ms"] = "100";
    kafka_streams app(testing_fakes::word_count_topology(), p);
    app.start();
    auto counts = read_counts("counts", 2, {{"the", 3}, {"fox", 1}, {"end", 1}});
    ASSERT_EQ(counts["the"], 3);
    const std::string repartition = "purge-counts-store-repartition";
    // Every word went through the topic: purged when each partition's log
    // starts at its end (bounded: 30 s, then the last marks are reported).
    std::vector<std::pair<int64_t, int64_t>> marks(2);
    auto purged = [&] {
        int64_t records = 0;
        for (int32_t partition = 0; partition < 2; ++partition) {
            auto m = ts::watermarks(broker_.bootstrap(), repartition, partition);
            if (!m) return false;
            marks[partition] = {m->first, m->second};
            records += m->second;
            if (m->first != m->second) return false;
        }
        return records == 9;  // the nine words
    };
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!purged() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(purged()) << "partition 0: log start " << marks[0].first << ", end " << marks[0].second
                          << "; partition 1: log start " << marks[1].first << ", end " << marks[1].second;
    EXPECT_TRUE(app.close(30s));
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

// Counts restored changelog records, per the listener calls (Kafka's
// StateRestoreListener); start/end pairs must match.
class counting_restore_listener final : public state_restore_listener {
public:
    void on_restore_start(const std::string& topic, int32_t partition, const std::string& store, int64_t start,
                          int64_t end) override {
        std::lock_guard l(mutex_);
        ++starts;
        expected += end - start;
        EXPECT_EQ(store, "counts-store") << topic << "-" << partition;
    }
    void on_batch_restored(const std::string&, int32_t, const std::string&, int64_t, int64_t n) override {
        std::lock_guard l(mutex_);
        batched += n;
    }
    void on_restore_end(const std::string&, int32_t, const std::string&, int64_t total) override {
        std::lock_guard l(mutex_);
        ++ends;
        restored += total;
    }
    int64_t total() const {
        std::lock_guard l(mutex_);
        return restored;
    }
    int starts = 0, ends = 0;
    int64_t expected = 0, batched = 0, restored = 0;

private:
    mutable std::mutex mutex_;
};

// The sum of the changelog's high watermarks: how many records it holds
// (nothing is compacted away in these short runs).
int64_t changelog_end(const std::string& bootstrap, const std::string& topic, int partitions) {
    int64_t sum = 0;
    for (int32_t p = 0; p < partitions; ++p) {
        auto marks = ts::watermarks(bootstrap, topic, p);
        EXPECT_TRUE(marks) << marks.error().message;
        if (marks) sum += marks->second;
    }
    return sum;
}

TEST_F(streams_integration, rocksdb_restart_restores_only_the_delta_since_its_checkpoint) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    const std::string changelog = "wc-delta-counts-store-changelog";
    auto props_a = props("wc-delta");
    auto props_b = props("wc-delta");
    props_b["state.dir"] = (state_dir_ / "b").string();

    // Run 1 on state dir A: a fresh store, nothing to restore.
    produce_lines({"alpha beta gamma", "alpha beta", "alpha"});
    {
        counting_restore_listener listener;
        kafka_streams a(testing_fakes::word_count_topology(), props_a);
        a.set_global_state_restore_listener(&listener);
        a.start();
        EXPECT_EQ(read_counts("counts", 2, {{"alpha", 3}, {"beta", 2}, {"gamma", 1}})["alpha"], 3);
        EXPECT_TRUE(a.close(30s));
        EXPECT_EQ(listener.total(), 0);
    }
    int64_t after_a = changelog_end(broker_.bootstrap(), changelog, 2);
    ASSERT_GT(after_a, 0);

    // Run 2 on state dir B (another machine): no checkpoint, so the whole
    // changelog is restored; then it counts more.
    {
        counting_restore_listener listener;
        kafka_streams b(testing_fakes::word_count_topology(), props_b);
        b.set_global_state_restore_listener(&listener);
        b.start();
        produce_lines({"alpha delta", "epsilon"});
        // At least: at-least-once may repeat a batch (a producer retry); the
        // restore counts below are exact whatever the changelog holds.
        auto c = wait_for_counts("counts", 2,
                                 [](const counts_map& m) { return m.count("epsilon") && count_of(m, "alpha") >= 4; });
        EXPECT_GE(c["alpha"], 4);
        EXPECT_TRUE(b.close(30s));
        EXPECT_EQ(listener.total(), after_a);
        EXPECT_EQ(listener.batched, after_a);
        EXPECT_EQ(listener.starts, listener.ends);
    }
    int64_t after_b = changelog_end(broker_.bootstrap(), changelog, 2);
    ASSERT_GT(after_b, after_a);

    // Run 3 back on A: its RocksDB store resumes from its checkpoint and
    // reads only what B wrote.
    counting_restore_listener listener;
    kafka_streams again(testing_fakes::word_count_topology(), props_a);
    again.set_global_state_restore_listener(&listener);
    again.start();
    produce_lines({"alpha beta gamma delta"});
    auto counts = wait_for_counts("counts", 2, [](const counts_map& m) {
        return count_of(m, "alpha") >= 5 && count_of(m, "delta") >= 2;
    });
    EXPECT_GE(counts["alpha"], 5);
    EXPECT_GE(counts["delta"], 2);
    EXPECT_TRUE(again.close(30s));
    EXPECT_EQ(listener.total(), after_b - after_a) << "restored beyond the checkpoint's delta";
    EXPECT_EQ(listener.expected, after_b - after_a);
    EXPECT_EQ(listener.starts, listener.ends);
}

TEST_F(streams_integration, unreachable_broker_is_retried_with_backoff_then_reported) {
    uint16_t port = ts::pick_free_port();  // nobody listens there
    auto p = props("wc-unreachable");
    p["bootstrap.servers"] = "127.0.0.1:" + std::to_string(port);
    p["request.timeout.ms"] = "3000";
    kafka_streams app(testing_fakes::word_count_topology(), p);
    std::vector<streams_state> seen;
    app.set_state_listener([&](streams_state now, streams_state) { seen.push_back(now); });
    try {
        app.start();
        FAIL() << "expected streams_exception";
    } catch (const streams_exception& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("cannot reach the Kafka cluster at 127.0.0.1:" + std::to_string(port)), std::string::npos) << m;
        auto at = m.find(" attempts)");
        ASSERT_NE(at, std::string::npos) << m;
        auto from = m.rfind(' ', at - 1);
        EXPECT_GE(std::stoi(m.substr(from + 1, at - from - 1)), 2) << "not retried: " << m;
    }
    EXPECT_EQ(app.state(), streams_state::error);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), streams_state::error);
}

TEST_F(streams_integration, start_waits_for_a_broker_that_comes_up_while_it_retries) {
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(broker_.stop());
    auto p = props("wc-late-broker");
    p["request.timeout.ms"] = "40000";
    kafka_streams app(testing_fakes::word_count_topology(), p);
    std::exception_ptr failure;
    std::thread starter([&] {
        try {
            app.start();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    std::this_thread::sleep_for(3s);  // start() is retrying meanwhile
    bool restarted = broker_.restart();
    starter.join();  // bounded by request.timeout.ms
    ASSERT_TRUE(restarted) << broker_.failure();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            FAIL() << "start() gave up although the broker came back: " << e.what();
        }
    }
    EXPECT_NE(app.state(), streams_state::error);
    EXPECT_TRUE(app.close(30s));
}

// Whether each instance holds two of the four tasks; false after 60 s.
bool wait_for_halves(const kafka_streams& a, const kafka_streams& b) {
    auto count = [](const kafka_streams& app) {
        size_t n = 0;
        for (const auto& t : app.metadata_for_local_threads()) n += t.active_tasks.size();
        return n;
    };
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (count(a) == 2 && count(b) == 2 && a.state() == streams_state::running &&
            b.state() == streams_state::running) {
            return true;
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

TEST_F(streams_integration, in_memory_tasks_kept_through_a_rebalance_are_not_restored_again) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    auto props_b = props("wc-suspend");
    props_b["state.dir"] = (state_dir_ / "b").string();
    counting_restore_listener la, lb;
    kafka_streams a(testing_fakes::word_count_topology(store_type::in_memory), props("wc-suspend"));
    a.set_global_state_restore_listener(&la);
    a.start();
    produce_lines({"a b c d e f g h", "a b c d e f g h"});
    auto counts = wait_for_counts("counts", 2,
                                  [](const counts_map& m) { return count_of(m, "h") >= 2 && count_of(m, "a") >= 2; });
    ASSERT_GE(counts["h"], 2);
    EXPECT_EQ(la.total(), 0);

    // b joins: eager revocation takes all four tasks from a, which gets two
    // back. Those were suspended, not closed: nothing is restored on a.
    kafka_streams b(testing_fakes::word_count_topology(store_type::in_memory), props_b);
    b.set_global_state_restore_listener(&lb);
    b.start();
    ASSERT_TRUE(wait_for_halves(a, b));
    EXPECT_EQ(la.total(), 0) << "a restored stores of tasks it kept";
    EXPECT_EQ(la.starts, 0);
    EXPECT_GT(lb.total(), 0) << "b took over a task with state: restored from its changelog";
    produce_lines({"a h"});
    counts = wait_for_counts("counts", 2,
                             [](const counts_map& m) { return count_of(m, "a") >= 3 && count_of(m, "h") >= 3; });
    EXPECT_GE(counts["a"], 3);
    EXPECT_GE(counts["h"], 3);
    EXPECT_TRUE(b.close(30s));
    EXPECT_TRUE(a.close(30s));
}

// Two and one OS processes of samsa-test-word-count-app.
class streams_processes : public streams_integration {
protected:
    using app = testing_fakes::app_process;

    void SetUp() override {
        streams_integration::SetUp();
        if (app::binary().empty() || !std::filesystem::exists(app::binary())) {
            GTEST_SKIP() << "samsa-test-word-count-app not built (SAMSA_BIN_DIR)";
        }
        if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    }

    std::map<std::string, std::string> app_props(const std::string& instance) const {
        auto p = props("wc-procs");
        p["state.dir"] = (state_dir_ / instance).string();
        return p;
    }

    // Waits until every app is RUNNING with the wanted number of tasks each
    // and together all four tasks; false after 90 s.
    bool wait_for_split(const std::vector<app*>& apps, std::string& last) {
        const std::set<std::string> all{"0_0", "0_1", "1_0", "1_1"};
        auto deadline = std::chrono::steady_clock::now() + 90s;
        while (std::chrono::steady_clock::now() < deadline) {
            std::set<std::string> seen;
            size_t total = 0;
            bool running = true;
            last.clear();
            for (auto* a : apps) {
                if (!a->running()) {
                    last = "an instance exited: " + a->log_text();
                    return false;
                }
                auto s = a->status();
                running = running && s.state == "RUNNING" && s.tasks.size() == all.size() / apps.size();
                total += s.tasks.size();
                seen.insert(s.tasks.begin(), s.tasks.end());
                last += s.state + " [";
                for (const auto& t : s.tasks) last += t + " ";
                last += "] ";
            }
            if (running && total == all.size() && seen == all) return true;
            std::this_thread::sleep_for(200ms);
        }
        return false;
    }

    // `lines` lines, each with the words w0 .. w<words-1>.
    void produce_word_lines(int lines, int words) {
        std::string line;
        for (int w = 0; w < words; ++w) line += "w" + std::to_string(w) + " ";
        produce_lines(std::vector<std::string>(lines, line));
    }

    static std::string describe(const counts_map& counts) {
        std::string out;
        for (const auto& [w, n] : counts) out += w + "=" + std::to_string(n) + " ";
        return out;
    }
    static bool every_word_at_least(const counts_map& counts, int words, int64_t n) {
        for (int w = 0; w < words; ++w) {
            auto it = counts.find("w" + std::to_string(w));
            if (it == counts.end() || it->second < n) return false;
        }
        return true;
    }
    static bool every_word_exactly(const counts_map& counts, int words, int64_t n) {
        for (int w = 0; w < words; ++w) {
            auto it = counts.find("w" + std::to_string(w));
            if (it == counts.end() || it->second != n) return false;
        }
        return true;
    }
};

TEST_F(streams_processes, two_processes_share_the_partitions_and_scale_back_to_one) {
    constexpr int words = 12;
    app one("one", state_dir_), two("two", state_dir_);
    ASSERT_TRUE(one.start(app_props("one")));
    std::string split;
    ASSERT_TRUE(wait_for_split({&one}, split)) << split << one.log_text();
    produce_word_lines(10, words);
    auto counts = wait_for_counts("counts", 2, [&](const counts_map& c) { return every_word_at_least(c, words, 10); });
    EXPECT_TRUE(every_word_at_least(counts, words, 10)) << describe(counts) << one.log_text();

    ASSERT_TRUE(two.start(app_props("two")));
    ASSERT_TRUE(wait_for_split({&one, &two}, split)) << split << "\n" << one.log_text() << "\n" << two.log_text();
    produce_word_lines(10, words);
    counts = wait_for_counts("counts", 2, [&](const counts_map& c) { return every_word_at_least(c, words, 20); });
    EXPECT_TRUE(every_word_at_least(counts, words, 20)) << describe(counts);
    // Clean rebalances commit first; only a producer retry could repeat.
    if (!every_word_exactly(counts, words, 20)) std::printf("note: duplicates after scale-out: %s\n", describe(counts).c_str());

    // Back to one: a clean stop hands its tasks (and state, through the
    // changelogs) to the other.
    EXPECT_EQ(two.stop(), 0) << two.log_text();
    ASSERT_TRUE(wait_for_split({&one}, split)) << split << one.log_text();
    produce_word_lines(10, words);
    counts = wait_for_counts("counts", 2, [&](const counts_map& c) { return every_word_at_least(c, words, 30); });
    EXPECT_TRUE(every_word_at_least(counts, words, 30)) << describe(counts) << one.log_text();
    EXPECT_EQ(one.stop(), 0) << one.log_text();
}

TEST_F(streams_processes, kill_9_of_one_process_the_other_takes_over_with_its_state) {
    constexpr int words = 12;
    app one("one", state_dir_), two("two", state_dir_);
    ASSERT_TRUE(one.start(app_props("one")));
    ASSERT_TRUE(two.start(app_props("two")));
    std::string split;
    ASSERT_TRUE(wait_for_split({&one, &two}, split)) << split << "\n" << one.log_text() << "\n" << two.log_text();
    produce_word_lines(20, words);
    auto counts = wait_for_counts("counts", 2, [&](const counts_map& c) { return every_word_at_least(c, words, 20); });
    ASSERT_TRUE(every_word_at_least(counts, words, 20)) << describe(counts) << one.log_text() << two.log_text();

    two.kill9();  // no commit, no leave: the group notices after the session timeout
    produce_word_lines(20, words);
    ASSERT_TRUE(wait_for_split({&one}, split)) << split << one.log_text();
    // Nothing lost: a store that were not restored would count from zero
    // and stay below 40; duplicates (at-least-once) could only add.
    counts = wait_for_counts("counts", 2, [&](const counts_map& c) { return every_word_at_least(c, words, 40); });
    EXPECT_TRUE(every_word_at_least(counts, words, 40)) << describe(counts) << one.log_text();
    produce_word_lines(1, words);
    auto more = wait_for_counts("counts", 2, [&](const counts_map& c) {
        for (const auto& [w, n] : counts) {
            if (!c.count(w) || c.at(w) != n + 1) return false;
        }
        return true;
    });
    for (const auto& [w, n] : counts) EXPECT_EQ(more[w], n + 1) << w;
    EXPECT_EQ(one.stop(), 0) << one.log_text();
}

}  // namespace
}  // namespace samsa::streams
