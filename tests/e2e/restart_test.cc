// Durability across restarts of the real broker process: topics, their
// configs and every acknowledged record survive a clean shutdown (SIGTERM) and
// a kill -9 after an acks=all produce has completed; offsets continue where
// they stopped, and the restarted broker accepts new records.

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"
#include "tests/e2e/record_checks.h"

namespace samsa::e2e {
namespace {

constexpr int partitions = 6;

class restart_test : public broker_test {
protected:
    // Small segments, so a restart finds several per partition (and kill -9
    // leaves an active segment mid-way).
    test_support::broker_options make_broker_options() const override {
        return test_support::broker_options_builder().override_config("log.segment.bytes", "65536");
    }

    // A topic with configs and records on every partition; returns what was acknowledged.
    std::vector<record> fill(const std::string& topic, int count) {
        auto st = create_topic(bootstrap(), topic, partitions, {{"retention.ms", "123456789"}, {"cleanup.policy", "delete"}});
        EXPECT_TRUE(st) << st.error().message;
        auto records = make_records(count, 50, topic);
        for (auto& r : records) r.value += std::string(100, '.');
        auto produced = produce(bootstrap(), topic, records,
                                {{"acks", "all"}, {"compression.codec", "lz4"}, {"linger.ms", "2"},
                                 {"partitioner", "murmur2_random"}});
        EXPECT_TRUE(produced) << produced.error().message;
        return produced ? *produced : std::vector<record>{};
    }

    // Everything fill() left is there again, then new records get the next offsets.
    void expect_intact(const std::string& topic, const std::vector<record>& before) {
        auto count = partition_count(bootstrap(), topic);
        ASSERT_TRUE(count) << count.error().message;
        EXPECT_EQ(*count, partitions);
        auto config = describe_topic_config(bootstrap(), topic);
        ASSERT_TRUE(config) << config.error().message;
        EXPECT_EQ((*config)["retention.ms"], "123456789");
        auto read = read_all(bootstrap(), topic, partitions, before.size());
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_TRUE(same_records(before, *read));
        EXPECT_TRUE(offsets_dense_from(*read, 0));

        auto ends = by_partition(before);
        auto more = produce(bootstrap(), topic, make_records(60, 50, "after-restart"), {{"acks", "all"}});
        ASSERT_TRUE(more) << more.error().message;
        for (const auto& r : *more) {
            int64_t end = static_cast<int64_t>(ends[r.partition].size());
            EXPECT_GE(r.offset, end) << "partition " << r.partition << " reused an offset after the restart";
        }
        auto all = read_all(bootstrap(), topic, partitions, before.size() + more->size());
        ASSERT_TRUE(all) << all.error().message;
        EXPECT_TRUE(offsets_dense_from(*all, 0));
    }
};

TEST_F(restart_test, clean_restart_keeps_topics_configs_and_records) {
    auto before = fill("durable-clean", 3000);
    ASSERT_FALSE(HasFailure());
    auto status = broker().stop();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, 0) << "SIGTERM should be a clean exit";
    ASSERT_TRUE(broker().restart()) << broker().failure();
    expect_intact("durable-clean", before);
}

TEST_F(restart_test, kill_9_keeps_acknowledged_records) {
    auto before = fill("durable-kill", 3000);
    ASSERT_FALSE(HasFailure());
    broker().kill9();
    ASSERT_TRUE(broker().restart()) << broker().failure();
    expect_intact("durable-kill", before);
}

TEST_F(restart_test, altered_config_and_deleted_topic_survive_restart) {
    auto st = create_topic(bootstrap(), "keep-me", 2);
    ASSERT_TRUE(st) << st.error().message;
    st = create_topic(bootstrap(), "delete-me", 2);
    ASSERT_TRUE(st) << st.error().message;
    st = alter_topic_config(bootstrap(), "keep-me", {{"retention.ms", "999000"}});
    ASSERT_TRUE(st) << st.error().message;
    st = delete_topic(bootstrap(), "delete-me");
    ASSERT_TRUE(st) << st.error().message;

    ASSERT_TRUE(broker().restart()) << broker().failure();
    auto config = describe_topic_config(bootstrap(), "keep-me");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ((*config)["retention.ms"], "999000");
    auto topics = list_topics(bootstrap());
    ASSERT_TRUE(topics) << topics.error().message;
    EXPECT_NE(std::find(topics->begin(), topics->end(), "keep-me"), topics->end());
    EXPECT_EQ(std::find(topics->begin(), topics->end(), "delete-me"), topics->end())
        << "a deleted topic came back after the restart";
}

TEST_F(restart_test, kill_9_twice_in_a_row) {
    auto before = fill("durable-twice", 1000);
    ASSERT_FALSE(HasFailure());
    broker().kill9();
    ASSERT_TRUE(broker().restart()) << broker().failure();
    broker().kill9();  // right after recovery, before anything new was written
    ASSERT_TRUE(broker().restart()) << broker().failure();
    auto read = read_all(bootstrap(), "durable-twice", partitions, before.size());
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(before, *read));
}

}  // namespace
}  // namespace samsa::e2e
