// DescribeTopicPartitions, DescribeLogDirs, OffsetForLeaderEpoch and
// ElectLeaders through a raw socket, answered as a single Kafka node would.
// (No installed client uses them: librdkafka 2.0.2, kafka-python 2.0.2 and
// kafkajs predate or lack them.)

#include <gtest/gtest.h>

#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/describe_log_dirs.h"
#include "samsa/protocol/messages/describe_topic_partitions.h"
#include "samsa/protocol/messages/elect_leaders.h"
#include "samsa/protocol/messages/offset_for_leader_epoch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

class cluster_apis : public api_fixture {
protected:
    void create(const std::string& name, int32_t partitions) { create_topic(name, partitions); }

    void produce(const std::string& topic, int n) {
        auto r = api_fixture::produce(topic, n, 9);
        ASSERT_EQ(r.responses.size(), 1u);
        ASSERT_EQ(r.responses[0].partition_responses[0].error_code, error_code::none);
    }
};

TEST_F(cluster_apis, describe_topic_partitions_pages_through_every_partition) {
    create("a-three", 3);
    create("b-two", 2);
    protocol::describe_topic_partitions_request req;  // no topics: all of them
    req.response_partition_limit = 2;
    std::vector<std::pair<std::string, int32_t>> seen;
    for (int page = 0; page < 10; ++page) {
        auto r = call<protocol::describe_topic_partitions_response>(req, 0);
        for (const auto& t : r.topics) {
            EXPECT_EQ(t.error_code, error_code::none);
            EXPECT_FALSE(t.topic_id.is_zero());
            for (const auto& p : t.partitions) {
                seen.emplace_back(t.name.value_or(""), p.partition_index);
                EXPECT_EQ(p.leader_id, 1);
                EXPECT_EQ(p.replica_nodes, std::vector<int32_t>{1});
                EXPECT_EQ(p.isr_nodes, std::vector<int32_t>{1});
                EXPECT_TRUE(p.eligible_leader_replicas.has_value());
            }
        }
        if (!r.next_cursor) break;
        req.cursor = r.next_cursor;
    }
    std::vector<std::pair<std::string, int32_t>> want = {
        {"a-three", 0}, {"a-three", 1}, {"a-three", 2}, {"b-two", 0}, {"b-two", 1}};
    EXPECT_EQ(seen, want);
}

