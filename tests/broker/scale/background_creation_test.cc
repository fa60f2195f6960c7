// CreateTopics off the I/O thread (issue 16): while the partition
// directories of a large creation are made on the creation worker, other
// connections are served, the name counts as existing, and a stop in the
// middle leaves no half-made topic.
//
// "In flight" is observed, not timed: a Metadata without auto-creation
// answers LEADER_NOT_AVAILABLE for a name only while it is being created
// (UNKNOWN_TOPIC_OR_PARTITION before, NONE after).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;
using test_support::broker_options;
using test_support::broker_process;

// Enough partitions that making their directories takes seconds here.
constexpr int32_t big_partitions = 3000;

protocol::create_topics_request create_request(const std::string& name, int32_t partitions) {
    return create_topics_request({name}, partitions, std::chrono::seconds(120));
}

// The error Metadata (no auto-creation) answers for `name`, nullopt: no answer.
std::optional<error_code> metadata_error(uint16_t port, const std::string& name, bool auto_create = false) {
    auto md = metadata(port, std::vector<std::string>{name}, auto_create, std::chrono::seconds(10));
    if (!md || md->topics.size() != 1) return std::nullopt;
    return md->topics[0].error_code;
}

// Polls until `name` is being created; false when it never was seen so.
bool wait_until_creating(uint16_t port, const std::string& name) {
    for (int i = 0; i < 5000; ++i) {
        auto e = metadata_error(port, name);
        if (!e) return false;
        if (*e == error_code::leader_not_available) return true;
        if (*e != error_code::unknown_topic_or_partition) return false;  // already created: too fast
    }
    return false;
}

// A clean stop fsyncs every log and a start after a SIGKILL recovers every
// one: with thousands of partitions on a loaded machine both take far more
// than the default 10 s.
broker_options patient() {
    broker_options o;
    o.stop_timeout = std::chrono::seconds(90);
    o.start_timeout = std::chrono::seconds(90);
    return o;
}

TEST(background_creation, other_connections_are_served_while_a_large_topic_is_created) {
    broker_process broker(patient());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();

    raw_client creator(port, std::chrono::seconds(180));
    ASSERT_TRUE(creator.connected());
    ASSERT_TRUE(creator.send_request(create_request("big", big_partitions), 5, 7));

    // Each of these is answered while the creation is in flight: the name is
    // still reserved after each of them.
    ASSERT_TRUE(wait_until_creating(port, "big")) << "the creation was never seen in flight";
    raw_client other(port);
    ASSERT_TRUE(other.connected());
    auto versions = other.call<protocol::api_versions_response>(protocol::api_versions_request{}, 3);
    ASSERT_TRUE(versions) << versions.error().message;
    EXPECT_EQ(versions->error_code, error_code::none);
    // Auto-creation does not create the name a second time.
    EXPECT_EQ(metadata_error(port, "big", true), error_code::leader_not_available);
    // A concurrent CreateTopics of the name: as Kafka's controller answers it.
    auto again = create_topics(port, {"big"}, 1);
    ASSERT_TRUE(again && again->topics.size() == 1);
    EXPECT_EQ(again->topics[0].error_code, error_code::topic_already_exists);
    EXPECT_EQ(again->topics[0].error_message.value_or(""), "Topic 'big' already exists.");
    // Still in flight: everything above was answered before the creation's answer.
    EXPECT_EQ(metadata_error(port, "big"), error_code::leader_not_available)
        << "the creation ended before the other connection's requests were all answered";

    auto created = creator.read_response<protocol::create_topics_response>(5, 7, std::chrono::seconds(170));
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_EQ(created->topics.size(), 1u);
    EXPECT_EQ(created->topics[0].error_code, error_code::none) << created->topics[0].error_message.value_or("");
    EXPECT_EQ(created->topics[0].num_partitions, big_partitions);
    EXPECT_EQ(partition_count(port, "big"), big_partitions);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "big"), static_cast<size_t>(big_partitions));
    // The partitions take writes.
    EXPECT_TRUE(produce_some(port, "big", 3));
}

