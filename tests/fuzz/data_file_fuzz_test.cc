// The data-directory fuzz targets (fuzz/data_file_targets.h) over their
// corpora: producer-state snapshots, segment index files and offset
// checkpoint files. Seeds are written by the real writers (encode_snapshot,
// the indexes' flush, format_checkpoint); the broken ones are cut, carry a
// wrong CRC or count, or break an ordering rule.

#include <gtest/gtest.h>

#include "data_file_targets.h"
#include "samsa/broker/producer/producer_state.h"
#include "samsa/bytes/crc32c.h"
#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/offset_index.h"
#include "samsa/storage/time_index.h"
#include "samsa/storage/transaction_index.h"
#include "scratch_dir.h"
#include "tests/fuzz/corpus_runner.h"

namespace samsa::fuzz {
namespace {

using broker::producer::partition_producer_state;
using testing::named_input;

record::record_batch_header batch_of(int64_t producer, int16_t epoch, int32_t first_seq, bool transactional) {
    record::record_batch_header b;
    b.producer_id = producer;
    b.producer_epoch = epoch;
    b.base_sequence = first_seq;
    b.last_offset_delta = 2;
    b.max_timestamp = 1'700'000'000'000;
    if (transactional) b.attributes = 0x10;
    return b;
}

partition_producer_state producers_with_batches(int producers, bool open_transactions) {
    partition_producer_state state;
    int64_t next = 0;
    for (int p = 0; p < producers; ++p) {
        for (int32_t seq = 0; seq < 7 * 3; seq += 3) {
            state.record(batch_of(1000 + p, 2, seq, open_transactions), offset(next), timestamp_ms(1000 + next));
            next += 3;
        }
    }
    return state;
}

// A version 1 snapshot (no coordinator epoch, no open transaction), as
// Samsa wrote before transactions: one producer, one batch.
void fix_snapshot_crc(bytes& snapshot) {
    uint32_t crc = crc32c(bytes_view(snapshot).subspan(6));
    for (int i = 0; i < 4; ++i) snapshot[2 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}

bytes snapshot_v1() {
    bytes out;
    auto put = [&](int64_t v, int width) {
        for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
    };
    put(1, 2);                               // version
    put(0, 4);                               // crc, fixed below
    put(1, 4);                               // producers
    put(7, 8), put(0, 2), put(1000, 8);      // id, epoch, last timestamp
    put(1, 1);                               // batches
    put(0, 4), put(2, 4);                    // sequences
    put(10, 8), put(12, 8), put(1000, 8);    // offsets, timestamp
    fix_snapshot_crc(out);
    return out;
}

std::vector<named_input> snapshot_seeds() {
    std::vector<named_input> out;
    out.emplace_back("valid-empty", partition_producer_state{}.encode_snapshot());
    out.emplace_back("valid-one-producer", producers_with_batches(1, false).encode_snapshot());
    out.emplace_back("valid-open-transactions", producers_with_batches(3, true).encode_snapshot());
    out.emplace_back("valid-v1", snapshot_v1());
    bytes bad_crc = producers_with_batches(2, false).encode_snapshot();
    bad_crc[3] ^= 0x40;
    out.emplace_back("broken-crc", bad_crc);
    bytes cut = producers_with_batches(2, true).encode_snapshot();
    cut.resize(cut.size() - 20);
    out.emplace_back("broken-cut", cut);
    return out;
}

bytes file_bytes(const std::filesystem::path& p) { return testing::read_whole(p); }

std::filesystem::path seed_dir() {
    auto dir = scratch_dir() / "seeds";
    std::filesystem::create_directories(dir);
    return dir;
}

bytes offset_index_file(int entries) {
    auto path = seed_dir() / "00000000000000000100.index";
    std::filesystem::remove(path);
    bool existed = false;
    auto index = storage::offset_index::open(path, offset(100), existed);
    EXPECT_TRUE(index && index->load());
    for (int i = 0; i < entries; ++i) index->append(offset(100 + 10 * i + 9), static_cast<uint32_t>(4096 * i + 1));
    EXPECT_TRUE(index->flush(false));
    return file_bytes(path);
}

bytes time_index_file(int entries) {
    auto path = seed_dir() / "00000000000000000100.timeindex";
    std::filesystem::remove(path);
    bool existed = false;
    auto index = storage::time_index::open(path, offset(100), existed);
    EXPECT_TRUE(index && index->load());
    for (int i = 0; i < entries; ++i) index->maybe_append(timestamp_ms(1'700'000'000'000 + 50 * i), offset(100 + 10 * i + 9));
    EXPECT_TRUE(index->flush(false));
    return file_bytes(path);
}

bytes transaction_index_file(int entries) {
    std::vector<storage::aborted_txn> txns;
    for (int i = 0; i < entries; ++i) {
        txns.push_back({producer_id(7 + i), offset(100 * i), offset(100 * i + 50), offset(100 * i + 51)});
    }
    return storage::transaction_index::serialize(txns);
}

std::vector<named_input> index_seeds() {
    std::vector<named_input> out;
    out.emplace_back("valid-empty", bytes{});
    for (int n : {1, 3, 12}) {
        out.emplace_back("valid-offset-index-" + std::to_string(n), offset_index_file(n));
        out.emplace_back("valid-time-index-" + std::to_string(n), time_index_file(n));
        out.emplace_back("valid-txn-index-" + std::to_string(n), transaction_index_file(n));
    }
    bytes unordered = offset_index_file(3);
    std::swap_ranges(unordered.begin(), unordered.begin() + 8, unordered.begin() + 8);
    out.emplace_back("broken-offset-index-unordered", unordered);
    bytes partial = time_index_file(2);
    partial.pop_back();
    out.emplace_back("broken-time-index-partial-entry", partial);
    return out;
}

std::vector<named_input> checkpoint_seeds() {
    std::vector<named_input> out;
    out.emplace_back("valid-empty", to_bytes(storage::format_checkpoint({})));
    out.emplace_back("valid-two", to_bytes(storage::format_checkpoint(
                                       {{"orders", partition_id(0), offset(1542)}, {"orders", partition_id(1), offset(1377)}})));
    out.emplace_back("valid-internal-topics",
                     to_bytes(storage::format_checkpoint({{"__consumer_offsets", partition_id(49), offset(0)},
                                                          {"__transaction_state", partition_id(3), offset(77)}})));
    out.emplace_back("broken-count", to_bytes("0\n3\norders 0 1\n"));
    out.emplace_back("broken-version", to_bytes("1\n0\n"));
    out.emplace_back("broken-offset", to_bytes("0\n1\norders 0 99999999999999999999\n"));
    out.emplace_back("broken-no-newline", to_bytes("0\n1\norders 0"));
    return out;
}

TEST(data_file_fuzz_corpus, valid_seeds_load) {
    for (const auto& [name, data] : snapshot_seeds()) {
        if (name.starts_with("valid-")) {
            EXPECT_TRUE(partition_producer_state::decode_snapshot(data)) << name;
        }
    }
    for (const auto& [name, data] : checkpoint_seeds()) {
        if (name.starts_with("valid-")) {
            EXPECT_TRUE(storage::parse_checkpoint(as_chars(data))) << name;
        }
    }
    EXPECT_EQ(offset_index_file(3).size(), 3 * storage::offset_index::entry_size);
    EXPECT_EQ(time_index_file(3).size(), 3 * storage::time_index::entry_size);
}

// Two producers with open transactions, each with five batches: the second
// producer's entry starts at byte 10 + 31 + 5 * 32 = 201; its id is the
// entry's first 8 bytes, its open transaction's first offset bytes 22..29.
constexpr size_t second_producer = 201;

bytes two_open_transactions_patched(size_t at, size_t from) {
    bytes snapshot = producers_with_batches(2, true).encode_snapshot();
    std::copy_n(snapshot.begin() + static_cast<ptrdiff_t>(from), 8, snapshot.begin() + static_cast<ptrdiff_t>(at));
    fix_snapshot_crc(snapshot);
    return snapshot;
}

// Found by producer_snapshot_fuzz (corpus crash-duplicate-producer-id): a
// snapshot listing one producer id twice, with a correct CRC, loaded with
// the first entry's open transaction left in the LSO bound, which no marker
// could close any more (the last stable offset stuck for good). A damaged
// file is refused; the manager then falls back to an older snapshot.
TEST(data_file_fuzz_corpus, snapshot_with_a_producer_twice_is_corrupt) {
    ASSERT_TRUE(partition_producer_state::decode_snapshot(producers_with_batches(2, true).encode_snapshot()));
    auto twice = partition_producer_state::decode_snapshot(two_open_transactions_patched(second_producer, 10));
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, errc::corrupt);
    bytes found = testing::read_whole(testing::corpus_dir("producer_snapshot_fuzz") / "crash-duplicate-producer-id");
    ASSERT_FALSE(found.empty());
    EXPECT_FALSE(partition_producer_state::decode_snapshot(found));
    EXPECT_TRUE(producer_snapshot(found.data(), found.size()));
}

// The same for two producers whose transactions open at one offset: one
// entry of the LSO bound for two transactions.
TEST(data_file_fuzz_corpus, snapshot_with_two_transactions_at_one_offset_is_corrupt) {
    auto shared = partition_producer_state::decode_snapshot(two_open_transactions_patched(second_producer + 22, 10 + 22));
    ASSERT_FALSE(shared);
    EXPECT_EQ(shared.error().code, errc::corrupt);
}

TEST(data_file_fuzz_corpus, producer_snapshot_survives_its_corpus) {
    testing::check_corpus("producer_snapshot_fuzz", producer_snapshot, snapshot_seeds(), 4000, 1603);
}

TEST(data_file_fuzz_corpus, index_file_survives_its_corpus) {
    testing::check_corpus("index_file_fuzz", index_file, index_seeds(), 2000, 1604);
}

TEST(data_file_fuzz_corpus, checkpoint_file_survives_its_corpus) {
    testing::check_corpus("checkpoint_file_fuzz", checkpoint_file, checkpoint_seeds(), 4000, 1605);
}

}  // namespace
}  // namespace samsa::fuzz
