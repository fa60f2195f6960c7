// Loading producer state from snapshots plus a real partition log, the
// snapshot files' life cycle and the id manager's persistence (durable
// acks' group commit: durable_acks_test.cc).
#include "samsa/broker/producer/producer_state_manager.h"

#include <cstdlib>
#include <fcntl.h>
#include <future>

#include <gtest/gtest.h>

#include "samsa/broker/producer/producer_id_manager.h"
#include "samsa/record/control_record.h"
#include "samsa/record/records.h"
#include "samsa/storage/file.h"
#include "tests/storage/storage_test_util.h"

namespace samsa::broker::producer {
namespace {

using storage::testing::temp_dir;

bytes idempotent_batch(int64_t pid, int16_t epoch, int32_t first_seq, int records) {
    record::record_batch_builder b;
    b.producer({producer_id(pid), producer_epoch(epoch), first_seq});
    for (int i = 0; i < records; ++i) b.add("k", "v" + std::to_string(first_seq + i), timestamp_ms(1000));
    return b.build();
}

bytes plain_batch() {
    record::record_batch_builder b;
    b.add("k", "plain", timestamp_ms(1000));
    return b.build();
}

class producer_state_manager_test : public ::testing::Test {
protected:
    std::unique_ptr<storage::partition_log> open_log() {
        auto log = storage::partition_log::open(dir.path() / "orders-0", storage::log_config{});
        EXPECT_TRUE(log) << log.error().message;
        return std::move(*log);
    }
    // Appends like Produce does: check, append, record.
    void produce(storage::partition_log& log, partition_producer_state& state, bytes batch) {
        auto h = record::read_batch_header(batch);
        ASSERT_TRUE(h);
        auto v = state.check(*h);
        ASSERT_TRUE(v.ok() && !v.duplicate) << v.message;
        auto appended = log.append(batch, timestamp_ms(1000));
        ASSERT_TRUE(appended) << appended.error().message;
        state.record(*h, appended->base_offset, appended->log_append_time);
    }
    std::vector<std::string> snapshots(const storage::partition_log& log) {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(log.dir())) {
            if (e.path().extension() == ".snapshot") names.push_back(e.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    temp_dir dir;
};

TEST_F(producer_state_manager_test, replays_the_whole_log_without_a_snapshot) {
    auto log = open_log();
    partition_producer_state live;
    produce(*log, live, idempotent_batch(7, 0, 0, 3));
    produce(*log, live, plain_batch());
    produce(*log, live, idempotent_batch(7, 0, 3, 2));
    produce(*log, live, idempotent_batch(8, 0, 0, 1));

    load_summary summary;
    auto loaded = producer_state_manager::load(*log, &summary);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_FALSE(summary.snapshot);
    EXPECT_EQ(summary.batches_replayed, 4);  // the plain one is read too
    EXPECT_EQ(loaded->producers(), live.producers());
    auto dup = loaded->check(*record::read_batch_header(idempotent_batch(7, 0, 3, 2)));
    ASSERT_TRUE(dup.duplicate);
    EXPECT_EQ(dup.duplicate->first_offset, offset(4));
}

TEST_F(producer_state_manager_test, snapshot_then_replay_of_the_tail) {
    auto log = open_log();
    partition_producer_state live;
    produce(*log, live, idempotent_batch(7, 0, 0, 3));
    ASSERT_TRUE(producer_state_manager::write_snapshot(live, *log));
    EXPECT_EQ(snapshots(*log), std::vector<std::string>{"00000000000000000003.snapshot"});
    // Written after the snapshot, as before a SIGKILL.
    produce(*log, live, idempotent_batch(7, 0, 3, 1));
    produce(*log, live, idempotent_batch(9, 0, 0, 2));

    load_summary summary;
    auto loaded = producer_state_manager::load(*log, &summary);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(summary.snapshot, offset(3));
    EXPECT_EQ(summary.batches_replayed, 2);
    EXPECT_EQ(loaded->producers(), live.producers());
}

TEST_F(producer_state_manager_test, state_survives_reopening_the_log) {
    partition_producer_state live;
    {
        auto log = open_log();
        produce(*log, live, idempotent_batch(7, 0, 0, 3));
        ASSERT_TRUE(producer_state_manager::write_snapshot(live, *log));
        ASSERT_TRUE(log->close());
    }
    auto log = open_log();
    load_summary summary;
    auto loaded = producer_state_manager::load(*log, &summary);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(summary.batches_replayed, 0);
    EXPECT_FALSE(loaded->dirty());
    EXPECT_TRUE(loaded->check(*record::read_batch_header(idempotent_batch(7, 0, 3, 1))).ok());
    EXPECT_EQ(loaded->check(*record::read_batch_header(idempotent_batch(7, 0, 5, 1))).error,
              protocol::error_code::out_of_order_sequence_number);
}

TEST_F(producer_state_manager_test, snapshots_above_the_log_end_and_damaged_ones_are_dropped) {
    auto log = open_log();
    partition_producer_state live;
    produce(*log, live, idempotent_batch(7, 0, 0, 3));
    ASSERT_TRUE(producer_state_manager::write_snapshot(live, *log));  // at 3
    // A snapshot from a log that was longer before recovery truncated it.
    partition_producer_state future;
    future.record(*record::read_batch_header(idempotent_batch(7, 0, 0, 50)), offset(0), timestamp_ms(-1));
    bytes data = future.encode_snapshot();
    ASSERT_TRUE(storage::write_file_atomically(log->dir() / snapshot_file_name(offset(50)),
                                               std::string(data.begin(), data.end())));
    ASSERT_TRUE(storage::write_file_atomically(log->dir() / snapshot_file_name(offset(2)), "garbage"));

    load_summary summary;
    auto loaded = producer_state_manager::load(*log, &summary);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(summary.snapshot, offset(3));
    EXPECT_EQ(loaded->producers(), live.producers());
    // The one above the log end is gone; the older garbage was never needed.
    EXPECT_EQ(snapshots(*log),
              (std::vector<std::string>{"00000000000000000002.snapshot", "00000000000000000003.snapshot"}));
}

TEST_F(producer_state_manager_test, keeps_the_two_newest_snapshots) {
    auto log = open_log();
    partition_producer_state live;
    for (int i = 0; i < 4; ++i) {
        produce(*log, live, idempotent_batch(7, 0, i, 1));
        ASSERT_TRUE(producer_state_manager::write_snapshot(live, *log));
    }
    EXPECT_EQ(snapshots(*log),
              (std::vector<std::string>{"00000000000000000003.snapshot", "00000000000000000004.snapshot"}));
}

TEST_F(producer_state_manager_test, state_for_reloads_a_recreated_topic) {
    auto log = open_log();
    producer_state_manager manager;
    samsa::uuid first{};
    auto s1 = manager.state_for("orders", partition_id(0), first, *log);
    ASSERT_TRUE(s1);
    produce(*log, **s1, idempotent_batch(7, 0, 0, 1));
    EXPECT_EQ(*manager.state_for("orders", partition_id(0), first, *log), *s1);
    // Snapshot only what the lookup still knows.
    manager.snapshot_all([&](std::string_view, partition_id, const samsa::uuid&) { return log.get(); });
    EXPECT_EQ(snapshots(*log), std::vector<std::string>{"00000000000000000001.snapshot"});
    manager.snapshot_all([](std::string_view, partition_id, const samsa::uuid&) { return nullptr; });
    auto again = manager.state_for("orders", partition_id(0), first, *log);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->producers().size(), 1u);  // reloaded from the snapshot
}

TEST_F(producer_state_manager_test, replay_closes_transactions_at_their_markers_and_restores_lost_index_entries) {
    auto log = open_log();
    partition_producer_state state;
    auto txn_batch = [](int64_t pid, int32_t seq) {
        record::record_batch_builder b;
        b.producer({producer_id(pid), producer_epoch(0), seq, /*transactional=*/true});
        b.add("k", "v", timestamp_ms(1000));
        return b.build();
    };
    produce(*log, state, txn_batch(7, 0));  // offset 0: aborted below
    produce(*log, state, txn_batch(8, 0));  // offset 1: left open
    auto marker = record::build_end_txn_marker_batch(producer_id(7), producer_epoch(0),
                                                       {record::control_type::abort, 0}, timestamp_ms(1000));
    // The marker lands, but the broker dies before its .txnindex entry.
    ASSERT_TRUE(log->append(marker, timestamp_ms(1000)));
    auto none = log->collect_aborted_txns(offset(0), offset(3));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());

