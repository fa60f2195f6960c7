// Retention and compaction end to end: the real samsa-broker with a fast
// retention check and cleaner backoff, read by kcat, kafka-python and
// librdkafka; configs altered at run time; kill -9 during cleaning.
//
// Waiting for the background work is a bounded poll on what a client sees
// (never a timed assertion).

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/broker_test.h"

namespace samsa::e2e {
namespace {

struct seen {
    int64_t off;
    std::string key;
    bool null_value;
    std::string value;
};

std::vector<seen> parse_kcat(const std::string& out) {
    std::vector<seen> records;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        // %o|%k|%S|%s
        auto a = line.find('|');
        auto b = line.find('|', a + 1);
        auto c = line.find('|', b + 1);
        if (a == std::string::npos || b == std::string::npos || c == std::string::npos) continue;
        seen s;
        s.off = std::stoll(line.substr(0, a));
        s.key = line.substr(a + 1, b - a - 1);
        s.null_value = line.substr(b + 1, c - b - 1) == "-1";
        s.value = line.substr(c + 1);
        records.push_back(std::move(s));
    }
    return records;
}

class retention_e2e_test : public broker_test {
protected:
    test_support::broker_options make_broker_options() const override {
        return test_support::broker_options_builder()
            .override_config("log.retention.check.interval.ms", "100")
            .override_config("log.cleaner.backoff.ms", "100")
            .override_config("offsets.topic.num.partitions", "1")
            .override_config("log.segment.bytes", "2048")
            .build();
    }

