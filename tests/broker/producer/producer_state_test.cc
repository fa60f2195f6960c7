// producer_state: Kafka's sequence rules for idempotent producers, one rule
// per test, and the snapshot format.
#include "samsa/broker/producer/producer_state.h"

#include <limits>

#include <gtest/gtest.h>

#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/crc32c.h"

namespace samsa::broker::producer {
namespace {

using protocol::error_code;
using record::record_batch_header;

record_batch_header batch(int64_t pid, int16_t epoch, int32_t first_seq, int32_t records) {
    record_batch_header h;
    h.producer_id = pid;
    h.producer_epoch = epoch;
    h.base_sequence = first_seq;
    h.last_offset_delta = records - 1;
    h.records_count = records;
    return h;
}

// Checks and, when accepted, records the batch at `at`, as Produce does.
batch_verdict append(partition_producer_state& s, const record_batch_header& h, int64_t at) {
    auto v = s.check(h);
    if (v.ok() && !v.duplicate) s.record(h, offset(at), timestamp_ms(-1));
    return v;
}

TEST(producer_state, plain_batches_are_not_checked) {
    partition_producer_state s;
    auto v = s.check(batch(-1, -1, -1, 3));
    EXPECT_TRUE(v.ok());
    EXPECT_FALSE(v.duplicate);
    s.record(batch(-1, -1, -1, 3), offset(0), timestamp_ms(-1));
    EXPECT_TRUE(s.empty());
}

TEST(producer_state, in_order_batches_are_accepted) {
    partition_producer_state s;
    EXPECT_TRUE(append(s, batch(7, 0, 0, 3), 0).ok());
    EXPECT_TRUE(append(s, batch(7, 0, 3, 2), 3).ok());
    EXPECT_TRUE(append(s, batch(7, 0, 5, 1), 5).ok());
    const auto& e = s.producers().at(producer_id(7));
    ASSERT_EQ(e.batches.size(), 3u);
    EXPECT_EQ(e.batches.back().first_seq, 5);
    EXPECT_EQ(e.batches.back().first_offset, offset(5));
}

TEST(producer_state, resent_batch_is_a_duplicate_with_its_original_offsets) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(7, 0, 0, 3), 100).ok());
    ASSERT_TRUE(append(s, batch(7, 0, 3, 2), 103).ok());
    auto v = s.check(batch(7, 0, 0, 3));
    EXPECT_TRUE(v.ok());  // Kafka answers success, not DUPLICATE_SEQUENCE_NUMBER
    ASSERT_TRUE(v.duplicate);
    EXPECT_EQ(v.duplicate->first_offset, offset(100));
    EXPECT_EQ(v.duplicate->last_offset, offset(102));
    auto last = s.check(batch(7, 0, 3, 2));
    ASSERT_TRUE(last.duplicate);
    EXPECT_EQ(last.duplicate->first_offset, offset(103));
}

TEST(producer_state, only_the_last_five_batches_are_remembered) {
    partition_producer_state s;
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(append(s, batch(7, 0, i, 1), i).ok());
    EXPECT_EQ(s.producers().at(producer_id(7)).batches.size(), batches_to_retain);
    for (int i = 2; i < 7; ++i) EXPECT_TRUE(s.check(batch(7, 0, i, 1)).duplicate) << i;
    // Batches 0 and 1 fell out of the window: no longer a duplicate, and out of order.
    auto old = s.check(batch(7, 0, 1, 1));
    EXPECT_FALSE(old.duplicate);
    EXPECT_EQ(old.error, error_code::out_of_order_sequence_number);
}

TEST(producer_state, a_gap_is_out_of_order) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(7, 0, 0, 3), 0).ok());
    EXPECT_EQ(s.check(batch(7, 0, 4, 1)).error, error_code::out_of_order_sequence_number);
    // Overlapping but not identical to a retained batch: also out of order.
    EXPECT_EQ(s.check(batch(7, 0, 1, 3)).error, error_code::out_of_order_sequence_number);
}

TEST(producer_state, an_older_epoch_is_fenced) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(7, 2, 0, 1), 0).ok());
    EXPECT_EQ(s.check(batch(7, 1, 1, 1)).error, error_code::invalid_producer_epoch);
    // Even a resend of a batch the old epoch wrote is refused.
    EXPECT_EQ(s.check(batch(7, 1, 0, 1)).error, error_code::invalid_producer_epoch);
}

TEST(producer_state, a_new_epoch_starts_at_sequence_zero) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(7, 0, 0, 5), 0).ok());
    EXPECT_EQ(s.check(batch(7, 1, 5, 1)).error, error_code::out_of_order_sequence_number);
    ASSERT_TRUE(append(s, batch(7, 1, 0, 1), 5).ok());
    const auto& e = s.producers().at(producer_id(7));
    EXPECT_EQ(e.epoch, producer_epoch(1));
    EXPECT_EQ(e.batches.size(), 1u);  // the old epoch's batches are dropped
    EXPECT_EQ(s.check(batch(7, 0, 5, 1)).error, error_code::invalid_producer_epoch);
}