    load_summary summary;
    auto loaded = producer_state_manager::load(*log, &summary);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->first_unstable_offset(), offset(1));  // producer 8's
    auto found = log->collect_aborted_txns(offset(0), offset(3));
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0], (storage::aborted_txn{producer_id(7), offset(0), offset(2), offset(1)}));
    // Loading again adds nothing twice.
    ASSERT_TRUE(producer_state_manager::load(*log));
    EXPECT_EQ(log->collect_aborted_txns(offset(0), offset(3))->size(), 1u);
}

// A damaged .txnindex (here: a torn last entry, then a wrong version) is
// neither trusted nor read as empty: loading the log removes it and loading
// the producer state rebuilds its entries from the markers, replaying from
// before the damaged segment even when a newer snapshot exists.
TEST_F(producer_state_manager_test, a_damaged_transaction_index_is_rebuilt_from_the_markers) {
    auto txn_batch = [](int64_t pid, int32_t seq) {
        record::record_batch_builder b;
        b.producer({producer_id(pid), producer_epoch(0), seq, /*transactional=*/true});
        b.add("k", "v", timestamp_ms(1000));
        return b.build();
    };
    auto abort_marker = [](int64_t pid) {
        return record::build_end_txn_marker_batch(producer_id(pid), producer_epoch(0),
                                                    {record::control_type::abort, 0}, timestamp_ms(1000));
    };
    std::vector<storage::aborted_txn> written;
    for (int damage = 0; damage < 2; ++damage) {
        SCOPED_TRACE(damage == 0 ? "torn entry" : "bad version");
        std::filesystem::remove_all(dir.path() / "orders-0");
        {
            auto log = open_log();
            partition_producer_state live;
            produce(*log, live, txn_batch(7, 0));  // 0: aborted at 3
            produce(*log, live, txn_batch(8, 0));  // 1: aborted at 4
            produce(*log, live, txn_batch(7, 1));  // 2
            for (int64_t pid : {7, 8}) {
                auto marker = abort_marker(pid);
                auto h = record::read_batch_header(marker);
                auto appended = log->append(marker, timestamp_ms(1000));
                ASSERT_TRUE(appended) << appended.error().message;
                auto done = live.record_marker(producer_id(pid), producer_epoch(0), 0, appended->base_offset,
                                               timestamp_ms(1000));
                ASSERT_TRUE(done);
                ASSERT_TRUE(log->append_aborted_txn({done->producer, done->first_offset, done->last_offset,
                                                     live.first_unstable_offset().value_or(appended->base_offset + 1)}));
                (void)h;
            }
            written = *log->collect_aborted_txns(offset(0), offset(5));
            ASSERT_EQ(written.size(), 2u);
            // A snapshot after the markers: it must not be used to rebuild them.
            ASSERT_TRUE(producer_state_manager::write_snapshot(live, *log));
            ASSERT_TRUE(log->close());
        }
        std::filesystem::path index;
        for (const auto& e : std::filesystem::directory_iterator(dir.path() / "orders-0")) {
            if (e.path().extension() == ".txnindex") index = e.path();
        }
        ASSERT_FALSE(index.empty());
        if (damage == 0) {
            std::filesystem::resize_file(index, storage::transaction_index::entry_size + 7);
        } else {
            auto f = storage::file::open(index, true);
            ASSERT_TRUE(f);
            const uint8_t version_9[2] = {0, 9};
            ASSERT_TRUE(f->pwrite_all(bytes_view(version_9, 2), storage::transaction_index::entry_size));
        }

        auto log = open_log();
        ASSERT_EQ(log->txn_index_rebuild_from(), offset(0));
        auto nothing = log->collect_aborted_txns(offset(0), offset(5));
        ASSERT_TRUE(nothing) << "a removed index reads as empty until rebuilt";
        load_summary summary;
        auto loaded = producer_state_manager::load(*log, &summary);
        ASSERT_TRUE(loaded) << loaded.error().message;
        EXPECT_FALSE(summary.snapshot.has_value()) << "the snapshot after the markers was used";
        EXPECT_FALSE(log->txn_index_rebuild_from());
        auto rebuilt = log->collect_aborted_txns(offset(0), offset(5));
        ASSERT_TRUE(rebuilt) << rebuilt.error().message;
        EXPECT_EQ(*rebuilt, written);
        ASSERT_TRUE(log->close());
        // The rebuilt file is whole: the next start finds nothing to rebuild.
        auto again = open_log();
        EXPECT_FALSE(again->txn_index_rebuild_from());
        EXPECT_EQ(*again->collect_aborted_txns(offset(0), offset(5)), written);
        ASSERT_TRUE(again->close());
    }
}

TEST(producer_id_manager_test, ids_never_repeat_across_restarts) {
    temp_dir dir;
    int64_t last = -1;
    {
        auto ids = producer_id_manager::open(dir.path());
        ASSERT_TRUE(ids);
        for (int i = 0; i < 3; ++i) {
            auto id = ids->next();
            ASSERT_TRUE(id);
            EXPECT_GT((*id)(), last);
            last = (*id)();
        }
    }
    auto ids = producer_id_manager::open(dir.path());
    ASSERT_TRUE(ids);
    auto id = ids->next();
    ASSERT_TRUE(id);
    EXPECT_GT((*id)(), last);
    EXPECT_EQ((*id)(), producer_id_manager::block_size);  // the unused rest of the block is skipped
}

TEST(producer_id_manager_test, a_damaged_file_is_an_error) {
    temp_dir dir;
    ASSERT_TRUE(storage::write_file_atomically(dir.path() / producer_id_manager::file_name, "12x\n"));
    EXPECT_FALSE(producer_id_manager::open(dir.path()));
}

}  // namespace
}  // namespace samsa::broker::producer
