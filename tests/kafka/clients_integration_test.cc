// samsa::kafka's producer and consumer against a real samsa-broker child
// process: what was sent is what is read (keys, null values, headers,
// timestamps, Java's partitioning), group-free and group reading, seek,
// watermarks, offsets for times, commits, and a transaction's outcome.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "samsa/kafka/admin.h"
#include "samsa/kafka/consumer.h"
#include "samsa/kafka/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::kafka {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

class kafka_clients : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "t", 2));
    }

    properties config(properties extra = {}) const {
        extra["bootstrap.servers"] = broker_.bootstrap();
        return extra;
    }

    // Sends `count` keyed records (every third with a null value), waits for
    // every report; the reports by token.
    std::map<uint64_t, delivery_report> send(int count, properties extra = {}) {
        std::map<uint64_t, delivery_report> reports;
        producer_options options;
        options.on_delivery = [&](const delivery_report& d) {
            EXPECT_TRUE(d.result) << d.result.error().message;
            reports[d.token] = d;
            reports[d.token].topic = {};  // the view ends with the callback
        };
        extra["partitioner"] = "murmur2_random";
        auto p = producer::create(config(extra), std::move(options));
        EXPECT_TRUE(p) << p.error().message;
        if (!p) return reports;
        for (int i = 0; i < count; ++i) {
            std::string key = "key-" + std::to_string(i);
            std::string value = "value-" + std::to_string(i);
            std::string index = std::to_string(i);
            std::vector<header_view> headers{{"index", std::string_view(index)}, {"null", std::nullopt}};
            producer_record r;
            r.topic = "t";
            r.key = key;
            if (i % 3 != 0) r.value = value;
            r.headers = headers;
            r.timestamp = timestamp_ms(base_time_ + i);
            r.token = static_cast<uint64_t>(i);
            auto sent = (*p)->send(r);
            EXPECT_TRUE(sent) << sent.error().message;
        }
        auto flushed = (*p)->flush(15s);
        EXPECT_TRUE(flushed) << flushed.error().message;
        return reports;
    }

    // Polls until both partitions are at their end (enable.partition.eof).
    std::vector<record> read_to_end(consumer& c, size_t partitions = 2) {
        std::vector<record> out;
        std::set<int32_t> at_end;
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (at_end.size() < partitions && std::chrono::steady_clock::now() < deadline) {
            auto m = c.poll(100ms);
            EXPECT_TRUE(m || m.error().retriable) << m.error().message;
            if (!m || !*m) continue;
            if ((*m)->end_of_partition()) {
                at_end.insert((*m)->partition()());
            } else {
                out.push_back((*m)->to_record());
                at_end.erase((*m)->partition()());
            }
        }
        EXPECT_EQ(at_end.size(), partitions);
        return out;
    }

    ts::broker_process broker_;
    // Recent: the broker's retention (7 days) would delete older records.
    const int64_t base_time_ = ts::now_ms() - 60'000;
};

TEST_F(kafka_clients, what_is_sent_is_what_a_group_free_consumer_reads) {
    auto reports = send(12);
    ASSERT_EQ(reports.size(), 12u);
    std::map<int32_t, int64_t> per_partition;
    for (const auto& [token, d] : reports) {
        // Where Kafka's Java client puts the key.
        EXPECT_EQ(d.partition(), ts::java_partition("key-" + std::to_string(token), 2)) << token;
        EXPECT_GE(d.offset(), 0);
        EXPECT_EQ(d.timestamp(), base_time_ + static_cast<int64_t>(token));
        ++per_partition[d.partition()];
    }

    auto c = consumer::create(config({{"enable.partition.eof", "true"}}));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE((*c)->assign({{{"t", 0}, offset_beginning}, {{"t", 1}, offset_beginning}}));
    auto records = read_to_end(**c);
    ASSERT_EQ(records.size(), 12u);
    for (const auto& r : records) {
        int i = std::stoi(r.key.value().substr(4));
        EXPECT_EQ(r.topic, "t");
        EXPECT_EQ(r.partition, reports.at(static_cast<uint64_t>(i)).partition);
        EXPECT_EQ(r.offset, reports.at(static_cast<uint64_t>(i)).offset);
        EXPECT_EQ(r.timestamp(), base_time_ + i);
        EXPECT_EQ(r.ts_type, timestamp_type::create_time);
        if (i % 3 == 0) {
            EXPECT_FALSE(r.value.has_value()) << i;  // null, not empty
        } else {
            EXPECT_EQ(r.value, "value-" + std::to_string(i));
        }
        EXPECT_EQ(r.headers, (std::vector<header>{{"index", std::to_string(i)}, {"null", std::nullopt}}));
    }

    for (const auto& [p, n] : per_partition) {
        auto w = (*c)->query_watermarks({"t", p}, 10s);
        ASSERT_TRUE(w) << w.error().message;
        EXPECT_EQ(w->low, offset(0));
        EXPECT_EQ(w->high, offset(n));
    }
    EXPECT_TRUE((*c)->close(5s));
}

