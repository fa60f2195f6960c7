// Transactional offsets (TxnOffsetCommit): KIP-447's member checks, pending
// until the transaction's marker, UNSTABLE for require_stable readers, a
// later plain commit winning, and the replay of all of it.
#include "samsa/broker/group/offsets_records.h"
#include "tests/broker/group/group_fixture.h"

namespace samsa::broker::group::testing {
namespace {

using txn_offsets = group_fixture;

const txn_producer producer_7{producer_id(7), producer_epoch(0)};

offset committed(group_coordinator& c, const std::string& g, const std::string& topic) {
    auto f = c.fetch(g, std::vector<fetch_topic>{{topic, {partition_id(0)}}});
    return f.partitions.at(0).committed;
}

TEST_F(txn_offsets, stay_pending_until_the_commit_marker) {
    auto r = coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"t", 5}}), producer_7);
    ASSERT_EQ(r.errors.at(0), error_code::none);
    EXPECT_EQ(committed(*coordinator, "g", "t"), offset(-1));
    EXPECT_TRUE(coordinator->has_pending_txn_offset("g", "t", partition_id(0)));
    ASSERT_FALSE(log.entries.empty());
    EXPECT_EQ(log.entries.back().txn, producer_id(7));
    // A marker in another partition of __consumer_offsets does nothing here.
    coordinator->complete_txn_offsets((coordinator->partition_for("g") + 1) % 5, producer_id(7), true);
    EXPECT_EQ(committed(*coordinator, "g", "t"), offset(-1));
    coordinator->complete_txn_offsets(coordinator->partition_for("g"), producer_id(7), true);
    EXPECT_EQ(committed(*coordinator, "g", "t"), offset(5));
    EXPECT_FALSE(coordinator->has_pending_txn_offset("g", "t", partition_id(0)));
}

TEST_F(txn_offsets, are_dropped_by_an_abort) {
    ASSERT_EQ(coordinator->commit(commit_req("g", generation_id(-1), "", {{"t", 3}})).errors.at(0), error_code::none);
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"t", 5}}), producer_7);
    coordinator->complete_txn_offsets(coordinator->partition_for("g"), producer_id(7), false);
    EXPECT_EQ(committed(*coordinator, "g", "t"), offset(3));
    EXPECT_FALSE(coordinator->has_pending_txn_offset("g", "t", partition_id(0)));
}

TEST_F(txn_offsets, a_later_plain_commit_wins_over_a_pending_one) {
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"t", 5}}), producer_7);
    ASSERT_EQ(coordinator->commit(commit_req("g", generation_id(-1), "", {{"t", 9}})).errors.at(0), error_code::none);
    coordinator->complete_txn_offsets(coordinator->partition_for("g"), producer_id(7), true);
    EXPECT_EQ(committed(*coordinator, "g", "t"), offset(9));
}

TEST_F(txn_offsets, check_the_member_and_generation_kip447) {
    std::string a;
    join_new(join_builder("g"), &a);
    sync("g", a, generation_id(1), {{a, b("x")}});
    EXPECT_EQ(coordinator->txn_commit(commit_req("g", generation_id(1), a, {{"t", 1}}), producer_7).errors[0],
              error_code::none);
    EXPECT_EQ(coordinator->txn_commit(commit_req("g", generation_id(0), a, {{"t", 1}}), producer_7).errors[0],
              error_code::illegal_generation);
    EXPECT_EQ(coordinator->txn_commit(commit_req("g", generation_id(1), "ghost", {{"t", 1}}), producer_7).errors[0],
              error_code::unknown_member_id);
    // Older clients (v0-2) send no member: not checked, as in Kafka.
    EXPECT_EQ(coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"t", 1}}), producer_7).errors[0],
              error_code::none);
}

TEST_F(txn_offsets, keep_their_group_and_block_its_deletion) {
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"t", 5}}), producer_7);
    ASSERT_NE(coordinator->find("g"), nullptr);
    EXPECT_EQ(coordinator->delete_group("g"), error_code::non_empty_group);
    coordinator->complete_txn_offsets(coordinator->partition_for("g"), producer_id(7), false);
    EXPECT_EQ(coordinator->find("g"), nullptr);  // nothing left: forgotten
}

TEST_F(txn_offsets, replay_keeps_open_ones_pending_and_applies_decided_ones) {
    const int32_t p = coordinator->partition_for("g");
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"committed", 5}}), producer_7);
    log.marker(p, producer_id(7), true);
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"aborted", 6}}), producer_7);
    log.marker(p, producer_id(7), false);
    coordinator->txn_commit(commit_req("g", generation_id(-1), "", {{"open", 7}}), {producer_id(8), producer_epoch(0)});
    coordinator.reset();
    coordinator = std::make_unique<group_coordinator>(config(), timers, log);
    EXPECT_EQ(log.replay_into(*coordinator), 0);
    EXPECT_EQ(committed(*coordinator, "g", "committed"), offset(5));
    EXPECT_EQ(committed(*coordinator, "g", "aborted"), offset(-1));
    EXPECT_EQ(committed(*coordinator, "g", "open"), offset(-1));
    EXPECT_TRUE(coordinator->has_pending_txn_offset("g", "open", partition_id(0)));
    coordinator->complete_txn_offsets(p, producer_id(8), true);
    EXPECT_EQ(committed(*coordinator, "g", "open"), offset(7));
}

}  // namespace
}  // namespace samsa::broker::group::testing
