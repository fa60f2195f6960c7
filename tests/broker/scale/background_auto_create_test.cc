// Metadata auto-creation off the I/O thread (issue 16): a Metadata naming
// unknown topics is answered at once, LEADER_NOT_AVAILABLE for each (Kafka
// 3.8's rule under ZooKeeper, topic_lookup.cc says why), their names are
// reserved and one background creation makes them all (the topic table
// written once); the client asks again until they are there.
//
// "Still being created" is observed, not timed: a Metadata without
// auto-creation answers LEADER_NOT_AVAILABLE for a name only while it is
// being created. num.partitions=10 makes a creation of a few hundred topics
// take seconds here, long enough to be seen in flight.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/api_versions.h"
#include "tests/broker/scale/scale_client.h"
#include "tests/support/auto_create.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;
using test_support::broker_options;
using test_support::broker_options_builder;
using test_support::broker_process;

constexpr int32_t partitions_each = 10;

broker_options slow_creations() {
    broker_options o = broker_options_builder().override_config("num.partitions", std::to_string(partitions_each));
    o.stop_timeout = std::chrono::seconds(90);
    o.start_timeout = std::chrono::seconds(90);
    return o;
}

std::vector<std::string> names(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}

// The error a Metadata without auto-creation answers for `name`; nullopt: no answer.
std::optional<error_code> error_of(uint16_t port, const std::string& name) {
    auto md = metadata(port, std::vector<std::string>{name}, false, std::chrono::seconds(10));
    if (!md || md->topics.size() != 1) return std::nullopt;
    return md->topics[0].error_code;
}

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(background_auto_create, a_metadata_for_many_unknown_topics_is_answered_before_they_exist_and_asking_again_sees_them_all) {
    constexpr int count = 300;
    broker_process broker(slow_creations());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const auto topics = names("many-", count);
    auto first = metadata(broker.port(), topics, true, std::chrono::seconds(30));
    ASSERT_TRUE(first) << broker.log_tail();
    ASSERT_EQ(first->topics.size(), topics.size());
    for (const auto& t : first->topics) {
        EXPECT_EQ(t.error_code, error_code::leader_not_available) << t.name.value_or("");
        EXPECT_TRUE(t.partitions.empty());
    }

    raw_client c(broker.port());
    auto all = test_support::metadata_until_created(c, topics, std::chrono::seconds(170));
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->topics.size(), topics.size());
    for (const auto& t : all->topics) EXPECT_EQ(t.partitions.size(), static_cast<size_t>(partitions_each));
    EXPECT_EQ(topics_in_table_file(broker.data_dir() / "data"), static_cast<size_t>(count));
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "many-7"), static_cast<size_t>(partitions_each));
    // One background creation for the request.
    EXPECT_EQ(occurrences(broker.log_text(), "auto-creating " + std::to_string(count) + " topic(s)"), 1u);
    EXPECT_EQ(occurrences(broker.log_text(), "auto-creating "), 1u);
    EXPECT_TRUE(produce_some(broker.port(), "many-299", 2));
}

TEST(background_auto_create, other_clients_are_served_while_a_mass_auto_create_runs) {
    broker_process broker(slow_creations());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();
    auto busy = create_topics(port, {"busy"}, 1);
    ASSERT_TRUE(busy && busy->topics.size() == 1 && busy->topics[0].error_code == error_code::none);

    const auto topics = names("mass-", 300);
    auto first = metadata(port, topics, true, std::chrono::seconds(30));
    ASSERT_TRUE(first);
    ASSERT_EQ(error_of(port, topics.back()), error_code::leader_not_available) << "not being created";

    // Another client's requests, each on its own connection.
    raw_client other(port);
    auto versions = other.call<protocol::api_versions_response>(protocol::api_versions_request{}, 3);
    ASSERT_TRUE(versions) << versions.error().message;
    EXPECT_TRUE(produce_some(port, "busy", 3));
    EXPECT_EQ(partition_count(port, "busy"), 1);
    // Still being created: all of the above was answered meanwhile.
    EXPECT_EQ(error_of(port, topics.back()), error_code::leader_not_available)
        << "the creation ended before the other client was served";

    raw_client c(port);
    auto all = test_support::metadata_until_created(c, topics, std::chrono::seconds(170));
    EXPECT_TRUE(all) << all.error().message;
}

TEST(background_auto_create, a_stop_during_a_background_auto_create_leaves_no_directories_and_no_table_entries) {
    // A clean stop: after a SIGKILL orphan directories are adopted by design
    // (topic_manager.h). A thousand topics of ten partitions each usually
    // outlast the moment the stop comes.
    broker_process broker(slow_creations());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const auto topics = names("stop-", 1000);
    auto first = metadata(broker.port(), topics, true, std::chrono::seconds(30));
    ASSERT_TRUE(first);
    ASSERT_EQ(error_of(broker.port(), topics.back()), error_code::leader_not_available);

    auto exit_status = broker.stop();
    ASSERT_TRUE(exit_status);
    EXPECT_EQ(*exit_status, 0);
    const auto data = broker.data_dir() / "data";
    size_t dirs = 0;
    for (const auto& t : topics) dirs += dirs_of(data, t);
    const size_t in_table = topics_in_table_file(data);
    std::printf("the stop %s the auto-creation\n", in_table == 0 ? "cancelled" : "came after");
    // All or nothing: either the creation ended before the stop, or none of it is left.
    if (in_table == 0) {
        EXPECT_EQ(dirs, 0u);
    } else {
        EXPECT_EQ(in_table, topics.size());
        EXPECT_EQ(dirs, topics.size() * partitions_each);
    }
    ASSERT_TRUE(broker.start()) << broker.failure();
    auto all = metadata(broker.port(), std::nullopt, false, std::chrono::seconds(30));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->topics.size(), in_table);
    EXPECT_EQ(broker.log_text().find("found on disk but not in"), std::string::npos);
}