TEST(background_creation, stop_during_a_creation_leaves_no_half_made_topic) {
    // A clean stop, however loaded the machine: a SIGKILL would be a crash,
    // after which orphan directories are adopted by design (topic_manager.h).
    broker_process broker(patient());
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client creator(broker.port(), std::chrono::seconds(60));
    ASSERT_TRUE(creator.connected());
    // Kafka's most per request: its creation usually outlasts the stop's
    // 5 s drain, so the stop cancels it.
    constexpr int32_t partitions = 10000;
    ASSERT_TRUE(creator.send_request(create_request("halfway", partitions), 5, 1));
    ASSERT_TRUE(wait_until_creating(broker.port(), "halfway"));

    auto exit_status = broker.stop();
    ASSERT_TRUE(exit_status);
    EXPECT_EQ(*exit_status, 0);
    ASSERT_TRUE(broker.start()) << broker.failure();
    // Either the creation finished within the stop's drain (the whole topic)
    // or it was cancelled (nothing at all): never part of it.
    const int32_t count = partition_count(broker.port(), "halfway");
    const size_t dirs = dirs_of(broker.data_dir() / "data", "halfway");
    std::printf("the stop %s the creation\n", count == -1 ? "cancelled" : "waited for");
    if (count == -1) {
        EXPECT_EQ(dirs, 0u);
    } else {
        EXPECT_EQ(count, partitions);
        EXPECT_EQ(dirs, static_cast<size_t>(partitions));
    }
}

// topic's partition count per Metadata once it is `want`, or the last one
// seen after two minutes (-1: unknown).
int32_t partition_count_once_it_is(uint16_t port, const std::string& topic, int32_t want) {
    int32_t count = -1;
    for (int i = 0; i < 2400 && count != want; ++i) {
        count = partition_count(port, topic);
        if (count != want) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return count;
}

TEST(background_creation, a_creation_that_outlasts_its_timeout_is_answered_request_timed_out_and_goes_on) {
    broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client creator(broker.port(), std::chrono::seconds(60));
    ASSERT_TRUE(creator.connected());
    // A thousand partitions cannot be made within a millisecond.
    auto req = create_request("late", 1000);
    req.timeout_ms = 1;
    auto r = creator.call<protocol::create_topics_response>(req, 5);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->topics.size(), 1u);
    EXPECT_EQ(r->topics[0].error_code, error_code::request_timed_out);
    // The creation continues and ends with the whole topic.
    EXPECT_EQ(partition_count_once_it_is(broker.port(), "late", 1000), 1000);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "late"), 1000u);
}

TEST(background_creation, a_growth_that_outlasts_its_timeout_is_answered_request_timed_out_and_goes_on) {
    broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    auto created = create_topics(broker.port(), {"late-growth"}, 1);
    ASSERT_TRUE(created && created->topics.size() == 1 && created->topics[0].error_code == error_code::none);
    raw_client grower(broker.port(), std::chrono::seconds(60));
    ASSERT_TRUE(grower.connected());
    // A thousand partitions cannot be made within a millisecond.
    auto req = create_partitions_request("late-growth", 1000);
    req.timeout_ms = 1;
    auto r = grower.call<protocol::create_partitions_response>(req, 1);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->results.size(), 1u);
    EXPECT_EQ(r->results[0].error_code, error_code::request_timed_out);
    // The growth continues and ends with every partition.
    EXPECT_EQ(partition_count_once_it_is(broker.port(), "late-growth", 1000), 1000);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "late-growth"), 1000u);
}

