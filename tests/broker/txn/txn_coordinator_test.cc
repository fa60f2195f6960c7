// The transaction coordinator's rules, Kafka's TransactionCoordinator's:
// producer ids and epochs, fencing, KIP-360's epoch bumps, the transaction
// states, markers, timeouts, expiration, and recovery from its log.
#include <gtest/gtest.h>

#include "samsa/broker/txn/txn_records.h"
#include "tests/broker/txn/txn_fixture.h"

namespace samsa::broker::txn::testing {
namespace {

using record::control_type;

TEST_F(txn_fixture, first_init_gives_a_new_producer_id_with_epoch_0_and_persists_it) {
    auto r = init("t1");
    ASSERT_EQ(r.error, error_code::none);
    EXPECT_EQ(r.producer(), 1000);
    EXPECT_EQ(r.epoch(), 0);
    ASSERT_EQ(log.entries.size(), 1u);
    EXPECT_EQ(log.entries[0].partition, c->partition_for("t1"));
    auto v = decode_txn_value(*log.entries[0].value);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->producer_id, 1000);
    EXPECT_EQ(v->transaction_status, static_cast<int8_t>(txn_state::empty));
    EXPECT_FALSE(v->transaction_partitions.has_value());  // null while Empty, as Kafka writes it
}

TEST_F(txn_fixture, a_second_init_of_the_same_id_keeps_the_producer_id_and_bumps_the_epoch) {
    auto a = init("t1");
    auto b = init("t1");
    ASSERT_EQ(b.error, error_code::none);
    EXPECT_EQ(b.producer, a.producer);
    EXPECT_EQ(b.epoch(), 1);
}

TEST_F(txn_fixture, bad_requests_are_refused_with_kafkas_codes) {
    EXPECT_EQ(init("").error, error_code::invalid_request);
    EXPECT_EQ(init("t", std::nullopt, 0).error, error_code::invalid_transaction_timeout);
    EXPECT_EQ(init("t", std::nullopt, config.max_timeout_ms + 1).error, error_code::invalid_transaction_timeout);
    EXPECT_EQ(c->add_partitions("nobody", {producer_id(1), producer_epoch(0)}, {tp("a", 0)}),
              error_code::invalid_producer_id_mapping);
    EXPECT_EQ(c->end_txn("nobody", {producer_id(1), producer_epoch(0)}, true), error_code::invalid_producer_id_mapping);
    auto r = init("t1");
    EXPECT_EQ(c->add_partitions("t1", {producer_id(r.producer() + 1), r.epoch}, {tp("a", 0)}),
              error_code::invalid_producer_id_mapping);
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::invalid_txn_state);  // Empty
}

TEST_F(txn_fixture, commit_writes_a_commit_marker_into_every_partition_then_completes) {
    auto r = init("t1");
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0), tp("b", 2)}), error_code::none);
    ASSERT_EQ(c->describe("t1")->state, txn_state::ongoing);
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::none);  // already in
    ASSERT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::none);
    ASSERT_EQ(markers.written.size(), 2u);
    for (const auto& w : markers.written) {
        EXPECT_EQ(w.m.type, control_type::commit);
        EXPECT_EQ(w.m.producer, r.producer);
        EXPECT_EQ(w.m.epoch, r.epoch);
    }
    EXPECT_EQ(markers.written[0].tp, tp("a", 0));
    EXPECT_EQ(markers.written[1].tp, tp("b", 2));
    const auto* m = c->describe("t1");
    EXPECT_EQ(m->state, txn_state::complete_commit);
    EXPECT_TRUE(m->partitions.empty());
    // init, ongoing (once: the repeat was already in), prepare, complete
    ASSERT_EQ(log.entries.size(), 4u);
    EXPECT_EQ(decode_txn_value(*log.entries[2].value)->transaction_status, int8_t(txn_state::prepare_commit));
    EXPECT_EQ(decode_txn_value(*log.entries[3].value)->transaction_status, int8_t(txn_state::complete_commit));
    // A retried EndTxn is answered the same; the other decision is refused.
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::none);
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, false), error_code::invalid_txn_state);
    // The next transaction starts from the completed one.
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("c", 0)}), error_code::none);
    ASSERT_EQ(c->end_txn("t1", {r.producer, r.epoch}, false), error_code::none);
    EXPECT_EQ(markers.written.back().m.type, control_type::abort);
    EXPECT_EQ(markers.written.back().tp, tp("c", 0));
    EXPECT_EQ(c->describe("t1")->state, txn_state::complete_abort);
}