TEST(producer_state, unknown_producer_must_start_at_zero) {
    partition_producer_state s;
    EXPECT_EQ(s.check(batch(9, 0, 4, 1)).error, error_code::unknown_producer_id);
    EXPECT_TRUE(s.check(batch(9, 0, 0, 1)).ok());
}

TEST(producer_state, producers_are_independent) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(1, 0, 0, 1), 0).ok());
    ASSERT_TRUE(append(s, batch(2, 0, 0, 1), 1).ok());
    ASSERT_TRUE(append(s, batch(1, 0, 1, 1), 2).ok());
    EXPECT_EQ(s.check(batch(2, 0, 2, 1)).error, error_code::out_of_order_sequence_number);
    EXPECT_TRUE(s.check(batch(2, 0, 1, 1)).ok());
}

TEST(producer_state, sequences_wrap_after_int32_max) {
    constexpr int32_t max = std::numeric_limits<int32_t>::max();
    EXPECT_EQ(next_sequence(max), 0);
    EXPECT_EQ(last_sequence(batch(1, 0, max - 1, 3)), 0);
    partition_producer_state s;
    s.record(batch(1, 0, max - 1, 2), offset(0), timestamp_ms(-1));  // as if replayed
    EXPECT_TRUE(s.check(batch(1, 0, 0, 1)).ok());
}

TEST(producer_state, snapshot_round_trip) {
    partition_producer_state s;
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(append(s, batch(7, 0, i * 2, 2), 10 + i * 2).ok());
    ASSERT_TRUE(append(s, batch(8, 3, 0, 1), 30).ok());
    s.record(batch(9, 0, 0, 1), offset(31), timestamp_ms(1234));
    bytes data = s.encode_snapshot();
    // 10 header + 3 producers * 31 + (5 + 1 + 1) batches * 32
    EXPECT_EQ(data.size(), 10u + 3 * 31 + 7 * 32);
    auto back = partition_producer_state::decode_snapshot(data);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->producers(), s.producers());
    EXPECT_TRUE(back->check(batch(7, 0, 10, 2)).duplicate);
    EXPECT_EQ(back->check(batch(9, 0, 0, 1)).duplicate->timestamp, timestamp_ms(1234));
}

TEST(producer_state, worked_example_size_in_the_header) {
    partition_producer_state s;
    s.record(batch(7, 0, 0, 3), offset(10), timestamp_ms(-1));
    EXPECT_EQ(s.encode_snapshot().size(), 73u);
}

TEST(producer_state, version_1_snapshots_are_still_read) {
    // One producer (7, epoch 0), one batch 0..2 at 10..12: the v1 layout.
    byte_writer w;
    w.write_i16(1);
    w.write_u32(0);
    w.write_i32(1);
    w.write_i64(7);
    w.write_i16(0);
    w.write_i64(-1);
    w.write_i8(1);
    for (int64_t v : {0, 2}) w.write_i32(static_cast<int32_t>(v));
    for (int64_t v : {10, 12, -1}) w.write_i64(v);
    bytes data = w.release();
    uint32_t crc = crc32c(bytes_view(data).subspan(6));
    for (int i = 0; i < 4; ++i) data[2 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    auto back = partition_producer_state::decode_snapshot(data);
    ASSERT_TRUE(back) << back.error().message;
    const auto& e = back->producers().at(producer_id(7));
    EXPECT_EQ(e.batches.size(), 1u);
    EXPECT_EQ(e.coordinator_epoch, -1);
    EXPECT_FALSE(e.current_txn_first_offset);
    EXPECT_TRUE(back->check(batch(7, 0, 0, 3)).duplicate);
}

TEST(producer_state, idle_producers_expire) {
    partition_producer_state s;
    auto old = batch(1, 0, 0, 1);
    old.max_timestamp = 1'000;
    auto fresh = batch(2, 0, 0, 1);
    fresh.max_timestamp = 90'000;
    s.record(old, offset(0), timestamp_ms(-1));
    s.record(fresh, offset(1), timestamp_ms(-1));
    s.mark_clean();
    EXPECT_EQ(s.expire(timestamp_ms(100'000), 50'000), 1u);
    EXPECT_TRUE(s.dirty());
    EXPECT_FALSE(s.producers().contains(producer_id(1)));
    EXPECT_TRUE(s.producers().contains(producer_id(2)));
    // It comes back mid-sequence: Kafka's answer for a forgotten producer.
    EXPECT_EQ(s.check(batch(1, 0, 1, 1)).error, error_code::unknown_producer_id);
}

TEST(producer_state, damaged_snapshots_are_refused) {
    partition_producer_state s;
    s.record(batch(7, 0, 0, 3), offset(10), timestamp_ms(-1));
    bytes good = s.encode_snapshot();
    bytes flipped = good;
    flipped.back() ^= 1;
    EXPECT_FALSE(partition_producer_state::decode_snapshot(flipped));
    bytes cut(good.begin(), good.end() - 1);
    EXPECT_FALSE(partition_producer_state::decode_snapshot(cut));
    EXPECT_FALSE(partition_producer_state::decode_snapshot(bytes{0, 1, 2}));
    bytes version = good;
    version[1] = 9;
    EXPECT_FALSE(partition_producer_state::decode_snapshot(version));
}

TEST(producer_state, snapshot_file_names) {
    EXPECT_EQ(snapshot_file_name(offset(1542)), "00000000000000001542.snapshot");
    EXPECT_EQ(parse_snapshot_file_name("00000000000000001542.snapshot"), offset(1542));
    EXPECT_FALSE(parse_snapshot_file_name("00000000000000001542.log"));
    EXPECT_FALSE(parse_snapshot_file_name("0000000000000000154x.snapshot"));
    EXPECT_FALSE(parse_snapshot_file_name("1542.snapshot"));
}

}  // namespace
}  // namespace samsa::broker::producer