TEST(background_auto_create, two_metadata_requests_for_the_same_unknown_topic_create_it_once) {
    broker_process broker(slow_creations());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();
    // The name twice in one request, and again from another client while
    // the first creation runs.
    auto topics = names("twice-", 300);
    topics.push_back("twice");
    topics.push_back("twice");
    auto first = metadata(port, topics, true, std::chrono::seconds(30));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->topics.size(), topics.size());
    EXPECT_EQ(first->topics.back().error_code, error_code::leader_not_available);
    auto second = metadata(port, std::vector<std::string>{"twice"}, true);
    ASSERT_TRUE(second && second->topics.size() == 1);
    EXPECT_EQ(second->topics[0].error_code, error_code::leader_not_available);
    ASSERT_EQ(error_of(port, "twice-299"), error_code::leader_not_available) << "the first creation ended too soon";

    raw_client c(port);
    auto created = test_support::metadata_until_created(c, {"twice"}, std::chrono::seconds(170));
    ASSERT_TRUE(created) << created.error().message;
    const auto log = broker.log_text();
    EXPECT_EQ(occurrences(log, "created topic twice ("), 1u) << log;
    EXPECT_EQ(occurrences(log, "auto-creating "), 1u);
    EXPECT_EQ(dirs_of(broker.data_dir() / "data", "twice"), static_cast<size_t>(partitions_each));
}

// Names that differ only in '.' versus '_' collide (Kafka refuses the
// second, "collides with existing topic"), whether the first exists or is
// still being created, and whether the second comes by CreateTopics or by a
// Metadata's auto-creation (INVALID_TOPIC_EXCEPTION, as Kafka's ZooKeeper
// rule passes the creation's error on); nothing of the second is made.
TEST(background_auto_create, a_name_colliding_with_a_topic_existing_or_being_created_is_refused) {
    broker_process broker(slow_creations());
    ASSERT_TRUE(broker.start()) << broker.failure();
    const uint16_t port = broker.port();
    auto expect_collision = [&](const std::string& name, const std::string& other) {
        auto created = create_topics(port, {name}, 1);
        ASSERT_TRUE(created && created->topics.size() == 1);
        EXPECT_EQ(created->topics[0].error_code, error_code::invalid_topic_exception) << name;
        EXPECT_EQ(created->topics[0].error_message.value_or(""),
                  "Topic '" + name + "' collides with existing topic: " + other);
        auto md = metadata(port, std::vector<std::string>{name}, true);
        ASSERT_TRUE(md && md->topics.size() == 1);
        EXPECT_EQ(md->topics[0].error_code, error_code::invalid_topic_exception) << name;
    };

    auto made = create_topics(port, {"orders.v1", "a.b.c.d.e.f.g.h.i.j.k.l"}, 1);
    ASSERT_TRUE(made && made->topics.size() == 2);
    for (const auto& t : made->topics) ASSERT_EQ(t.error_code, error_code::none) << t.name;
    expect_collision("orders_v1", "orders.v1");
    auto unlike = create_topics(port, {"orders.v2"}, 1);  // differs in more than dots
    ASSERT_TRUE(unlike && unlike->topics.size() == 1);
    EXPECT_EQ(unlike->topics[0].error_code, error_code::none);
    // Eleven dots: compared with every name rather than by its variants.
    expect_collision("a.b.c.d.e.f.g.h.i.j_k.l", "a.b.c.d.e.f.g.h.i.j.k.l");

    // Being created: the last of 300 names of one auto-creation.
    auto topics = names("slow-", 300);
    topics.push_back("in.flight");
    auto first = metadata(port, topics, true, std::chrono::seconds(30));
    ASSERT_TRUE(first && first->topics.size() == topics.size());
    expect_collision("in_flight", "in.flight");
    ASSERT_EQ(error_of(port, "slow-299"), error_code::leader_not_available) << "the creation ended too soon";

    raw_client c(port);
    auto created = test_support::metadata_until_created(c, {"in.flight"}, std::chrono::seconds(170));
    ASSERT_TRUE(created) << created.error().message;
    for (const auto* name : {"orders_v1", "a.b.c.d.e.f.g.h.i.j_k.l", "in_flight"})
        EXPECT_EQ(dirs_of(broker.data_dir() / "data", name), 0u) << name;
}

}  // namespace
}  // namespace samsa::broker::testing
