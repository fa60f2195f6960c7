#include "data_file_targets.h"

#include <string>
#include <vector>

#include "samsa/broker/producer/producer_state.h"
#include "samsa/bytes/crc32c.h"
#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/offset_index.h"
#include "samsa/storage/time_index.h"
#include "samsa/storage/transaction_index.h"
#include "scratch_dir.h"

namespace samsa::fuzz {

namespace {

using broker::producer::partition_producer_state;

// --- producer snapshots ------------------------------------------------------

// The oldest open transaction of any producer: what first_unstable_offset()
// must say for the state to bound the last stable offset correctly.
std::optional<offset> oldest_open_transaction(const partition_producer_state& state) {
    std::optional<offset> oldest;
    for (const auto& [id, entry] : state.producers()) {
        const auto& first = entry.current_txn_first_offset;
        if (first && (!oldest || *first < *oldest)) oldest = first;
    }
    return oldest;
}

bool transactions_consistent(const partition_producer_state& state) {
    return state.first_unstable_offset() == oldest_open_transaction(state);
}

// What the partition does with a loaded state: a transactional batch from
// each producer (checked, then recorded when accepted), then a marker
// closing each producer's transaction, checking the LSO bound after each.
bool exercise_snapshot_state(partition_producer_state state) {
    std::vector<producer_id> ids;
    for (const auto& [id, entry] : state.producers()) ids.push_back(id);
    offset next(1'000'000);
    for (producer_id id : ids) {
        const auto& entry = state.producers().at(id);
        record::record_batch_header batch;
        batch.producer_id = id();
        batch.producer_epoch = entry.epoch();
        batch.base_sequence = broker::producer::next_sequence(entry.batches.empty() ? -1 : entry.batches.back().last_seq);
        batch.last_offset_delta = 2;
        batch.attributes = 0x10;  // transactional
        batch.base_offset = next();
        if (state.check(batch).ok()) state.record(batch, next, timestamp_ms(1000));
        next = offset(next() + 3);
        if (!transactions_consistent(state)) return false;
    }
    for (producer_id id : ids) {
        const auto& entry = state.producers().at(id);
        const producer_epoch epoch = entry.epoch;
        const int32_t coordinator_epoch = entry.coordinator_epoch;
        if (state.check_marker(id, epoch, coordinator_epoch).ok())
            (void)state.record_marker(id, epoch, coordinator_epoch, next, timestamp_ms(2000));
        next = offset(next() + 1);
        if (!transactions_consistent(state)) return false;
    }
    (void)state.expire(timestamp_ms(1'700'000'000'000), 1000);
    return transactions_consistent(state);
}

bool snapshot_checks(bytes_view in) {
    auto state = partition_producer_state::decode_snapshot(in);
    if (!state) return true;
    if (!transactions_consistent(*state)) return false;
    bytes once = state->encode_snapshot();
    auto again = partition_producer_state::decode_snapshot(once);
    if (!again || again->producers() != state->producers() || again->encode_snapshot() != once) return false;
    return exercise_snapshot_state(std::move(*state));
}

bytes with_correct_snapshot_crc(bytes_view in) {
    bytes out(in.begin(), in.end());
    if (out.size() < 6) return out;
    uint32_t crc = crc32c(bytes_view(out).subspan(6));
    for (int i = 0; i < 4; ++i) out[2 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    return out;
}

// --- index files ---------------------------------------------------------------

constexpr int64_t segment_base = 100;

bool offset_index_checks(bytes_view in) {
    auto path = write_scratch_file("00000000000000000100.index", in);
    bool existed = false;
    auto index = storage::offset_index::open(path, offset(segment_base), existed);
    if (!index || !index->load()) return true;
    if (index->entry_count() != in.size() / storage::offset_index::entry_size) return false;
    if (index->lookup(offset(segment_base - 1))) return false;
    if (auto last = index->last_entry()) {
        auto found = index->lookup(last->off);
        if (!found || found->off != last->off || found->position != last->position) return false;
        (void)index->lookup(offset(segment_base));
        (void)index->truncate_to_position(last->position);
        (void)index->truncate_to_offset(offset(segment_base + 1));
    }
    return true;
}

bool time_index_checks(bytes_view in) {
    auto path = write_scratch_file("00000000000000000100.timeindex", in);
    bool existed = false;
    auto index = storage::time_index::open(path, offset(segment_base), existed);
    if (!index || !index->load()) return true;
    if (index->entry_count() != in.size() / storage::time_index::entry_size) return false;
    if (auto last = index->last_entry()) {
        if (last->last_offset < offset(segment_base)) return false;
        // The last entry is the one before any later time (none is later
        // than INT64_MAX).
        if (last->timestamp() < INT64_MAX) {
            auto before = index->last_before(timestamp_ms(last->timestamp() + 1));
            if (!before || before->timestamp != last->timestamp) return false;
        }
        (void)index->last_before(timestamp_ms(INT64_MIN));
        (void)index->truncate_to_offset(offset(segment_base + 1));
    }
    return true;
}

bool transaction_index_checks(bytes_view in) {
    auto path = write_scratch_file("00000000000000000100.txnindex", in);
    storage::transaction_index index(path);
    if (!index.load()) return true;
    auto all = index.all();
    if (!all || all->size() != in.size() / storage::transaction_index::entry_size) return false;
    (void)index.collect(offset(0), offset(INT64_MAX));
    (void)index.collect(offset(segment_base), offset(segment_base + 10));
    (void)index.truncate_to(offset(segment_base + 1));
    return true;
}

// --- checkpoint files ------------------------------------------------------------

bool checkpoint_round_trips(std::string_view text) {
    auto entries = storage::parse_checkpoint(text);
    if (!entries) return true;
    auto again = storage::parse_checkpoint(storage::format_checkpoint(*entries));
    return again && *again == *entries;
}

}  // namespace

bool producer_snapshot(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    bool ok = snapshot_checks(in);
    bytes fixed = with_correct_snapshot_crc(in);
    return snapshot_checks(fixed) && ok;
}

bool index_file(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    bool ok = offset_index_checks(in);
    ok = time_index_checks(in) && ok;
    return transaction_index_checks(in) && ok;
}

bool checkpoint_file(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    bool ok = checkpoint_round_trips(text);
    auto path = write_scratch_file(storage::recovery_point_checkpoint_file, bytes_view(data, size));
    auto read = storage::read_checkpoint(path);
    auto parsed = storage::parse_checkpoint(text);
    // The file reader is the parser behind a read: they agree.
    if (read.has_value() != parsed.has_value() || (read && *read != *parsed)) ok = false;
    return ok;
}

}  // namespace samsa::fuzz