TEST_F(txn_fixture, a_new_producer_fences_the_old_one_and_aborts_its_open_transaction) {
    auto old = init("t1");
    ASSERT_EQ(c->add_partitions("t1", {old.producer, old.epoch}, {tp("a", 0)}), error_code::none);
    // The new instance: the open transaction is aborted under a bumped epoch
    // and the client is told to retry (Kafka's PrepareEpochFence).
    auto first = init("t1");
    EXPECT_EQ(first.error, error_code::concurrent_transactions);
    ASSERT_EQ(markers.written.size(), 1u);
    EXPECT_EQ(markers.written[0].m.type, control_type::abort);
    EXPECT_EQ(markers.written[0].m.epoch(), old.epoch() + 1);
    auto retry = init("t1");
    ASSERT_EQ(retry.error, error_code::none);
    EXPECT_EQ(retry.producer, old.producer);
    EXPECT_EQ(retry.epoch(), old.epoch() + 2);
    // The zombie can do nothing any more.
    EXPECT_EQ(c->add_partitions("t1", {old.producer, old.epoch}, {tp("a", 1)}), error_code::producer_fenced);
    EXPECT_EQ(c->end_txn("t1", {old.producer, old.epoch}, true), error_code::producer_fenced);
    EXPECT_EQ(c->verify("t1", {old.producer, old.epoch}, tp("a", 0)), error_code::producer_fenced);
    EXPECT_EQ(init("t1", producer_and_epoch{old.producer, old.epoch}).error, error_code::producer_fenced);
}

TEST_F(txn_fixture, kip360_bump_with_the_current_epoch_and_its_lost_answer_retried) {
    auto r = init("t1");
    auto bumped = init("t1", producer_and_epoch{r.producer, r.epoch});
    ASSERT_EQ(bumped.error, error_code::none);
    EXPECT_EQ(bumped.producer, r.producer);
    EXPECT_EQ(bumped.epoch(), r.epoch() + 1);
    // The answer was lost and the client retries with the epoch it had.
    auto again = init("t1", producer_and_epoch{r.producer, r.epoch});
    ASSERT_EQ(again.error, error_code::none);
    EXPECT_EQ(again.epoch, bumped.epoch);
    // Any other epoch, or another producer id, is a zombie.
    EXPECT_EQ(init("t1", producer_and_epoch{r.producer, producer_epoch(7)}).error, error_code::producer_fenced);
    EXPECT_EQ(init("t1", producer_and_epoch{producer_id(5), r.epoch}).error, error_code::producer_fenced);
}

TEST_F(txn_fixture, an_exhausted_epoch_rotates_to_a_new_producer_id) {
    txn_log_value v;
    v.producer_id = 77;
    v.producer_epoch = INT16_MAX - 1;
    v.transaction_timeout_ms = 60000;
    v.transaction_status = int8_t(txn_state::complete_commit);
    v.transaction_partitions.emplace();
    log.entries.push_back({c->partition_for("t1"), encode_txn_key("t1"), encode_txn_value(v)});
    restart();
    auto r = init("t1", producer_and_epoch{producer_id(77), producer_epoch(INT16_MAX - 1)});
    ASSERT_EQ(r.error, error_code::none);
    EXPECT_NE(r.producer(), 77);
    EXPECT_EQ(r.epoch(), 0);
    // A retry of that rotation (its answer lost) is recognised by the old id.
    auto retry = init("t1", producer_and_epoch{producer_id(77), producer_epoch(INT16_MAX - 1)});
    EXPECT_EQ(retry.error, error_code::none);
}

