// Committed offsets: simple and member commits, fetch (some, all), the error
// codes of stale commits, OffsetDelete, DeleteGroups, and the replay of the
// offsets log into a fresh coordinator (the broker's restart).
#include "samsa/broker/group/offsets_records.h"
#include "tests/broker/group/group_fixture.h"

namespace samsa::broker::group::testing {
namespace {

using offsets = group_fixture;

fetch_result fetch_all(group_coordinator& c, const std::string& g) { return c.fetch(g, std::nullopt); }

TEST_F(offsets, a_standalone_consumer_commits_with_generation_minus_one) {
    auto r = coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 5}, {"u", 7}}));
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0], error_code::none);
    EXPECT_EQ(state("solo"), group_state::empty);
    auto f = coordinator->fetch("solo", std::vector<fetch_topic>{{"t", {partition_id(0), partition_id(3)}}});
    ASSERT_EQ(f.partitions.size(), 2u);
    EXPECT_EQ(f.partitions[0].committed, offset(5));
    EXPECT_EQ(f.partitions[0].metadata, "meta");
    EXPECT_EQ(f.partitions[1].committed, offset(-1));  // nothing committed there
    EXPECT_EQ(fetch_all(*coordinator, "solo").partitions.size(), 2u);
    EXPECT_TRUE(fetch_all(*coordinator, "unknown").partitions.empty());
}

TEST_F(offsets, members_commit_with_their_generation_only) {
    std::string a;
    join_new(join_builder("g"), &a);
    // CompletingRebalance: the member has its generation but no assignment yet.
    EXPECT_EQ(coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 1}})).errors[0],
              error_code::rebalance_in_progress);
    sync("g", a, generation_id(1), {{a, b("x")}});
    EXPECT_EQ(coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 10}})).errors[0], error_code::none);
    EXPECT_EQ(coordinator->commit(commit_req("g", generation_id(0), a, {{"t", 11}})).errors[0],
              error_code::illegal_generation);
    EXPECT_EQ(coordinator->commit(commit_req("g", generation_id(1), "ghost", {{"t", 12}})).errors[0],
              error_code::unknown_member_id);
    EXPECT_EQ(coordinator->commit(commit_req("g", generation_id(-1), "", {{"t", 13}})).errors[0],
              error_code::unknown_member_id);  // simple commits only to groups without members
    EXPECT_EQ(coordinator->commit(commit_req("nogroup", generation_id(3), "x", {{"t", 1}})).errors[0],
              error_code::illegal_generation);
    auto f = fetch_all(*coordinator, "g");
    ASSERT_EQ(f.partitions.size(), 1u);
    EXPECT_EQ(f.partitions[0].committed, offset(10));  // no refused commit got through
}

TEST_F(offsets, oversized_metadata_and_failed_writes_are_reported_per_partition) {
    auto req = commit_req("solo", generation_id(-1), "", {{"t", 5}, {"u", 6}});
    req.partitions[1].metadata = std::string(5000, 'm');
    auto r = coordinator->commit(req);
    EXPECT_EQ(r.errors[0], error_code::none);
    EXPECT_EQ(r.errors[1], error_code::offset_metadata_too_large);

    log.fail_appends = true;
    auto r2 = coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 99}}));
    EXPECT_EQ(r2.errors[0], error_code::not_coordinator);
    log.fail_appends = false;
    EXPECT_EQ(fetch_all(*coordinator, "solo").partitions[0].committed, offset(5));  // never lost nor replaced
}

TEST_F(offsets, offset_delete_and_delete_groups) {
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 5}, {"u", 6}}));
    auto d = coordinator->delete_offsets("solo", {{"t", partition_id(0), offset(-1), -1, std::nullopt}});
    EXPECT_EQ(d.error, error_code::none);
    EXPECT_EQ(d.partitions[0].second, error_code::none);
    EXPECT_EQ(fetch_all(*coordinator, "solo").partitions.size(), 1u);
    EXPECT_EQ(coordinator->delete_offsets("nogroup", {}).error, error_code::group_id_not_found);

    std::string a;
    join_new(join_builder("busy"), &a);
    sync("busy", a, generation_id(1), {{a, b("x")}});
    EXPECT_EQ(coordinator->delete_group("busy"), error_code::non_empty_group);
    EXPECT_EQ(coordinator->delete_group("nogroup"), error_code::group_id_not_found);
    EXPECT_EQ(coordinator->delete_group("solo"), error_code::none);
    EXPECT_EQ(coordinator->find("solo"), nullptr);
    EXPECT_EQ(coordinator->describe("solo").state, "Dead");
}

