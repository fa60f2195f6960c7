// offsets.retention.minutes through the whole broker: a consumer group
// commits, its only member leaves, and once the retention has passed since
// the group became Empty (checked every offsets.retention.check.interval.ms)
// OffsetFetch shows no offset — also after a restart, because expiration
// wrote tombstones to __consumer_offsets. Raw requests, as a consumer sends
// them. Slow: the shortest retention Kafka accepts is one minute.

#include <gtest/gtest.h>

#include <thread>

#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/leave_group.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/sync_group.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using namespace std::chrono_literals;
using protocol::error_code;

class offsets_retention : public api_fixture {
protected:
    std::vector<std::string> overrides() const override {
        // After the restart the retention is Kafka's week: only the
        // tombstones can keep the offset away then.
        return {restarted_ ? "offsets.retention.minutes=10080" : "offsets.retention.minutes=1",
                "offsets.retention.check.interval.ms=200", "group.initial.rebalance.delay.ms=0",
                "offsets.topic.num.partitions=1"};
    }
    bool restarted_ = false;

    // JoinGroup (twice: MEMBER_ID_REQUIRED first) and SyncGroup: the member
    // id of the group's only member, in generation 1.
    std::string join_alone(const std::string& group) {
        protocol::join_group_request j;
        j.group_id = group;
        j.session_timeout_ms = 10000;
        j.rebalance_timeout_ms = 10000;
        j.protocol_type = "consumer";
        j.protocols.push_back({"range", bytes{0, 0, 0, 0, 0, 1, 0, 1, 't', 0xff, 0xff, 0xff, 0xff}});
        auto first = call<protocol::join_group_response>(j, 5);
        EXPECT_EQ(first.error_code, error_code::member_id_required);
        j.member_id = first.member_id;
        auto joined = call<protocol::join_group_response>(j, 5);
        EXPECT_EQ(joined.error_code, error_code::none);
        EXPECT_EQ(joined.generation_id, generation_id(1));
        protocol::sync_group_request s;
        s.group_id = group;
        s.generation_id = generation_id(1);
        s.member_id = j.member_id;
        s.assignments.push_back({j.member_id, bytes{}});
        EXPECT_EQ(call<protocol::sync_group_response>(s, 3).error_code, error_code::none);
        return j.member_id;
    }

    void commit(const std::string& group, const std::string& member, int64_t at) {
        protocol::offset_commit_request c;
        c.group_id = group;
        c.generation_id_or_member_epoch = generation_id(1);
        c.member_id = member;
        c.topics.push_back({"t", {{partition_id(0), offset(at), leader_epoch(-1), timestamp_ms(-1), "m"}}});
        auto r = call<protocol::offset_commit_response>(c, 7);
        ASSERT_EQ(r.topics.size(), 1u);
        EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
    }

    void leave(const std::string& group, const std::string& member) {
        protocol::leave_group_request l;
        l.group_id = group;
        l.members.push_back({member, std::nullopt, std::nullopt});
        EXPECT_EQ(call<protocol::leave_group_response>(l, 3).error_code, error_code::none);
    }

    // The committed offset of t-0 (-1: none); nullopt while the coordinator loads.
    std::optional<int64_t> fetch(const std::string& group) {
        protocol::offset_fetch_request f;
        f.group_id = group;
        f.topics = std::vector<protocol::offset_fetch_request_topic>{{"t", {0}}};
        auto r = call<protocol::offset_fetch_response>(f, 7);
        if (r.error_code == error_code::coordinator_load_in_progress) return std::nullopt;
        EXPECT_EQ(r.error_code, error_code::none);
        if (r.topics.size() != 1 || r.topics[0].partitions.size() != 1) return std::nullopt;
        return r.topics[0].partitions[0].committed_offset();
    }

    // Polls OffsetFetch until it answers `want` or `limit` passes.
    bool fetch_shows(const std::string& group, int64_t want, std::chrono::seconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (fetch(group) == want) return true;
            std::this_thread::sleep_for(250ms);
        }
        return false;
    }

    // The first answer once the coordinator has loaded.
    std::optional<int64_t> fetch_after_loading(const std::string& group) {
        for (int i = 0; i < 80; ++i) {
            if (auto o = fetch(group)) return o;
            std::this_thread::sleep_for(250ms);
        }
        return std::nullopt;
    }
};

TEST_F(offsets_retention, an_empty_groups_offsets_expire_and_stay_gone_after_a_restart) {
    create_topic("t", 1);
    std::string member = join_alone("g");
    commit("g", member, 42);
    ASSERT_EQ(fetch("g"), 42);
    leave("g", member);
    EXPECT_EQ(fetch("g"), 42);  // retention counts from now (one minute)
    ASSERT_TRUE(fetch_shows("g", -1, 100s)) << "the offset never expired";

    ASSERT_EQ(stop(), 0);
    restarted_ = true;
    start();
    EXPECT_EQ(fetch_after_loading("g"), -1) << "the offset came back after a restart";
}

}  // namespace
}  // namespace samsa::broker::testing