TEST_F(txn_fixture, a_transaction_past_its_timeout_is_aborted_and_its_producer_fenced) {
    auto r = init("t1", std::nullopt, 1000);
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::none);
    timers.advance(config.abort_interval + 1ms);
    ASSERT_EQ(markers.written.size(), 1u);
    EXPECT_EQ(markers.written[0].m.type, control_type::abort);
    EXPECT_EQ(markers.written[0].m.epoch(), r.epoch() + 1);
    EXPECT_EQ(c->describe("t1")->state, txn_state::complete_abort);
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::producer_fenced);
    EXPECT_EQ(init("t1", producer_and_epoch{r.producer, r.epoch}).error, error_code::producer_fenced);
    // A fresh InitProducerId (a restarted application) works.
    EXPECT_EQ(init("t1").error, error_code::none);
}

TEST_F(txn_fixture, a_transaction_within_its_timeout_is_left_alone) {
    auto r = init("t1", std::nullopt, 60000);
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::none);
    timers.advance(30s);
    EXPECT_TRUE(markers.written.empty());
    EXPECT_EQ(c->describe("t1")->state, txn_state::ongoing);
}

TEST_F(txn_fixture, a_marker_that_fails_is_retried_and_the_transaction_stays_prepared_meanwhile) {
    auto r = init("t1");
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0), tp("b", 0)}), error_code::none);
    markers.failing.insert(tp("b", 0));
    // The decision is written: the client is answered.
    ASSERT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::none);
    EXPECT_EQ(c->describe("t1")->state, txn_state::prepare_commit);
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::concurrent_transactions);
    EXPECT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("c", 0)}), error_code::concurrent_transactions);
    EXPECT_EQ(init("t1").error, error_code::concurrent_transactions);
    ASSERT_EQ(markers.written.size(), 1u);
    markers.failing.clear();
    timers.advance(config.marker_retry + 1ms);
    ASSERT_EQ(markers.written.size(), 2u);  // only the partition that failed
    EXPECT_EQ(markers.written[1].tp, tp("b", 0));
    EXPECT_EQ(c->describe("t1")->state, txn_state::complete_commit);
}

TEST_F(txn_fixture, a_partition_that_no_longer_exists_is_skipped) {
    auto r = init("t1");
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("gone", 0), tp("a", 0)}), error_code::none);
    markers.missing.insert(tp("gone", 0));
    ASSERT_EQ(c->end_txn("t1", {r.producer, r.epoch}, false), error_code::none);
    EXPECT_EQ(c->describe("t1")->state, txn_state::complete_abort);
}

TEST_F(txn_fixture, a_failed_log_write_changes_nothing) {
    auto r = init("t1");
    log.fail_appends = true;
    EXPECT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::not_coordinator);
    EXPECT_EQ(c->describe("t1")->state, txn_state::empty);
    log.fail_appends = false;
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::none);
    log.fail_appends = true;
    EXPECT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::not_coordinator);
    EXPECT_EQ(c->describe("t1")->state, txn_state::ongoing);
    EXPECT_TRUE(markers.written.empty());
}

TEST_F(txn_fixture, a_restart_completes_prepared_transactions_as_their_last_record_decided) {
    auto r1 = init("commit-me");
    auto r2 = init("abort-me");
    auto r3 = init("open");
    ASSERT_EQ(c->add_partitions("commit-me", {r1.producer, r1.epoch}, {tp("a", 0)}), error_code::none);
    ASSERT_EQ(c->add_partitions("abort-me", {r2.producer, r2.epoch}, {tp("a", 1)}), error_code::none);
    ASSERT_EQ(c->add_partitions("open", {r3.producer, r3.epoch}, {tp("a", 2)}), error_code::none);
    // The broker dies after writing the decisions, before any marker.
    markers.failing = {tp("a", 0), tp("a", 1)};
    ASSERT_EQ(c->end_txn("commit-me", {r1.producer, r1.epoch}, true), error_code::none);
    ASSERT_EQ(c->end_txn("abort-me", {r2.producer, r2.epoch}, false), error_code::none);
    markers.failing.clear();
    markers.written.clear();
    restart();
    ASSERT_EQ(markers.written.size(), 2u);
    for (const auto& w : markers.written)
        EXPECT_EQ(w.m.type, w.tp == tp("a", 0) ? control_type::commit : control_type::abort);
    EXPECT_EQ(c->describe("commit-me")->state, txn_state::complete_commit);
    EXPECT_EQ(c->describe("abort-me")->state, txn_state::complete_abort);
    // The open transaction is still open, with its partitions and start
    // time, and times out as it would have.
    const auto* open = c->describe("open");
    EXPECT_EQ(open->state, txn_state::ongoing);
    EXPECT_EQ(open->partitions, std::set<topic_partition>{tp("a", 2)});
    EXPECT_EQ(c->verify("open", {r3.producer, r3.epoch}, tp("a", 2)), error_code::none);
    timers.advance(std::chrono::milliseconds(open->timeout_ms) + config.abort_interval);
    EXPECT_EQ(c->describe("open")->state, txn_state::complete_abort);
    // Epochs survive: the producers keep theirs.
    EXPECT_EQ(c->describe("commit-me")->epoch, r1.epoch);
}