TEST_F(offsets, offset_delete_refuses_topics_the_group_still_reads) {
    // A consumer subscription: version 0, topics ["t"], no user data.
    bytes sub{0, 0, 0, 0, 0, 1, 0, 1, 't', 0xff, 0xff, 0xff, 0xff};
    std::string a;
    join_new(join_builder("g").protocols({{"range", sub}}), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 1}, {"old", 2}}));
    auto d = coordinator->delete_offsets("g", {{"t", partition_id(0), offset(-1), -1, std::nullopt},
                                               {"old", partition_id(0), offset(-1), -1, std::nullopt}});
    EXPECT_EQ(d.partitions[0].second, error_code::group_subscribed_to_topic);
    EXPECT_EQ(d.partitions[1].second, error_code::none);
}

TEST_F(offsets, list_and_describe) {
    std::string a;
    join_new(join_builder("g").client("cl"), &a);
    sync("g", a, generation_id(1), {{a, b("assign")}});
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 5}}));
    auto [err, all] = coordinator->list({});
    EXPECT_EQ(err, error_code::none);
    EXPECT_EQ(all.size(), 2u);
    auto [err2, stable] = coordinator->list({"Stable"});
    ASSERT_EQ(stable.size(), 1u);
    EXPECT_EQ(stable[0].group_id, "g");
    EXPECT_EQ(stable[0].protocol_type, "consumer");
    auto d = coordinator->describe("g");
    EXPECT_EQ(d.state, "Stable");
    EXPECT_EQ(d.protocol_data, "range");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].client_id, "cl");
    EXPECT_EQ(d.members[0].assignment, b("assign"));
    EXPECT_EQ(d.members[0].metadata, b("sub"));
    EXPECT_EQ(coordinator->describe("solo").state, "Empty");
}

TEST_F(offsets, replay_rebuilds_offsets_and_groups_and_skips_garbage) {
    std::string a;
    join_new(join_builder("g").client("cl"), &a);
    sync("g", a, generation_id(1), {{a, b("assign")}});
    coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 10}}));
    coordinator->commit(commit_req("g", generation_id(1), a, {{"t", 11}}));
    coordinator->commit(commit_req("solo", generation_id(-1), "", {{"t", 5}, {"u", 6}}));
    coordinator->delete_offsets("solo", {{"u", partition_id(0), offset(-1), -1, std::nullopt}});
    coordinator->commit(commit_req("gone", generation_id(-1), "", {{"t", 1}}));
    coordinator->delete_group("gone");
    // Garbage: an unknown key version, a truncated value, an empty key.
    log.entries.push_back({0, {bytes{0x7f, 0x7f, 1}, bytes{1, 2, 3}}});
    log.entries.push_back({0, {encode_key(offset_commit_key{"g", "t", 0}), bytes{0, 3, 0, 0}}});
    log.entries.push_back({0, {bytes{}, std::nullopt}});
    // All of a group's records are in its partition.
    for (const auto& e : log.entries) EXPECT_LT(e.partition, 5);

    group_config c = config();
    fake_group_timers fresh_timers;
    group_coordinator fresh(c, fresh_timers, log);
    EXPECT_TRUE(fresh.loading());
    EXPECT_EQ(fresh.commit(commit_req("solo", generation_id(-1), "", {{"t", 1}})).errors[0],
              error_code::coordinator_load_in_progress);
    EXPECT_EQ(log.replay_into(fresh), 3);
    EXPECT_FALSE(fresh.loading());

    auto g = fetch_all(fresh, "g");
    ASSERT_EQ(g.partitions.size(), 1u);
    EXPECT_EQ(g.partitions[0].committed, offset(11));
    auto solo = fetch_all(fresh, "solo");
    ASSERT_EQ(solo.partitions.size(), 1u);
    EXPECT_EQ(solo.partitions[0].topic, "t");
    EXPECT_EQ(fresh.find("gone"), nullptr);

    // The group comes back Stable with its member, who carries on.
    const group* restored = fresh.find("g");
    ASSERT_NE(restored, nullptr);
    EXPECT_EQ(restored->state(), group_state::stable);
    EXPECT_EQ(restored->generation(), generation_id(1));
    EXPECT_TRUE(restored->has(a));
    EXPECT_EQ(fresh.heartbeat({"g", generation_id(1), a, std::nullopt}), error_code::none);
    EXPECT_EQ(fresh.describe("g").members.at(0).assignment, b("assign"));
    // ... or is expired if it does not.
    fresh_timers.advance(11s);
    EXPECT_FALSE(fresh.find("g")->has(a));
    EXPECT_EQ(fresh.find("g")->state(), group_state::empty);
    EXPECT_EQ(fetch_all(fresh, "g").partitions.at(0).committed, offset(11));
}

}  // namespace
}  // namespace samsa::broker::group::testing
