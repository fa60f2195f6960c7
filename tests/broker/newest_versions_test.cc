// Kafka 3.8's newest versions of the APIs the broker already served, through
// a raw socket: what each new version changes (Fetch v13+ topic ids, Produce
// v10-11, ListOffsets v8's -4, OffsetFetch v9's member fields, ListGroups
// v5's type filter) and that the versions only adding an error code answer.

#include <gtest/gtest.h>

#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/list_groups.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

class newest_versions : public api_fixture {
protected:
    samsa::uuid create(const std::string& name) { return create_topic(name, 1); }

    protocol::fetch_response fetch_by_id(const samsa::uuid& id, int64_t from, int16_t version) {
        protocol::fetch_request req;
        req.max_wait_ms = 0;
        req.min_bytes = 1;
        req.max_bytes = 1 << 20;
        protocol::fetch_topic t;
        t.topic_id = id;
        t.partitions.push_back({partition_id(0), leader_epoch(-1), offset(from), leader_epoch(-1), offset(-1), 1 << 20});
        req.topics.push_back(t);
        return call<protocol::fetch_response>(req, version);
    }
};

TEST_F(newest_versions, produce_v10_v11_and_fetch_by_topic_id_v13_to_v16) {
    auto id = create("by-id");
    ASSERT_FALSE(id.is_zero());
    for (int16_t v : {10, 11}) {
        auto r = produce("by-id", 2, v);
        ASSERT_EQ(r.responses.size(), 1u);
        EXPECT_EQ(r.responses[0].partition_responses[0].error_code, error_code::none) << "v" << v;
        EXPECT_TRUE(r.node_endpoints.empty());  // leadership never moves on one node
    }
    for (int16_t v = 13; v <= 16; ++v) {
        auto r = fetch_by_id(id, 0, v);
        EXPECT_EQ(r.error_code, error_code::none);
        ASSERT_EQ(r.responses.size(), 1u) << "v" << v;
        EXPECT_EQ(r.responses[0].topic_id, id);  // the id is echoed, not the name
        ASSERT_EQ(r.responses[0].partitions.size(), 1u);
        const auto& p = r.responses[0].partitions[0];
        EXPECT_EQ(p.error_code, error_code::none);
        EXPECT_EQ(p.high_watermark, offset(4));
        ASSERT_TRUE(p.records.data.has_value());
        EXPECT_FALSE(p.records.data->empty()) << "v" << v;
    }
}

TEST_F(newest_versions, fetch_of_an_unknown_topic_id_answers_unknown_topic_id) {
    create("known");
    samsa::uuid unknown;
    unknown.data[3] = 7;
    auto r = fetch_by_id(unknown, 0, 16);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].topic_id, unknown);
    ASSERT_EQ(r.responses[0].partitions.size(), 1u);
    EXPECT_EQ(r.responses[0].partitions[0].error_code, error_code::unknown_topic_id);
}

TEST_F(newest_versions, list_offsets_v8_earliest_local_is_the_log_start) {
    create("lo");
    produce("lo", 3, 11);
    protocol::list_offsets_request req;
    protocol::list_offsets_topic t;
    t.name = "lo";
    t.partitions.push_back({partition_id(0), leader_epoch(-1), timestamp_ms(-4)});
    t.partitions.push_back({partition_id(0), leader_epoch(-1), timestamp_ms(-1)});
    req.topics.push_back(t);
    auto r = call<protocol::list_offsets_response>(req, 8);
    ASSERT_EQ(r.topics.size(), 1u);
    ASSERT_EQ(r.topics[0].partitions.size(), 2u);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[0].partitions[0].offset, offset(0));
    EXPECT_EQ(r.topics[0].partitions[1].offset, offset(3));
    // Before v8 the client cannot ask for -4.
    auto old = call<protocol::list_offsets_response>(req, 7);
    EXPECT_EQ(old.topics[0].partitions[0].error_code, error_code::invalid_request);
}

TEST_F(newest_versions, offset_commit_and_fetch_v9_and_list_groups_v5) {
    create("grp-topic");
    protocol::offset_commit_request commit;
    commit.group_id = "g9";
    protocol::offset_commit_request_topic ct;
    ct.name = "grp-topic";
    ct.partitions.push_back({partition_id(0), offset(42), leader_epoch(-1), timestamp_ms(-1), std::nullopt});
    commit.topics.push_back(ct);
    auto c = call<protocol::offset_commit_response>(commit, 9);
    ASSERT_EQ(c.topics.size(), 1u);
    EXPECT_EQ(c.topics[0].partitions[0].error_code, error_code::none);

    protocol::offset_fetch_request fetch;
    protocol::offset_fetch_request_group g;
    g.group_id = "g9";
    g.member_id = std::nullopt;  // a classic group's admin read
    g.member_epoch = -1;
    fetch.groups.push_back(g);
    auto f = call<protocol::offset_fetch_response>(fetch, 9);
    ASSERT_EQ(f.groups.size(), 1u);
    EXPECT_EQ(f.groups[0].error_code, error_code::none);
    ASSERT_EQ(f.groups[0].topics.size(), 1u);
    EXPECT_EQ(f.groups[0].topics[0].partitions[0].committed_offset, offset(42));

    protocol::list_groups_request list;
    auto all = call<protocol::list_groups_response>(list, 5);
    ASSERT_EQ(all.groups.size(), 1u);
    EXPECT_EQ(all.groups[0].group_id, "g9");
    EXPECT_EQ(all.groups[0].group_type, "classic");
    list.types_filter = {"Classic"};  // Kafka compares type names ignoring case
    EXPECT_EQ(call<protocol::list_groups_response>(list, 5).groups.size(), 1u);
    list.types_filter = {"consumer"};
    EXPECT_TRUE(call<protocol::list_groups_response>(list, 5).groups.empty());
}

TEST_F(newest_versions, versions_that_only_add_transaction_abortable_answer) {
    protocol::find_coordinator_request fc;
    fc.coordinator_keys = {"g"};
    auto r = call<protocol::find_coordinator_response>(fc, 5);
    ASSERT_EQ(r.coordinators.size(), 1u);
    EXPECT_EQ(r.coordinators[0].error_code, error_code::none);

    protocol::init_producer_id_request ip;
    ip.transaction_timeout_ms = 60000;
    auto p = call<protocol::init_producer_id_response>(ip, 5);
    EXPECT_EQ(p.error_code, error_code::none);
    EXPECT_GE(p.producer_id(), 0);
}

}  // namespace
}  // namespace samsa::broker::testing