// --- transactions (Kafka's ProducerAppendInfo) -----------------------------

namespace samsa::broker::producer {
namespace {

record_batch_header txn_batch(int64_t pid, int16_t epoch, int32_t first_seq, int32_t records) {
    auto h = batch(pid, epoch, first_seq, records);
    h.attributes = 0x10;
    return h;
}

TEST(producer_state_txn, a_transactional_batch_opens_a_transaction_the_marker_closes) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, batch(1, 0, 0, 2), 0).ok());  // a plain idempotent producer
    ASSERT_TRUE(append(s, txn_batch(7, 0, 0, 3), 2).ok());
    ASSERT_TRUE(append(s, txn_batch(7, 0, 3, 1), 5).ok());
    EXPECT_EQ(s.first_unstable_offset(), offset(2));
    auto done = s.record_marker(producer_id(7), producer_epoch(0), 0, offset(6), timestamp_ms(1));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->first_offset, offset(2));
    EXPECT_EQ(done->last_offset, offset(6));
    EXPECT_FALSE(s.first_unstable_offset());
    // A marker for a producer without an open transaction closes nothing.
    EXPECT_FALSE(s.record_marker(producer_id(7), producer_epoch(0), 0, offset(7), timestamp_ms(1)));
}

TEST(producer_state_txn, the_lso_is_the_oldest_open_transaction) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, txn_batch(7, 0, 0, 1), 10).ok());
    ASSERT_TRUE(append(s, txn_batch(8, 0, 0, 1), 11).ok());
    EXPECT_EQ(s.first_unstable_offset(), offset(10));
    s.record_marker(producer_id(7), producer_epoch(0), 0, offset(12), timestamp_ms(1));
    EXPECT_EQ(s.first_unstable_offset(), offset(11));
}

TEST(producer_state_txn, a_plain_batch_inside_an_open_transaction_is_refused) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, txn_batch(7, 0, 0, 1), 0).ok());
    EXPECT_EQ(s.check(batch(7, 0, 1, 1)).error, error_code::invalid_txn_state);
}

TEST(producer_state_txn, markers_with_older_epochs_are_refused_newer_ones_fence) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, txn_batch(7, 2, 0, 1), 0).ok());
    EXPECT_EQ(s.check_marker(producer_id(7), producer_epoch(1), 0).error, error_code::invalid_producer_epoch);
    EXPECT_TRUE(s.check_marker(producer_id(7), producer_epoch(3), 0).ok());
    // The coordinator's fencing abort: epoch 3 from now on.
    s.record_marker(producer_id(7), producer_epoch(3), 0, offset(1), timestamp_ms(1));
    EXPECT_EQ(s.check(txn_batch(7, 2, 1, 1)).error, error_code::invalid_producer_epoch);
    EXPECT_EQ(s.check(txn_batch(7, 3, 5, 1)).error, error_code::out_of_order_sequence_number);
    EXPECT_TRUE(s.check(txn_batch(7, 3, 0, 1)).ok());
    // A marker from an older coordinator epoch.
    s.record_marker(producer_id(7), producer_epoch(3), 5, offset(2), timestamp_ms(1));
    EXPECT_EQ(s.check_marker(producer_id(7), producer_epoch(3), 4).error, error_code::transaction_coordinator_fenced);
}

TEST(producer_state_txn, open_transactions_survive_the_snapshot_and_never_expire) {
    partition_producer_state s;
    ASSERT_TRUE(append(s, txn_batch(7, 0, 0, 2), 4).ok());
    s.record_marker(producer_id(9), producer_epoch(1), 3, offset(6), timestamp_ms(1));  // no batch, epoch only
    auto back = partition_producer_state::decode_snapshot(s.encode_snapshot());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->producers(), s.producers());
    EXPECT_EQ(back->first_unstable_offset(), offset(4));
    EXPECT_EQ(back->producers().at(producer_id(9)).coordinator_epoch, 3);
    EXPECT_EQ(back->expire(timestamp_ms(INT64_MAX / 2), 1), 1u);  // producer 9 only
    EXPECT_EQ(back->first_unstable_offset(), offset(4));
}

}  // namespace
}  // namespace samsa::broker::producer
