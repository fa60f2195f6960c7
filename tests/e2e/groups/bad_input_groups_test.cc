// Bad input to the group APIs, sent raw with Samsa's protocol codecs: wrong
// generations, unknown members, absurd session timeouts, huge member
// metadata, a malformed JoinGroup; and garbage records in __consumer_offsets
// at start-up. Kafka's error codes or a log line; never a crash, never a
// lost committed offset.
#include "samsa/broker/group/offsets_records.h"
#include "samsa/protocol/messages/delete_groups.h"
#include "samsa/protocol/messages/describe_groups.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/heartbeat.h"
#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/leave_group.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/sync_group.h"
#include "samsa/protocol/records.h"
#include "samsa/storage/partition_log.h"
#include "tests/e2e/groups/group_test.h"
#include "tests/support/raw_client.h"

namespace samsa::e2e {
namespace {

using protocol::error_code;

protocol::join_group_request join_req(const std::string& group, const std::string& member, int32_t session_ms,
                                      bytes metadata = to_bytes("sub")) {
    protocol::join_group_request r;
    r.group_id = group;
    r.member_id = member;
    r.session_timeout_ms = session_ms;
    r.rebalance_timeout_ms = 10000;
    r.protocol_type = "consumer";
    r.protocols.push_back({"range", std::move(metadata)});
    return r;
}

protocol::offset_commit_request commit_req(const std::string& group, int32_t gen, const std::string& member,
                                           const std::string& topic, int64_t off) {
    protocol::offset_commit_request r;
    r.group_id = group;
    r.generation_id_or_member_epoch = generation_id(gen);
    r.member_id = member;
    auto& t = r.topics.emplace_back();
    t.name = topic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = partition_id(0);
    p.committed_offset = offset(off);
    p.committed_metadata = "m";
    return r;
}

error_code commit_error(raw_client& c, const protocol::offset_commit_request& r) {
    auto resp = c.call<protocol::offset_commit_response>(r, 7);
    EXPECT_TRUE(resp) << resp.error().message;
    if (!resp || resp->topics.empty() || resp->topics[0].partitions.empty()) return error_code::unknown_server_error;
    return resp->topics[0].partitions[0].error_code;
}

int64_t fetch_offset(raw_client& c, const std::string& group, const std::string& topic) {
    protocol::offset_fetch_request f;
    f.group_id = group;
    f.topics.emplace();
    f.topics->push_back({topic, {0}});
    auto resp = c.call<protocol::offset_fetch_response>(f, 7);
    EXPECT_TRUE(resp) << resp.error().message;
    if (!resp || resp->topics.empty() || resp->topics[0].partitions.empty()) return -2;
    EXPECT_EQ(resp->error_code, error_code::none);
    return resp->topics[0].partitions[0].committed_offset();
}

TEST_F(group_test, wrong_generations_unknown_members_absurd_timeouts_and_huge_metadata) {
    ASSERT_TRUE(test_support::create_topic(bootstrap(), "bad", 2));
    raw_client c(broker().port());
    ASSERT_TRUE(c.connected());

    protocol::find_coordinator_request fc;
    fc.key = "g";
    auto coord = c.call<protocol::find_coordinator_response>(fc, 2);
    ASSERT_TRUE(coord) << coord.error().message;
    EXPECT_EQ(coord->error_code, error_code::none);
    EXPECT_EQ(coord->port, broker().port());

    auto join_error = [&](const protocol::join_group_request& r, int16_t v) {
        auto resp = c.call<protocol::join_group_response>(r, v);
        EXPECT_TRUE(resp) << resp.error().message;
        return resp ? resp->error_code : error_code::unknown_server_error;
    };
    EXPECT_EQ(join_error(join_req("g", "", 1), 5), error_code::invalid_session_timeout);
    EXPECT_EQ(join_error(join_req("g", "", 2000000000), 5), error_code::invalid_session_timeout);
    EXPECT_EQ(join_error(join_req("g", "", 10000, bytes(3 * 1024 * 1024, 7)), 5), error_code::invalid_request);
    EXPECT_EQ(join_error(join_req("g", "made-up-member", 10000), 5), error_code::unknown_member_id);
    EXPECT_EQ(join_error(join_req("", "", 10000), 5), error_code::invalid_group_id);

    auto first = c.call<protocol::join_group_response>(join_req("g", "", 10000), 5);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->error_code, error_code::member_id_required);
    std::string me = first->member_id;
    EXPECT_EQ(me.rfind("raw-client-", 0), 0u) << me;  // the client id, as Kafka makes member ids
    auto joined = c.call<protocol::join_group_response>(join_req("g", me, 10000), 5);
    ASSERT_TRUE(joined);
    ASSERT_EQ(joined->error_code, error_code::none);
    int32_t gen = joined->generation_id();
    EXPECT_EQ(joined->leader, me);

    auto sync = [&](int32_t g, const std::string& m) {
        protocol::sync_group_request s;
        s.group_id = "g";
        s.generation_id = generation_id(g);
        s.member_id = m;
        s.assignments.push_back({me, to_bytes("mine")});
        auto resp = c.call<protocol::sync_group_response>(s, 3);
        EXPECT_TRUE(resp);
        return resp ? *resp : protocol::sync_group_response{};
    };
    EXPECT_EQ(sync(gen + 5, me).error_code, error_code::illegal_generation);
    EXPECT_EQ(sync(gen, "stranger").error_code, error_code::unknown_member_id);
    auto synced = sync(gen, me);
    EXPECT_EQ(synced.error_code, error_code::none);
    EXPECT_EQ(synced.assignment, to_bytes("mine"));

