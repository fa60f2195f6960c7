// Consumer-group codecs: hand-computed encodings and the version switches
// (the round trips at every version are in messages_test.cc).

#include <gtest/gtest.h>

#include "samsa/protocol/messages/all.h"

namespace samsa::protocol {
namespace {

TEST(group_messages, heartbeat_classic_and_flexible_bytes) {
    heartbeat_request hb{"g", generation_id(1), "m", std::nullopt};
    EXPECT_EQ(encode(hb, 0), (bytes{0, 1, 'g', 0, 0, 0, 1, 0, 1, 'm'}));
    EXPECT_EQ(encode(hb, 3), (bytes{0, 1, 'g', 0, 0, 0, 1, 0, 1, 'm', 0xff, 0xff}));
    // v4: compact strings, null instance id as 0, empty tag section.
    EXPECT_EQ(encode(hb, 4), (bytes{2, 'g', 0, 0, 0, 1, 2, 'm', 0, 0}));
}

TEST(group_messages, find_coordinator_v4_batches_keys) {
    find_coordinator_request req;
    req.key = "ignored at v4";
    req.coordinator_keys = {"g"};
    EXPECT_EQ(encode(req, 4), (bytes{0, 2, 2, 'g', 0}));
    req.key = "g";
    EXPECT_EQ(encode(req, 0), (bytes{0, 1, 'g'}));
    EXPECT_EQ(encode(req, 1), (bytes{0, 1, 'g', 0}));
}

TEST(group_messages, join_group_v0_request_bytes) {
    join_group_request req;
    req.group_id = "g";
    req.session_timeout_ms = 10000;
    req.member_id = "";
    req.protocol_type = "consumer";
    req.protocols.push_back({"range", bytes{0xaa}});
    bytes expected{0, 1, 'g', 0, 0, 0x27, 0x10, 0, 0, 0, 8, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',
                   0, 0, 0, 1, 0, 5, 'r', 'a', 'n', 'g', 'e', 0, 0, 0, 1, 0xaa};
    EXPECT_EQ(encode(req, 0), expected);
    auto back = decode<join_group_request>(expected, 0);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rebalance_timeout_ms, -1);  // absent in v0
    EXPECT_EQ(back->protocols[0].metadata, bytes{0xaa});
}

TEST(group_messages, offset_fetch_all_topics_and_groups) {
    offset_fetch_request all;
    all.group_id = "g";
    EXPECT_EQ(encode(all, 2), (bytes{0, 1, 'g', 0xff, 0xff, 0xff, 0xff}));
    offset_fetch_request v8;
    v8.groups.push_back({.group_id = "g", .topics = std::nullopt, .member_id = std::nullopt, .member_epoch = -1});
    v8.require_stable = true;
    // groups: [ {"g", topics null, tags} ], require_stable, tags
    EXPECT_EQ(encode(v8, 8), (bytes{2, 2, 'g', 0, 0, 1, 0}));
    auto back = decode<offset_fetch_request>(encode(v8, 8), 8);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v8);
}

TEST(group_messages, offset_commit_retention_only_in_v2_to_v4) {
    offset_commit_request req;
    req.group_id = "g";
    req.retention_time_ms = 5;
    EXPECT_EQ(encode(req, 4).size(), encode(req, 5).size() + 8);
    EXPECT_EQ(encode(req, 1).size(), encode(req, 5).size());
}

TEST(group_messages, offset_delete_response_bytes) {
    offset_delete_response resp;
    resp.error_code = error_code::group_subscribed_to_topic;
    resp.topics.push_back({"t", {{partition_id(3), error_code::none}}});
    bytes expected{0, 86, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 3, 0, 0};
    EXPECT_EQ(encode(resp, 0), expected);
}

}  // namespace
}  // namespace samsa::protocol