TEST(background_creation, create_partitions_makes_the_new_partitions_off_the_io_thread_and_answers_once_they_exist) {
    broker_process broker(patient());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();
    auto created = create_topics(port, {"grow"}, 1);
    ASSERT_TRUE(created && created->topics.size() == 1 && created->topics[0].error_code == error_code::none);

    raw_client grower(port, std::chrono::seconds(180));
    ASSERT_TRUE(grower.connected());
    ASSERT_TRUE(grower.send_request(create_partitions_request("grow", big_partitions), 1, 3));
    // In flight once another request is checked against the count the topic
    // will have (as Kafka's controller, one request after the other, would).
    const std::string will_have = "Topic currently has " + std::to_string(big_partitions) + " partitions";
    bool in_flight = false;
    for (int i = 0; i < 5000 && !in_flight; ++i) {
        auto probe = create_partitions(port, "grow", 1);
        ASSERT_TRUE(probe && probe->results.size() == 1);
        ASSERT_EQ(probe->results[0].error_code, error_code::invalid_partitions);
        in_flight = probe->results[0].error_message.value_or("").rfind(will_have, 0) == 0;
    }
    ASSERT_TRUE(in_flight) << "the growth was never seen in flight";
    // Served meanwhile with its old count, and other requests answered.
    EXPECT_EQ(partition_count(port, "grow"), 1);
    EXPECT_TRUE(produce_some(port, "grow", 2));
    auto same = create_partitions(port, "grow", big_partitions);
    ASSERT_TRUE(same && same->results.size() == 1);
    EXPECT_EQ(same->results[0].error_code, error_code::invalid_partitions);
    EXPECT_EQ(partition_count(port, "grow"), 1) << "the growth ended before the other requests were answered";

    auto grown = grower.read_response<protocol::create_partitions_response>(1, 3, std::chrono::seconds(170));
    ASSERT_TRUE(grown) << grown.error().message;
    ASSERT_EQ(grown->results.size(), 1u);
    EXPECT_EQ(grown->results[0].error_code, error_code::none) << grown->results[0].error_message.value_or("");
    // Answered once they exist.
    EXPECT_EQ(partition_count(port, "grow"), big_partitions);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "grow"), static_cast<size_t>(big_partitions));
    ASSERT_TRUE(broker.restart()) << broker.failure();
    EXPECT_EQ(partition_count(broker.port(), "grow"), big_partitions);
}

TEST(background_creation, a_topic_deleted_while_partitions_are_added_keeps_no_new_partition) {
    broker_process broker(patient());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();
    auto created = create_topics(port, {"gone"}, 1);
    ASSERT_TRUE(created && created->topics.size() == 1 && created->topics[0].error_code == error_code::none);
    raw_client grower(port, std::chrono::seconds(180));
    ASSERT_TRUE(grower.send_request(create_partitions_request("gone", big_partitions), 1, 3));
    const std::string will_have = "Topic currently has " + std::to_string(big_partitions) + " partitions";
    bool in_flight = false;
    for (int i = 0; i < 5000 && !in_flight; ++i) {
        auto probe = create_partitions(port, "gone", 1);
        ASSERT_TRUE(probe && probe->results.size() == 1);
        in_flight = probe->results[0].error_message.value_or("").rfind(will_have, 0) == 0;
    }
    ASSERT_TRUE(in_flight) << "the growth was never seen in flight";
    ASSERT_EQ(partition_count(port, "gone"), 1) << "the growth ended too soon";

    raw_client deleter(port);
    protocol::delete_topics_request del;
    del.topic_names = {"gone"};
    del.timeout_ms = 30000;
    auto deleted = deleter.call<protocol::delete_topics_response>(del, 4);
    ASSERT_TRUE(deleted) << deleted.error().message;
    ASSERT_EQ(deleted->responses.size(), 1u);
    EXPECT_EQ(deleted->responses[0].error_code, error_code::none);

    auto grown = grower.read_response<protocol::create_partitions_response>(1, 3, std::chrono::seconds(170));
    ASSERT_TRUE(grown) << grown.error().message;
    ASSERT_EQ(grown->results.size(), 1u);
    EXPECT_EQ(grown->results[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(partition_count(port, "gone"), -1);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "gone"), 0u);
}

}  // namespace
}  // namespace samsa::broker::testing