TEST_F(kafka_clients, seek_and_offsets_for_times_position_the_reader) {
    auto reports = send(12);
    ASSERT_EQ(reports.size(), 12u);
    // The partition of key-5, and the records in it by offset.
    int32_t p = reports.at(5).partition();
    std::map<int64_t, uint64_t> by_offset;
    for (const auto& [token, d] : reports) {
        if (d.partition() == p) by_offset[d.offset()] = token;
    }
    ASSERT_GE(by_offset.size(), 3u);

    auto c = consumer::create(config());
    ASSERT_TRUE(c) << c.error().message;
    auto found = (*c)->offset_for_time({"t", p}, timestamp_ms(base_time_ + 5), 10s);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(*found, reports.at(5).offset);
    auto none = (*c)->offset_for_time({"t", p}, timestamp_ms(base_time_ + 3'600'000), 10s);
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(*none, offset_end);

    ASSERT_TRUE((*c)->assign({{{"t", p}, offset(by_offset.begin()->first)}}));
    auto first_message = [&]() -> std::optional<record> {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto m = (*c)->poll(100ms);
            if (m && *m) return (*m)->to_record();
        }
        return std::nullopt;
    };
    auto first = first_message();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->offset(), by_offset.begin()->first);
    int64_t last = by_offset.rbegin()->first;
    ASSERT_TRUE((*c)->seek({{"t", p}, offset(last)}, 5s));
    // Messages fetched before the seek may still be queued: skip to the seek's.
    std::optional<record> after;
    for (int i = 0; i < 20 && (!after || after->offset() != last); ++i) after = first_message();
    ASSERT_TRUE(after);
    EXPECT_EQ(after->offset(), last);
    EXPECT_EQ(after->key, "key-" + std::to_string(by_offset.rbegin()->second));
}

TEST_F(kafka_clients, a_group_member_commits_what_it_stored_and_a_successor_resumes_there) {
    ASSERT_EQ(send(12).size(), 12u);
    properties member{{"group.id", "g"},
                      {"auto.offset.reset", "earliest"},
                      {"enable.auto.commit", "false"},
                      {"enable.auto.offset.store", "false"},
                      {"enable.partition.eof", "true"},
                      {"session.timeout.ms", "6000"}};
    auto c = consumer::create(config(member));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE((*c)->has_group());
    ASSERT_TRUE((*c)->subscribe({"t"}));
    auto records = read_to_end(**c);
    ASSERT_EQ(records.size(), 12u);
    // Handled: all of partition 0, none of partition 1.
    std::map<int32_t, int64_t> next;
    for (const auto& r : records) {
        if (r.partition() == 0) next[0] = std::max(next[0], r.offset() + 1);
    }
    ASSERT_TRUE((*c)->store_offset({{"t", 0}, offset(next[0])}));
    auto committed = (*c)->commit(10s);
    ASSERT_TRUE(committed) << committed.error().message;
    auto closed = (*c)->close(10s);
    ASSERT_TRUE(closed) << closed.error().message;

    auto conf = make_conf(config());
    ASSERT_TRUE(conf);
    auto admin_rk = make_client(client_type::producer, std::move(*conf));
    ASSERT_TRUE(admin_rk);
    admin a(std::move(*admin_rk), admin_config{10s, {}});
    auto fetched = a.offset_fetch("g");
    ASSERT_TRUE(fetched) << fetched.error().message;
    std::map<int32_t, int64_t> in_group;
    for (const auto& o : *fetched) in_group[o.tp.partition] = o.committed();
    EXPECT_EQ(in_group[0], next[0]);
    EXPECT_EQ(in_group.count(1) ? in_group[1] : -1, -1);

    // The successor reads partition 1 again, nothing of partition 0.
    auto successor = consumer::create(config(member));
    ASSERT_TRUE(successor) << successor.error().message;
    ASSERT_TRUE((*successor)->subscribe({"t"}));
    for (const auto& r : read_to_end(**successor)) EXPECT_EQ(r.partition(), 1) << r.offset();
    // With explicit offsets, nothing stored needed.
    ASSERT_TRUE((*successor)->commit({{{"t", 1}, offset(1)}}, 10s));
    EXPECT_TRUE((*successor)->close(10s));
}

TEST_F(kafka_clients, a_read_committed_consumer_sees_committed_transactions_only) {
    auto p = producer::create(config({{"transactional.id", "tx"}}));
    ASSERT_TRUE(p) << p.error().message;
    auto init = (*p)->init_transactions(15s);
    ASSERT_TRUE(init) << init.error().message;
    for (bool commit : {false, true}) {
        ASSERT_TRUE((*p)->begin_transaction());
        producer_record r;
        r.topic = "t";
        r.partition = partition_id(0);
        r.value = commit ? "committed" : "aborted";
        ASSERT_TRUE((*p)->send(r));
        auto end = commit ? (*p)->commit_transaction(15s) : (*p)->abort_transaction(15s);
        ASSERT_TRUE(end) << end.error().message;
    }
    auto c = consumer::create(config({{"isolation.level", "read_committed"}, {"enable.partition.eof", "true"}}));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE((*c)->assign({{{"t", 0}, offset_beginning}}));
    auto records = read_to_end(**c, 1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].value, "committed");
}

}  // namespace
}  // namespace samsa::kafka
