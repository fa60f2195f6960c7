// Offset expiration (KIP-211, Kafka 3.8's removeExpiredOffsets and
// cleanupGroupMetadata) on the fake clock: an Empty group's offsets expire
// offsets.retention after the group became Empty, a standalone consumer's
// after each commit, a Stable consumer group's only for topics nobody
// subscribes to; tombstones keep them gone after a replay.
#include "samsa/broker/group/offsets_records.h"
#include "tests/broker/group/group_fixture.h"

namespace samsa::broker::group::testing {
namespace {

// A ConsumerProtocolSubscription v0: the topics, null user data.
bytes subscription(const std::vector<std::string>& topics) {
    bytes out = {0, 0};
    auto be = [&](uint32_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    };
    be(static_cast<uint32_t>(topics.size()), 4);
    for (const auto& t : topics) {
        be(static_cast<uint32_t>(t.size()), 2);
        out.insert(out.end(), t.begin(), t.end());
    }
    be(0xffffffffu, 4);
    return out;
}

class expiration : public group_fixture {
protected:
    void SetUp() override {
        group_config c = config();
        c.offsets_retention = 60s;
        c.offsets_retention_check_interval = 1s;
        make_coordinator(c);
    }
    // One member joins `group` subscribed to `topics`, syncs and is Stable.
    std::string stable_member(const std::string& group, const std::vector<std::string>& topics) {
        std::string a;
        join_new(join_builder(group).protocols({{"range", subscription(topics)}}), &a);
        sync(group, a, generation_id(1), {{a, b("x")}});
        EXPECT_EQ(state(group), group_state::stable);
        return a;
    }
    // Time passes with the member heartbeating (its session is 10 s).
    void keep_alive(const std::string& group, const std::string& member, int seconds) {
        for (int i = 0; i < seconds; ++i) {
            timers.advance(1s);
            ASSERT_EQ(heartbeat(group, member, generation_id(1)), error_code::none);
        }
    }
    std::optional<int64_t> committed(group_coordinator& c, const std::string& group, const std::string& topic) {
        for (const auto& p : c.fetch(group, std::nullopt).partitions)
            if (p.topic == topic && p.committed() >= 0) return p.committed();
        return std::nullopt;
    }
    // The group's last offset went, with `tombstones_written` tombstones in
    // all, and the group was forgotten.
    void expect_expired_and_forgotten(const std::string& group, const std::string& topic, size_t tombstones_written) {
        EXPECT_EQ(committed(*coordinator, group, topic), std::nullopt);
        EXPECT_EQ(tombstones(), tombstones_written);
        EXPECT_EQ(coordinator->find(group), nullptr);
    }
    size_t tombstones() const {
        size_t n = 0;
        for (const auto& e : log.entries) n += !e.record.value;
        return n;
    }
};

TEST_F(expiration, an_empty_groups_offsets_expire_a_retention_after_it_became_empty) {
    std::string a = stable_member("g", {"t"});
    ASSERT_EQ(coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 10}})).errors[0], error_code::none);
    keep_alive("g", a, 70);  // the commit ages while the member stays: no expiry
    EXPECT_EQ(committed(*coordinator, "g", "t"), 10);
    coordinator->leave("g", {{a, std::nullopt}});
    ASSERT_EQ(state("g"), group_state::empty);
    timers.advance(55s);  // 125 s after the commit, 55 s after the group emptied
    EXPECT_EQ(committed(*coordinator, "g", "t"), 10);
    EXPECT_EQ(tombstones(), 0u);
    timers.advance(6s);
    // The offset's tombstone and the group's (it had a generation): Dead, forgotten.
    expect_expired_and_forgotten("g", "t", 2);

    fake_group_timers fresh_timers;
    group_coordinator fresh(config(), fresh_timers, log);
    EXPECT_EQ(log.replay_into(fresh), 0);
    EXPECT_EQ(fresh.find("g"), nullptr);
    EXPECT_EQ(committed(fresh, "g", "t"), std::nullopt);
}

TEST_F(expiration, a_standalone_consumers_offsets_expire_a_retention_after_each_commit) {
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"old", 1}}));
    timers.advance(30s);
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"new", 2}}));
    timers.advance(31s);
    EXPECT_EQ(committed(*coordinator, "solo", "old"), std::nullopt);
    EXPECT_EQ(committed(*coordinator, "solo", "new"), 2);
    EXPECT_EQ(tombstones(), 1u);
    timers.advance(30s);
    // Generation 0: only offsets were ever stored, so no group tombstone.
    expect_expired_and_forgotten("solo", "new", 2);
}

TEST_F(expiration, a_stable_consumer_group_keeps_the_offsets_of_subscribed_topics) {
    std::string a = stable_member("g", {"read"});
    coordinator->commit(commit_req("g", generation_id(1), a, {{"read", 1}, {"unread", 2}}));
    keep_alive("g", a, 70);
    EXPECT_EQ(committed(*coordinator, "g", "read"), 1);
    EXPECT_EQ(committed(*coordinator, "g", "unread"), std::nullopt);
    EXPECT_EQ(state("g"), group_state::stable);
}

TEST_F(expiration, nothing_expires_in_a_group_that_cannot_tell_its_subscriptions) {
    std::string a;
    join_new(join_builder("g"), &a);  // "sub" is no ConsumerProtocolSubscription
    sync("g", a, generation_id(1), {{a, b("x")}});
    coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 1}}));
    keep_alive("g", a, 70);
    EXPECT_EQ(committed(*coordinator, "g", "t"), 1);
}

TEST_F(expiration, a_failed_tombstone_write_keeps_the_offsets_for_the_next_run) {
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 1}}));
    log.fail_appends = true;
    timers.advance(61s);
    EXPECT_EQ(committed(*coordinator, "solo", "t"), 1);
    log.fail_appends = false;
    timers.advance(1s);
    EXPECT_EQ(committed(*coordinator, "solo", "t"), std::nullopt);
    EXPECT_EQ(tombstones(), 1u);
}

}  // namespace
}  // namespace samsa::broker::group::testing