    // "key:value" lines (an empty value is a tombstone with -Z).
    void produce_lines(const std::string& topic, const std::string& lines) {
        auto r = run_kcat({"-P", "-t", topic, "-p", "0", "-K:", "-Z"}, lines);
        ASSERT_COMMAND_OK(r);
    }
    std::vector<seen> read_with_kcat(const std::string& topic) {
        auto r = run_kcat({"-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-f", "%o|%k|%S|%s\n"});
        EXPECT_COMMAND_OK(r);
        return parse_kcat(r.out);
    }
    // tests/e2e/retention/read_kafka_python.py: kafka-python reads topic
    // partition 0 from `from` (default: the beginning), "offset key value" lines.
    test_support::command_result read_with_kafka_python(const std::string& topic, const std::string& from = "") {
        std::vector<std::string> args{
            system_python, "-u",
            (std::filesystem::path(std::getenv("SAMSA_SOURCE_DIR")) / "tests/e2e/retention/read_kafka_python.py").string(),
            bootstrap(), topic};
        if (!from.empty()) args.push_back(from);
        return run_command(args, {.timeout = 60s, .env = {{"PYTHONDONTWRITEBYTECODE", "1"}}});
    }
    // Polls (bounded, 20 s) partition 0's log start offset until retention
    // has moved it past 0; returns it (0 if it never moved).
    int64_t wait_for_log_start_to_move(const std::string& topic) {
        for (int i = 0; i < 100; ++i) {
            auto w = watermarks(bootstrap(), topic, 0);
            EXPECT_TRUE(w.has_value());
            if (!w) return 0;
            if (w->first != 0) return w->first;
            std::this_thread::sleep_for(200ms);
        }
        return 0;
    }
    // Polls (bounded) until `done` holds for what kcat reads.
    std::vector<seen> wait_until(const std::string& topic, const std::function<bool(const std::vector<seen>&)>& done) {
        std::vector<seen> got;
        for (int i = 0; i < 100; ++i) {
            got = read_with_kcat(topic);
            if (done(got)) return got;
            std::this_thread::sleep_for(200ms);
        }
        return got;
    }
    static bool each_key_once_without_tombstones(const std::vector<seen>& records) {
        std::set<std::string> keys;
        for (const auto& r : records) {
            if (r.null_value || !keys.insert(r.key).second) return false;
        }
        return !records.empty();
    }
};

TEST_F(retention_e2e_test, a_compacted_topic_read_from_the_beginning_holds_the_latest_value_of_every_live_key) {
    ASSERT_TRUE(create_topic(bootstrap(), "table", 1,
                             {{"cleanup.policy", "compact"},
                              {"segment.bytes", "1024"},
                              {"min.cleanable.dirty.ratio", "0.01"},
                              {"delete.retention.ms", "0"}}));
    std::map<std::string, std::string> expected;
    for (int round = 0; round < 10; ++round) {
        std::string lines;
        for (int k = 0; k < 20; ++k) {
            std::string key = "key-" + std::to_string(k);
            std::string value = "value-" + std::to_string(round) + "-" + std::to_string(k);
            lines += key + ":" + value + "\n";
            expected[key] = value;
        }
        produce_lines("table", lines);
    }
    std::string deletes;
    for (int k = 0; k < 5; ++k) {
        deletes += "key-" + std::to_string(k) + ":\n";
        expected.erase("key-" + std::to_string(k));
    }
    produce_lines("table", deletes);
    // Unique keys that push everything above out of the active segment.
    for (int i = 0; i < 3; ++i) {
        std::string filler = "filler-" + std::to_string(i);
        produce_lines("table", filler + ":" + std::string(1100, 'f') + "\n");
        expected[filler] = std::string(1100, 'f');
    }

    auto cleaned = wait_until("table", each_key_once_without_tombstones);
    ASSERT_TRUE(each_key_once_without_tombstones(cleaned)) << broker().log_tail();
    std::map<std::string, std::string> got;
    for (const auto& r : cleaned) got[r.key] = r.value;
    EXPECT_EQ(got, expected);

    // kafka-python reads the same from the beginning, offset gaps and all.
    auto py = read_with_kafka_python("table");
    ASSERT_COMMAND_OK(py);
    std::map<std::string, std::string> py_got;
    std::istringstream in(py.out);
    std::string off, key, value;
    size_t py_records = 0;
    while (in >> off >> key >> value) {
        py_got[key] = value;
        ++py_records;
    }
    EXPECT_EQ(py_records, cleaned.size());
    EXPECT_EQ(py_got, expected);

    // librdkafka (C++ API) too.
    auto rd = read_partitions(bootstrap(), "table", {0}, -2 /* OFFSET_BEGINNING */, cleaned.size());
    ASSERT_TRUE(rd.has_value()) << rd.error().message;
    std::map<std::string, std::string> rd_got;
    for (const auto& r : *rd) rd_got[r.key] = r.value;
    EXPECT_EQ(rd->size(), cleaned.size());
    EXPECT_EQ(rd_got, expected);
}

TEST_F(retention_e2e_test, retention_altered_at_run_time_trims_the_log_and_clients_start_at_the_new_earliest) {
    ASSERT_TRUE(create_topic(bootstrap(), "events", 1, {{"segment.bytes", "1024"}}));
    const int64_t old_ts = test_support::now_ms() - 3600 * 1000;
    std::vector<record> old_records;
    for (int i = 0; i < 50; ++i) {
        record r;
        r.key = "old-" + std::to_string(i);
        r.value = std::string(100, 'o');
        r.timestamp = old_ts + i;
        r.partition = 0;
        old_records.push_back(std::move(r));
    }
    ASSERT_TRUE(produce(bootstrap(), "events", old_records, {{"linger.ms", "0"}, {"batch.size", "300"}}));
    std::vector<record> new_records;
    for (int i = 0; i < 20; ++i) {
        record r;
        r.key = "new-" + std::to_string(i);
        r.value = "fresh";
        r.partition = 0;
        new_records.push_back(std::move(r));
    }
    auto produced = produce(bootstrap(), "events", new_records);
    ASSERT_TRUE(produced.has_value());
    const int64_t first_new = produced->front().offset;
    auto before = watermarks(bootstrap(), "events", 0);
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(before->first, 0);

    // AlterConfigs at run time: 10 minutes of retention.
    ASSERT_TRUE(alter_topic_config(bootstrap(), "events", {{"segment.bytes", "1024"}, {"retention.ms", "600000"}}));
    auto described = describe_topic_config(bootstrap(), "events");
    ASSERT_TRUE(described.has_value());
    EXPECT_EQ((*described)["retention.ms"], "600000");

    int64_t low = wait_for_log_start_to_move("events");
    ASSERT_GT(low, 0) << "ListOffsets earliest never moved\n" << broker().log_tail();
    EXPECT_LE(low, first_new);

    // Every new record is still there for kcat, kafka-python and librdkafka.
    auto kc = read_with_kcat("events");
    ASSERT_FALSE(kc.empty());
    EXPECT_EQ(kc.front().off, low);
    size_t fresh = 0;
    for (const auto& r : kc) fresh += r.value == "fresh";
    EXPECT_EQ(fresh, 20u);

    auto py = read_with_kafka_python("events");
    ASSERT_COMMAND_OK(py);
    EXPECT_EQ(py.out.substr(0, py.out.find(' ')), std::to_string(low));

    // A consumer asking for offset 0 (below the start) gets OFFSET_OUT_OF_RANGE
    // and is reset by its own policy (earliest).
    auto reset = read_with_kafka_python("events", "0");
    ASSERT_COMMAND_OK(reset);
    EXPECT_EQ(reset.out.substr(0, reset.out.find(' ')), std::to_string(low));
}

// librdkafka's reset after OFFSET_OUT_OF_RANGE (it needs the error partition's
// records to be empty, not null, as Kafka answers).
TEST_F(retention_e2e_test, librdkafka_below_the_log_start_resets_to_earliest) {
    ASSERT_TRUE(create_topic(bootstrap(), "events", 1, {{"segment.bytes", "1024"}, {"retention.bytes", "1500"}}));
    std::vector<record> records;
    for (int i = 0; i < 60; ++i) records.push_back({"k" + std::to_string(i), std::string(50, 'v'), {}, 0, 0});
    ASSERT_TRUE(produce(bootstrap(), "events", records, {{"linger.ms", "0"}, {"batch.size", "300"}}));
    int64_t low = wait_for_log_start_to_move("events");
    ASSERT_GT(low, 0);
    auto rd = read_partitions(bootstrap(), "events", {0}, 0, 1, {{"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(rd.has_value()) << rd.error().message;
    ASSERT_FALSE(rd->empty());
    EXPECT_EQ(rd->front().offset, low);
}

TEST_F(retention_e2e_test, a_kill_9_during_cleaning_loses_nothing_and_corrupts_nothing) {
    ASSERT_TRUE(create_topic(bootstrap(), "state", 1,
                             {{"cleanup.policy", "compact"},
                              {"segment.bytes", "4096"},
                              {"min.cleanable.dirty.ratio", "0.01"}}));
    std::map<std::string, std::string> expected;
    for (int attempt = 0; attempt < 3; ++attempt) {
        for (int round = 0; round < 5; ++round) {
            std::string lines;
            for (int k = 0; k < 200; ++k) {
                std::string key = "key-" + std::to_string(k);
                std::string value = "v" + std::to_string(attempt) + "-" + std::to_string(round) + "-" + std::string(40, 'x');
                lines += key + ":" + value + "\n";
                expected[key] = value;
            }
            produce_lines("state", lines);
        }
        // Give the cleaner a moment to start, then kill the broker wherever it is.
        std::this_thread::sleep_for(std::chrono::milliseconds(50 + 70 * attempt));
        broker().kill9();
        ASSERT_TRUE(broker().start()) << broker().failure();
        // Every key's latest value survives, read whole (CRC checked by the clients).
        auto got = read_with_kcat("state");
        std::map<std::string, std::string> latest;
        int64_t last = -1;
        for (const auto& r : got) {
            EXPECT_GT(r.off, last) << "offsets must increase";
            last = r.off;
            latest[r.key] = r.value;
        }
        EXPECT_EQ(latest, expected) << "attempt " << attempt << "\n" << broker().log_tail();
    }
    auto rd = read_partitions(bootstrap(), "state", {0}, -2, expected.size());
    ASSERT_TRUE(rd.has_value()) << rd.error().message;
    std::map<std::string, std::string> rd_latest;
    for (const auto& r : *rd) rd_latest[r.key] = r.value;
    EXPECT_EQ(rd_latest, expected);
}

TEST_F(retention_e2e_test, consumer_offsets_is_compacted_and_the_commits_survive_a_restart) {
    ASSERT_TRUE(create_topic(bootstrap(), "orders", 1));
    const auto script =
        (std::filesystem::path(std::getenv("SAMSA_SOURCE_DIR")) / "tests/e2e/retention/offsets_commits.py").string();
    auto commit = run_command({system_python, "-u", script, bootstrap(), "commit", "g1", "orders", "400"},
                              {.timeout = 120s, .env = {{"PYTHONDONTWRITEBYTECODE", "1"}}});
    ASSERT_COMMAND_OK(commit);

    // 400 commits of one group/partition shrink to a handful of records once cleaned.
    std::vector<seen> records;
    for (int i = 0; i < 100; ++i) {
        auto r = run_kcat({"-C", "-t", "__consumer_offsets", "-p", "0", "-o", "beginning", "-e", "-f",
                           "%o|%K|%S|x\n"});
        ASSERT_COMMAND_OK(r);
        records = parse_kcat(r.out);
        if (!records.empty() && records.size() < 100) break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_LT(records.size(), 100u) << broker().log_tail();

    ASSERT_TRUE(broker().restart()) << broker().failure();
    auto committed = run_command({system_python, "-u", script, bootstrap(), "committed", "g1", "orders"},
                                 {.timeout = 60s, .env = {{"PYTHONDONTWRITEBYTECODE", "1"}}});
    ASSERT_COMMAND_OK(committed);
    EXPECT_EQ(committed.out, "400\n");
}

}  // namespace
}  // namespace samsa::e2e