TEST_F(txn_fixture, idle_transactional_ids_expire_with_a_tombstone) {
    config.id_expiration_ms = 3'600'000;
    config.expiration_interval = 60s;
    config.max_timeout_ms = 24 * 3'600'000;
    c = make();
    c->finish_loading();
    auto idle = init("idle");
    auto busy = init("busy", std::nullopt, 3 * 3'600'000);
    ASSERT_EQ(c->add_partitions("busy", {busy.producer, busy.epoch}, {tp("a", 0)}), error_code::none);
    (void)idle;
    timers.advance(std::chrono::hours(2));
    EXPECT_EQ(c->describe("idle"), nullptr);
    ASSERT_NE(c->describe("busy"), nullptr);  // an open transaction never expires
    EXPECT_FALSE(log.entries.back().value.has_value());
    restart();
    EXPECT_EQ(c->describe("idle"), nullptr);
}

TEST_F(txn_fixture, verify_says_whether_a_partition_is_in_the_open_transaction) {
    auto r = init("t1");
    EXPECT_EQ(c->verify("t1", {r.producer, r.epoch}, tp("a", 0)), error_code::invalid_txn_state);
    ASSERT_EQ(c->add_partitions("t1", {r.producer, r.epoch}, {tp("a", 0)}), error_code::none);
    EXPECT_EQ(c->verify("t1", {r.producer, r.epoch}, tp("a", 0)), error_code::none);
    EXPECT_EQ(c->verify("t1", {r.producer, r.epoch}, tp("a", 1)), error_code::invalid_txn_state);
    EXPECT_EQ(c->verify("other", {r.producer, r.epoch}, tp("a", 0)), error_code::invalid_producer_id_mapping);
    ASSERT_EQ(c->end_txn("t1", {r.producer, r.epoch}, true), error_code::none);
    EXPECT_EQ(c->verify("t1", {r.producer, r.epoch}, tp("a", 0)), error_code::invalid_txn_state);
}

TEST_F(txn_fixture, list_filters_by_state_producer_and_duration) {
    auto a = init("a");
    auto b = init("b");
    ASSERT_EQ(c->add_partitions("b", {b.producer, b.epoch}, {tp("t", 0)}), error_code::none);
    (void)a;
    EXPECT_EQ(c->list({}, {}, -1).transactions.size(), 2u);
    auto ongoing = c->list({"Ongoing", "Bogus"}, {}, -1);
    ASSERT_EQ(ongoing.transactions.size(), 1u);
    EXPECT_EQ(ongoing.transactions[0].transactional_id, "b");
    EXPECT_EQ(ongoing.unknown_state_filters, std::vector<std::string>{"Bogus"});
    EXPECT_EQ(c->list({}, {a.producer()}, -1).transactions.size(), 1u);
    timers.advance(5s);
    EXPECT_EQ(c->list({"Ongoing"}, {}, 10'000).transactions.size(), 0u);
    EXPECT_EQ(c->list({"Ongoing"}, {}, 1'000).transactions.size(), 1u);
}

TEST_F(txn_fixture, requests_wait_for_loading) {
    c = make();  // not loaded yet
    EXPECT_EQ(init("t").error, error_code::coordinator_load_in_progress);
    EXPECT_EQ(c->list({}, {}, -1).error, error_code::coordinator_load_in_progress);
    c->finish_loading();
    EXPECT_EQ(init("t").error, error_code::none);
}

}  // namespace
}  // namespace samsa::broker::txn::testing