    auto hb = [&](int32_t g, const std::string& m) {
        auto resp = c.call<protocol::heartbeat_response>(protocol::heartbeat_request{"g", generation_id(g), m, {}}, 3);
        EXPECT_TRUE(resp);
        return resp ? resp->error_code : error_code::unknown_server_error;
    };
    EXPECT_EQ(hb(gen, me), error_code::none);
    EXPECT_EQ(hb(gen - 1, me), error_code::illegal_generation);
    EXPECT_EQ(hb(gen, "stranger"), error_code::unknown_member_id);

    EXPECT_EQ(commit_error(c, commit_req("g", gen + 1, me, "bad", 5)), error_code::illegal_generation);
    EXPECT_EQ(commit_error(c, commit_req("g", gen, "stranger", "bad", 5)), error_code::unknown_member_id);
    EXPECT_EQ(commit_error(c, commit_req("g", gen, me, "no-such-topic", 5)), error_code::unknown_topic_or_partition);
    EXPECT_EQ(commit_error(c, commit_req("g", gen, me, "bad", 5)), error_code::none);
    EXPECT_EQ(fetch_offset(c, "g", "bad"), 5);

    protocol::delete_groups_request del;
    del.groups_names = {"g", "never-existed"};
    auto deleted = c.call<protocol::delete_groups_response>(del, 1);
    ASSERT_TRUE(deleted);
    ASSERT_EQ(deleted->results.size(), 2u);
    EXPECT_EQ(deleted->results[0].error_code, error_code::non_empty_group);
    EXPECT_EQ(deleted->results[1].error_code, error_code::group_id_not_found);

    protocol::leave_group_request leave;
    leave.group_id = "g";
    leave.members.push_back({me, std::nullopt, std::nullopt});
    leave.members.push_back({"stranger", std::nullopt, std::nullopt});
    auto left = c.call<protocol::leave_group_response>(leave, 3);
    ASSERT_TRUE(left);
    ASSERT_EQ(left->members.size(), 2u);
    EXPECT_EQ(left->members[0].error_code, error_code::none);
    EXPECT_EQ(left->members[1].error_code, error_code::unknown_member_id);

    protocol::describe_groups_request dg;
    dg.groups = {"g", "unknown-group"};
    auto described = c.call<protocol::describe_groups_response>(dg, 4);
    ASSERT_TRUE(described);
    ASSERT_EQ(described->groups.size(), 2u);
    EXPECT_EQ(described->groups[0].group_state, "Empty");
    EXPECT_EQ(described->groups[1].group_state, "Dead");
    EXPECT_EQ(fetch_offset(c, "g", "bad"), 5);  // the committed offset survived all of it

    // A JoinGroup whose body is cut short: the broker closes that connection
    // and carries on.
    raw_client bad(broker().port());
    bytes frame = protocol::encode_request_frame(protocol::request_header{protocol::api_key::join_group, 5, 1, "x"},
                                                 join_req("g", "", 10000));
    frame.resize(frame.size() - 10);
    uint32_t size = static_cast<uint32_t>(frame.size() - 4);
    frame[0] = uint8_t(size >> 24), frame[1] = uint8_t(size >> 16), frame[2] = uint8_t(size >> 8), frame[3] = uint8_t(size);
    ASSERT_TRUE(bad.send(frame));
    EXPECT_TRUE(bad.closed_by_peer());
    raw_client again(broker().port());
    EXPECT_EQ(fetch_offset(again, "g", "bad"), 5);
    EXPECT_TRUE(broker().running());
}

TEST_F(group_test, garbage_in_the_offsets_log_is_skipped_at_start_up) {
    ASSERT_TRUE(test_support::create_topic(bootstrap(), "kept", 1));
    {
        raw_client c(broker().port());
        ASSERT_TRUE(c.connected());
        EXPECT_EQ(commit_error(c, commit_req("solo", -1, "", "kept", 42)), error_code::none);
    }
    broker().stop();

    // Append a batch of garbage records to the group's partition of
    // __consumer_offsets, behind the broker's back.
    int32_t p = samsa::broker::group::offsets_partition_for("solo", 5);
    auto dir = broker().data_dir() / "data" / ("__consumer_offsets-" + std::to_string(p));
    ASSERT_TRUE(std::filesystem::exists(dir)) << dir;
    {
        auto log = storage::partition_log::open(dir, storage::log_config{});
        ASSERT_TRUE(log) << log.error().message;
        protocol::record_batch_builder garbage;
        garbage.add(std::string_view("\x7f\x7f junk key"), std::string_view("junk value"), timestamp_ms(1));
        garbage.add(std::nullopt, std::string_view("no key at all"), timestamp_ms(1));
        bytes half_value = samsa::broker::group::encode_key(samsa::broker::group::offset_commit_key{"solo", "kept", 0});
        garbage.add(protocol::record{half_value, bytes{0, 3, 0, 0, 0}, timestamp_ms(1), {}});
        bytes b = garbage.build();
        ASSERT_TRUE((*log)->append(std::span<uint8_t>(b), timestamp_ms(1)));
        ASSERT_TRUE((*log)->close());
    }
    ASSERT_TRUE(broker().start()) << broker().failure();
    raw_client c(broker().port());
    EXPECT_EQ(fetch_offset(c, "solo", "kept"), 42);
    EXPECT_NE(broker().log_text().find("skipping the record"), std::string::npos) << broker().log_tail(40);
}

}  // namespace
}  // namespace samsa::e2e