TEST_F(cluster_apis, describe_topic_partitions_names_unknown_topics_and_checks_the_cursor) {
    create("known", 1);
    protocol::describe_topic_partitions_request req;
    req.topics = {{"known"}, {"missing"}};
    auto r = call<protocol::describe_topic_partitions_response>(req, 0);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].name, "known");
    EXPECT_EQ(r.topics[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[1].name, "missing");
    EXPECT_EQ(r.topics[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_FALSE(r.next_cursor.has_value());

    req.cursor = protocol::describe_topic_partitions_cursor{"elsewhere", 0};
    auto bad = call<protocol::describe_topic_partitions_response>(req, 0);
    ASSERT_EQ(bad.topics.size(), 2u);
    EXPECT_EQ(bad.topics[0].error_code, error_code::invalid_request);
}

TEST_F(cluster_apis, describe_log_dirs_lists_partitions_and_space) {
    create("dirs", 2);
    produce("dirs", 5);
    for (int16_t v = 0; v <= 4; ++v) {
        protocol::describe_log_dirs_request req;  // topics null: every partition
        auto r = call<protocol::describe_log_dirs_response>(req, v);
        EXPECT_EQ(r.error_code, error_code::none);
        ASSERT_EQ(r.results.size(), 1u) << "v" << v;
        const auto& dir = r.results[0];
        EXPECT_EQ(dir.error_code, error_code::none);
        EXPECT_EQ(std::filesystem::path(dir.log_dir), (this->dir() / "data").lexically_normal());
        if (v >= 4) {
            EXPECT_GT(dir.total_bytes, 0);
            EXPECT_GE(dir.usable_bytes, 0);
        }
        ASSERT_EQ(dir.topics.size(), 1u);
        EXPECT_EQ(dir.topics[0].name, "dirs");
        ASSERT_EQ(dir.topics[0].partitions.size(), 2u);
        EXPECT_GT(dir.topics[0].partitions[0].partition_size, 0);  // the five records
        EXPECT_EQ(dir.topics[0].partitions[0].offset_lag, 0);
    }
    protocol::describe_log_dirs_request one;
    one.topics.emplace();
    one.topics->push_back({"dirs", {1, 7}});  // partition 7 does not exist: left out
    auto r = call<protocol::describe_log_dirs_response>(one, 4);
    ASSERT_EQ(r.results.size(), 1u);
    ASSERT_EQ(r.results[0].topics.size(), 1u);
    ASSERT_EQ(r.results[0].topics[0].partitions.size(), 1u);
    EXPECT_EQ(r.results[0].topics[0].partitions[0].partition_index, 1);
}

TEST_F(cluster_apis, offset_for_leader_epoch_ends_epoch_zero_at_the_log_end) {
    create("epochs", 1);
    produce("epochs", 4);
    protocol::offset_for_leader_epoch_request req;
    protocol::offset_for_leader_topic t;
    t.topic = "epochs";
    t.partitions = {{0, -1, 0}, {0, -1, 5}, {0, 3, 0}, {9, -1, 0}};
    req.topics.push_back(t);
    req.topics.push_back({"nope", {{0, -1, 0}}});
    for (int16_t v : {2, 3, 4}) {
        auto r = call<protocol::offset_for_leader_epoch_response>(req, v);
        ASSERT_EQ(r.topics.size(), 2u) << "v" << v;
        const auto& p = r.topics[0].partitions;
        ASSERT_EQ(p.size(), 4u);
        EXPECT_EQ(p[0].error_code, error_code::none);
        EXPECT_EQ(p[0].leader_epoch, 0);
        EXPECT_EQ(p[0].end_offset, 4);
        EXPECT_EQ(p[1].error_code, error_code::none);  // a later epoch: undefined
        EXPECT_EQ(p[1].leader_epoch, -1);
        EXPECT_EQ(p[1].end_offset, -1);
        EXPECT_EQ(p[2].error_code, error_code::unknown_leader_epoch);
        EXPECT_EQ(p[3].error_code, error_code::unknown_topic_or_partition);
        EXPECT_EQ(r.topics[1].partitions[0].error_code, error_code::unknown_topic_or_partition);
    }
    auto v0 = call<protocol::offset_for_leader_epoch_response>(req, 0);
    ASSERT_EQ(v0.topics.size(), 2u);
    EXPECT_EQ(v0.topics[0].partitions[0].end_offset, 4);
}

TEST_F(cluster_apis, elect_leaders_is_never_needed_on_one_node) {
    create("elect", 2);
    protocol::elect_leaders_request req;
    req.topic_partitions.emplace();
    req.topic_partitions->push_back({"elect", {0, 1, 5}});
    for (int16_t v = 0; v <= 2; ++v) {
        auto r = call<protocol::elect_leaders_response>(req, v);
        EXPECT_EQ(r.error_code, error_code::none);
        ASSERT_EQ(r.replica_election_results.size(), 1u) << "v" << v;
        const auto& p = r.replica_election_results[0].partition_result;
        ASSERT_EQ(p.size(), 3u);
        EXPECT_EQ(p[0].error_code, error_code::election_not_needed);
        EXPECT_EQ(p[1].error_code, error_code::election_not_needed);
        EXPECT_EQ(p[2].error_code, error_code::unknown_topic_or_partition);
    }
    protocol::elect_leaders_request all;  // null: every partition, none needs it
    all.election_type = 1;
    auto r = call<protocol::elect_leaders_response>(all, 2);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_TRUE(r.replica_election_results.empty());
    all.election_type = 5;
    EXPECT_EQ(call<protocol::elect_leaders_response>(all, 2).error_code, error_code::invalid_request);
}

}  // namespace
}  // namespace samsa::broker::testing
