// The classic group state machine: join/sync/heartbeat flows, rebalances on
// join, leave, session expiry and rebalance timeout, static membership,
// protocol selection and the error codes of each wrong request.
#include "samsa/broker/group/protocol_selection.h"
#include "tests/broker/group/group_fixture.h"

namespace samsa::broker::group::testing {
namespace {

using membership = group_fixture;

TEST_F(membership, member_id_required_then_one_member_group_becomes_stable) {
    std::string id;
    auto j = join_new(join_builder("g").client("c1"), &id);
    EXPECT_EQ(id.rfind("c1-", 0), 0u) << id;
    EXPECT_EQ(id.size(), 3u + 36u);
    ASSERT_TRUE(j.answered());
    EXPECT_EQ(j->error, error_code::none);
    EXPECT_EQ(j->generation, generation_id(1));
    EXPECT_EQ(j->leader, id);
    EXPECT_EQ(j->member_id, id);
    EXPECT_EQ(j->protocol_name, std::optional<std::string>("range"));
    ASSERT_EQ(j->members.size(), 1u);
    EXPECT_EQ(j->members[0].metadata, b("sub"));
    EXPECT_EQ(state("g"), group_state::completing_rebalance);

    auto s = sync("g", id, generation_id(1), {{id, b("assign-1")}});
    ASSERT_TRUE(s.answered());
    EXPECT_EQ(s->error, error_code::none);
    EXPECT_EQ(s->assignment, b("assign-1"));
    EXPECT_EQ(state("g"), group_state::stable);
    EXPECT_EQ(heartbeat("g", id, generation_id(1)), error_code::none);
}

TEST_F(membership, old_clients_join_without_member_id_required) {
    auto j = join(join_builder("g").old_client());
    ASSERT_TRUE(j.answered());
    EXPECT_EQ(j->error, error_code::none);
    EXPECT_FALSE(j->member_id.empty());
}

TEST_F(membership, second_member_triggers_a_rebalance_and_both_get_the_new_generation) {
    std::string a, b_id;
    auto ja = join_new(join_builder("g").client("a"), &a);
    sync("g", a, generation_id(1), {{a, b("a1")}});
    ASSERT_EQ(state("g"), group_state::stable);

    auto jb = join_new(join_builder("g").client("b"), &b_id);
    EXPECT_FALSE(jb.answered());  // waits for a to rejoin
    EXPECT_EQ(state("g"), group_state::preparing_rebalance);
    EXPECT_EQ(heartbeat("g", a, generation_id(1)), error_code::rebalance_in_progress);

    auto ja2 = join(join_builder("g").client("a").member(a));
    ASSERT_TRUE(ja2.answered());
    ASSERT_TRUE(jb.answered());
    EXPECT_EQ(ja2->generation, generation_id(2));
    EXPECT_EQ(jb->generation, generation_id(2));
    EXPECT_EQ(ja2->leader, a);
    EXPECT_EQ(ja2->members.size(), 2u);
    EXPECT_TRUE(jb->members.empty());

    auto sb = sync("g", b_id, generation_id(2));
    EXPECT_FALSE(sb.answered());  // followers wait for the leader
    auto sa = sync("g", a, generation_id(2), {{a, b("a2")}, {b_id, b("b2")}});
    ASSERT_TRUE(sa.answered());
    ASSERT_TRUE(sb.answered());
    EXPECT_EQ(sa->assignment, b("a2"));
    EXPECT_EQ(sb->assignment, b("b2"));
    EXPECT_EQ(state("g"), group_state::stable);
}

TEST_F(membership, wrong_generation_and_unknown_member_are_refused) {
    std::string a;
    join_new(join_builder("g"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    EXPECT_EQ(heartbeat("g", a, generation_id(7)), error_code::illegal_generation);
    EXPECT_EQ(heartbeat("g", "nobody", generation_id(1)), error_code::unknown_member_id);
    EXPECT_EQ(heartbeat("nogroup", a, generation_id(1)), error_code::unknown_member_id);
    EXPECT_EQ(sync("g", a, generation_id(0))->error, error_code::illegal_generation);
    EXPECT_EQ(sync("g", "nobody", generation_id(1))->error, error_code::unknown_member_id);
    EXPECT_EQ(join(join_builder("g").member("nobody"))->error, error_code::unknown_member_id);
    EXPECT_EQ(join(join_builder("nogroup").member("nobody"))->error, error_code::unknown_member_id);
}

TEST_F(membership, absurd_requests_get_kafkas_codes) {
    EXPECT_EQ(join(join_builder("g").session(1ms))->error, error_code::invalid_session_timeout);
    EXPECT_EQ(join(join_builder("g").session(std::chrono::hours(24 * 365)))->error,
              error_code::invalid_session_timeout);
    EXPECT_EQ(join(join_builder(""))->error, error_code::invalid_group_id);
    EXPECT_EQ(join(join_builder("g").protocols({}))->error, error_code::inconsistent_group_protocol);
    bytes huge(2 * 1024 * 1024, 'x');
    EXPECT_EQ(join(join_builder("g").protocols({{"range", huge}}))->error, error_code::invalid_request);
    EXPECT_EQ(coordinator->group_count(), 0u);  // nothing left behind
}

TEST_F(membership, a_member_without_a_common_protocol_is_refused) {
    std::string a;
    join_new(join_builder("g"), &a);
    auto j = join(join_builder("g").protocols({{"sticky", b("s")}}));
    EXPECT_EQ(j->error, error_code::inconsistent_group_protocol);
}

TEST_F(membership, leaving_moves_the_group_to_a_new_round) {
    std::string a, c;
    join_new(join_builder("g").client("a"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c"), &c);
    join(join_builder("g").client("a").member(a));
    ASSERT_TRUE(jc.answered());
    sync("g", a, generation_id(2), {{a, b("x")}, {c, b("y")}});
    sync("g", c, generation_id(2));
    ASSERT_EQ(state("g"), group_state::stable);

    auto left = coordinator->leave("g", {{c, std::nullopt}, {"ghost", std::nullopt}});
    EXPECT_EQ(left.error, error_code::none);
    ASSERT_EQ(left.members.size(), 2u);
    EXPECT_EQ(left.members[0].error, error_code::none);
    EXPECT_EQ(left.members[1].error, error_code::unknown_member_id);
    EXPECT_EQ(state("g"), group_state::preparing_rebalance);
    auto ja = join(join_builder("g").client("a").member(a));
    ASSERT_TRUE(ja.answered());
    EXPECT_EQ(ja->generation, generation_id(3));
    EXPECT_EQ(ja->members.size(), 1u);

    // The last member leaving empties the group.
    sync("g", a, generation_id(3), {{a, b("x")}});
    coordinator->leave("g", {{a, std::nullopt}});
    EXPECT_EQ(state("g"), group_state::empty);
    EXPECT_EQ(coordinator->find("g")->generation(), generation_id(4));
}

TEST_F(membership, a_silent_member_is_expired_after_its_session_timeout) {
    std::string a, c;
    join_new(join_builder("g").client("a").session(6s), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c").session(6s), &c);
    join(join_builder("g").client("a").member(a).session(6s));
    sync("g", a, generation_id(2), {{a, b("x")}, {c, b("y")}});
    sync("g", c, generation_id(2));
    ASSERT_EQ(state("g"), group_state::stable);

    // a keeps heartbeating, c goes silent.
    for (int i = 0; i < 4; ++i) {
        timers.advance(2s);
        EXPECT_EQ(heartbeat("g", a, generation_id(2)), i < 2 ? error_code::none : error_code::rebalance_in_progress);
    }
    EXPECT_EQ(state("g"), group_state::preparing_rebalance);
    EXPECT_FALSE(coordinator->find("g")->has(c));
    auto ja = join(join_builder("g").client("a").member(a).session(6s));
    ASSERT_TRUE(ja.answered());
    EXPECT_EQ(ja->generation, generation_id(3));
}

TEST_F(membership, a_member_that_does_not_rejoin_is_removed_at_the_rebalance_timeout) {
    std::string a, c;
    join_new(join_builder("g").client("a").rebalance(20s).session(30s), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c").rebalance(20s), &c);
    EXPECT_FALSE(jc.answered());
    timers.advance(19s);
    EXPECT_FALSE(jc.answered());
    timers.advance(2s);
    ASSERT_TRUE(jc.answered());
    EXPECT_EQ(jc->error, error_code::none);
    EXPECT_EQ(jc->generation, generation_id(2));
    EXPECT_EQ(jc->leader, c);  // a was removed, c leads
    EXPECT_FALSE(coordinator->find("g")->has(a));
    EXPECT_EQ(heartbeat("g", a, generation_id(1)), error_code::unknown_member_id);
}

TEST_F(membership, a_pending_member_that_never_comes_back_is_forgotten) {
    auto first = join(join_builder("g"));
    ASSERT_EQ(first->error, error_code::member_id_required);
    EXPECT_EQ(coordinator->group_count(), 1u);
    timers.advance(11s);
    EXPECT_EQ(coordinator->group_count(), 0u);
}

TEST_F(membership, a_static_member_restarting_keeps_its_assignment_and_fences_the_old_id) {
    std::string a;
    auto ja = join(join_builder("g").instance("i-1"));
    ASSERT_TRUE(ja.answered());  // static members skip MEMBER_ID_REQUIRED
    a = ja->member_id;
    std::string c;
    auto jc = join(join_builder("g").instance("i-2"));
    join(join_builder("g").instance("i-1").member(a));
    c = jc->member_id;
    sync("g", a, generation_id(2), {{a, b("A")}, {c, b("C")}});
    sync("g", c, generation_id(2));
    ASSERT_EQ(state("g"), group_state::stable);

    // i-2 restarts: it joins again without its member id.
    auto again = join(join_builder("g").instance("i-2"));
    ASSERT_TRUE(again.answered());
    EXPECT_EQ(again->error, error_code::none);
    EXPECT_NE(again->member_id, c);
    EXPECT_EQ(again->generation, generation_id(2));  // no rebalance
    EXPECT_EQ(state("g"), group_state::stable);
    auto s = sync("g", again->member_id, generation_id(2));
    EXPECT_EQ(s->assignment, b("C"));
    EXPECT_EQ(heartbeat("g", c, generation_id(2), "i-2"), error_code::fenced_instance_id);
    EXPECT_EQ(join(join_builder("g").instance("i-2").member(c))->error, error_code::fenced_instance_id);
}

TEST_F(membership, the_protocol_is_chosen_by_votes_among_common_ones) {
    std::string a, c;
    join_new(join_builder("g").client("a").protocols({{"range", b("1")}, {"roundrobin", b("2")}}), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c").protocols({{"roundrobin", b("3")}, {"range", b("4")}}), &c);
    auto ja = join(join_builder("g").client("a").member(a).protocols({{"range", b("1")}, {"roundrobin", b("2")}}));
    ASSERT_TRUE(ja.answered());
    // One vote each: the leader's preference breaks the tie.
    EXPECT_EQ(ja->protocol_name, std::optional<std::string>("range"));
    ASSERT_EQ(ja->members.size(), 2u);
    for (const auto& m : ja->members) EXPECT_EQ(m.metadata, m.member_id == a ? b("1") : b("4"));
}

TEST(protocol_selection, votes_then_leader_preference) {
    std::vector<join_protocol> a{{"range", {}}, {"roundrobin", {}}};
    std::vector<join_protocol> b2{{"roundrobin", {}}, {"range", {}}};
    std::vector<join_protocol> c{{"roundrobin", {}}, {"sticky", {}}, {"range", {}}};
    std::vector<join_protocol> only_sticky{{"sticky", {}}};
    EXPECT_EQ(select_protocol({&a, &b2}), std::optional<std::string>("range"));
    EXPECT_EQ(select_protocol({&a, &b2, &c}), std::optional<std::string>("roundrobin"));
    EXPECT_EQ(select_protocol({&a, &only_sticky}), std::nullopt);
    EXPECT_EQ(select_protocol({}), std::nullopt);
}

TEST_F(membership, initial_delay_gathers_members_into_one_round) {
    auto c = config();
    c.initial_rebalance_delay = 3000ms;
    make_coordinator(c);
    std::string a, d;
    auto ja = join_new(join_builder("g").client("a"), &a);
    EXPECT_FALSE(ja.answered());
    timers.advance(1s);
    auto jd = join_new(join_builder("g").client("d"), &d);
    timers.advance(2100ms);
    EXPECT_FALSE(ja.answered());  // a member came during the delay: one more delay
    timers.advance(3s);
    ASSERT_TRUE(ja.answered());
    ASSERT_TRUE(jd.answered());
    EXPECT_EQ(ja->generation, generation_id(1));
    EXPECT_EQ(ja->members.size(), 2u);
}

TEST_F(membership, a_leader_that_never_syncs_is_dropped_and_the_rest_rebalance) {
    std::string a, c;
    join_new(join_builder("g").client("a").rebalance(10s), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c").rebalance(10s), &c);
    join(join_builder("g").client("a").member(a).rebalance(10s));
    auto sc = sync("g", c, generation_id(2));
    EXPECT_FALSE(sc.answered());
    timers.advance(11s);
    ASSERT_TRUE(sc.answered());
    EXPECT_EQ(sc->error, error_code::rebalance_in_progress);
    EXPECT_FALSE(coordinator->find("g")->has(a));
}

TEST_F(membership, a_follower_that_never_syncs_expires_with_its_session) {
    std::string a, c;
    join_new(join_builder("g").client("a"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    join_new(join_builder("g").client("c"), &c);
    join(join_builder("g").client("a").member(a));
    sync("g", a, generation_id(2), {{a, b("x")}, {c, b("y")}});  // the leader syncs, c never does
    ASSERT_EQ(state("g"), group_state::stable);
    for (int i = 0; i < 6; ++i) {
        timers.advance(2s);
        heartbeat("g", a, generation_id(2));
    }
    EXPECT_FALSE(coordinator->find("g")->has(c));
}

TEST_F(membership, sync_and_heartbeat_during_a_rebalance_say_so) {
    std::string a, c;
    join_new(join_builder("g").client("a"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    join_new(join_builder("g").client("c"), &c);
    EXPECT_EQ(sync("g", a, generation_id(1))->error, error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat("g", a, generation_id(1)), error_code::rebalance_in_progress);
}

TEST_F(membership, group_max_size_is_enforced) {
    auto c = config();
    c.max_size = 1;
    make_coordinator(c);
    std::string a;
    join_new(join_builder("g"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto j = join(join_builder("g").client("second"));
    EXPECT_EQ(j->error, error_code::group_max_size_reached);
}

TEST_F(membership, shutdown_answers_every_waiting_request) {
    std::string a, c;
    join_new(join_builder("g").client("a"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    auto jc = join_new(join_builder("g").client("c"), &c);
    coordinator->shutdown();
    ASSERT_TRUE(jc.answered());
    EXPECT_EQ(jc->error, error_code::not_coordinator);
}

}  // namespace
}  // namespace samsa::broker::group::testing
