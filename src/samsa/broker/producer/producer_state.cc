#include "samsa/broker/producer/producer_state.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/crc32c.h"

namespace samsa::broker::producer {

namespace {

using protocol::error_code;

constexpr int16_t snapshot_version = 2;
constexpr size_t snapshot_header_size = 10;     // version, crc, producer_count
constexpr size_t snapshot_producer_size_v1 = 19;  // id, epoch, last_timestamp, batch_count
constexpr size_t snapshot_producer_size = 31;   // + coordinator_epoch, current_txn_first
constexpr size_t snapshot_batch_size = 32;

bool in_sequence(int32_t last_seq, int32_t next_seq) { return next_sequence(last_seq) == next_seq; }

batch_verdict refuse(error_code code, std::string message) { return {code, std::move(message), std::nullopt}; }

// Kafka's appendDataBatch: an open transaction takes only transactional
// batches from its producer until its marker.
batch_verdict check_transaction(producer_id id, const producer_entry& entry, const record::record_batch_header& batch) {
    if (entry.current_txn_first_offset && !batch.transactional()) {
        return refuse(error_code::invalid_txn_state,
                      fmt::format("expected a transactional write from producer {}: its transaction from offset {} "
                                  "is still open",
                                  id(), (*entry.current_txn_first_offset)()));
    }
    return {};
}

}  // namespace

int32_t next_sequence(int32_t seq) {
    return seq == std::numeric_limits<int32_t>::max() ? 0 : seq + 1;
}

int32_t last_sequence(const record::record_batch_header& batch) {
    // Kafka's DefaultRecordBatch.incrementSequence: wraps past INT32_MAX.
    int64_t last = int64_t(batch.base_sequence) + batch.last_offset_delta;
    if (last > std::numeric_limits<int32_t>::max()) last -= int64_t(std::numeric_limits<int32_t>::max()) + 1;
    return static_cast<int32_t>(last);
}

batch_verdict partition_producer_state::check(const record::record_batch_header& batch) const {
    if (batch.producer_id < 0) return {};
    const producer_id id(batch.producer_id);
    const int16_t epoch = batch.producer_epoch;
    const int32_t first_seq = batch.base_sequence;
    auto it = producers_.find(id);
    if (it == producers_.end()) {
        if (first_seq != 0) {
            return refuse(error_code::unknown_producer_id,
                          fmt::format("found no record of producer id {} (epoch {}, first sequence {}); its "
                                      "batches may have been removed by retention",
                                      id(), epoch, first_seq));
        }
        return {};
    }
    const producer_entry& entry = it->second;
    if (epoch < entry.epoch()) {
        return refuse(error_code::invalid_producer_epoch,
                      fmt::format("producer {} epoch {} is older than the current epoch {} (fenced)", id(), epoch,
                                  entry.epoch()));
    }
    if (epoch > entry.epoch()) {
        if (first_seq != 0) {
            return refuse(error_code::out_of_order_sequence_number,
                          fmt::format("invalid sequence number for new epoch of producer {}: {} (epoch), {} "
                                      "(sequence), {} (current epoch)",
                                      id(), epoch, first_seq, entry.epoch()));
        }
        return check_transaction(id, entry, batch);
    }
    const int32_t last_seq = last_sequence(batch);
    for (const auto& b : entry.batches) {
        if (b.first_seq == first_seq && b.last_seq == last_seq) return {error_code::none, {}, b};
    }
    const int32_t current_last = entry.batches.empty() ? -1 : entry.batches.back().last_seq;
    if (!in_sequence(current_last, first_seq)) {
        return refuse(error_code::out_of_order_sequence_number,
                      fmt::format("out of order sequence number for producer {} (epoch {}): {} (incoming), {} "
                                  "(current last)",
                                  id(), epoch, first_seq, current_last));
    }
    return check_transaction(id, entry, batch);
}

void partition_producer_state::record(const record::record_batch_header& batch, offset first,
                                      timestamp_ms timestamp) {
    if (batch.producer_id < 0 || batch.control()) return;
    producer_entry& entry = producers_[producer_id(batch.producer_id)];
    if (batch.producer_epoch != entry.epoch()) {
        entry.epoch = producer_epoch(batch.producer_epoch);
        entry.batches.clear();
    }
    entry.last_timestamp = std::max(entry.last_timestamp, timestamp_ms(batch.max_timestamp));
    entry.batches.push_back({batch.base_sequence, last_sequence(batch), first,
                             offset(first() + batch.last_offset_delta), timestamp});
    while (entry.batches.size() > batches_to_retain) entry.batches.pop_front();
    if (batch.transactional() && !entry.current_txn_first_offset) {
        entry.current_txn_first_offset = first;
        ongoing_[first] = producer_id(batch.producer_id);
    }
    dirty_ = true;
}

batch_verdict partition_producer_state::check_epoch(producer_id producer, producer_epoch epoch) const {
    auto it = producers_.find(producer);
    if (it == producers_.end() || epoch >= it->second.epoch) return {};
    return refuse(error_code::invalid_producer_epoch,
                  fmt::format("producer {} epoch {} is older than the current epoch {}", producer(), epoch(),
                              it->second.epoch()));
}

batch_verdict partition_producer_state::check_marker(producer_id producer, producer_epoch epoch,
                                                     int32_t coordinator_epoch) const {
    if (auto v = check_epoch(producer, epoch); !v.ok()) return v;
    auto it = producers_.find(producer);
    if (it == producers_.end()) return {};
    if (coordinator_epoch < it->second.coordinator_epoch) {
        return refuse(error_code::transaction_coordinator_fenced,
                      fmt::format("marker of producer {} has coordinator epoch {}, older than {}", producer(),
                                  coordinator_epoch, it->second.coordinator_epoch));
    }
    return {};
}

std::optional<completed_txn> partition_producer_state::record_marker(producer_id producer, producer_epoch epoch,
                                                                     int32_t coordinator_epoch, offset at,
                                                                     timestamp_ms timestamp) {
    producer_entry& entry = producers_[producer];
    std::optional<completed_txn> done;
    if (entry.current_txn_first_offset) {
        done = completed_txn{producer, *entry.current_txn_first_offset, at, false};
        ongoing_.erase(*entry.current_txn_first_offset);
        entry.current_txn_first_offset.reset();
    }
    if (epoch != entry.epoch) {
        entry.epoch = epoch;
        entry.batches.clear();
    }
    entry.coordinator_epoch = coordinator_epoch;
    entry.last_timestamp = std::max(entry.last_timestamp, timestamp);
    dirty_ = true;
    return done;
}

size_t partition_producer_state::expire(timestamp_ms now, int64_t expiration_ms) {
    size_t removed = std::erase_if(producers_, [&](const auto& p) {
        return !p.second.current_txn_first_offset && p.second.last_timestamp() < now() - expiration_ms;
    });
    if (removed) dirty_ = true;
    return removed;
}

bytes partition_producer_state::encode_snapshot() const {
    byte_writer w;
    w.write_i16(snapshot_version);
    w.write_u32(0);  // crc, patched below
    w.write_i32(static_cast<int32_t>(producers_.size()));
    for (const auto& [id, entry] : producers_) {
        w.write_i64(id());
        w.write_i16(entry.epoch());
        w.write_i64(entry.last_timestamp());
        w.write_i32(entry.coordinator_epoch);
        w.write_i64(entry.current_txn_first_offset ? (*entry.current_txn_first_offset)() : -1);
        w.write_i8(static_cast<int8_t>(entry.batches.size()));
        for (const auto& b : entry.batches) {
            w.write_i32(b.first_seq);
            w.write_i32(b.last_seq);
            w.write_i64(b.first_offset());
            w.write_i64(b.last_offset());
            w.write_i64(b.timestamp());
        }
    }
    bytes out = w.release();
    uint32_t crc = crc32c(bytes_view(out).subspan(6));
    for (int i = 0; i < 4; ++i) out[2 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    return out;
}

result<partition_producer_state> partition_producer_state::decode_snapshot(bytes_view data) {
    if (data.size() < snapshot_header_size) return make_error(errc::corrupt, "producer snapshot shorter than its header");
    byte_reader r(data);
    int16_t version = r.read_i16();
    if (version != 1 && version != snapshot_version) {
        return make_error(errc::unsupported, fmt::format("producer snapshot version {} (expected 1 or 2)", version));
    }
    uint32_t crc = r.read_u32();
    if (crc != crc32c(data.subspan(6))) return make_error(errc::corrupt, "producer snapshot CRC mismatch");
    int32_t count = r.read_i32();
    const size_t producer_size = version == 1 ? snapshot_producer_size_v1 : snapshot_producer_size;
    if (count < 0 || size_t(count) > r.remaining() / producer_size) {
        return make_error(errc::corrupt, fmt::format("producer snapshot count {} does not fit the file", count));
    }
    partition_producer_state state;
    for (int32_t i = 0; i < count; ++i) {
        producer_id id(r.read_i64());
        producer_entry entry;
        entry.epoch = producer_epoch(r.read_i16());
        entry.last_timestamp = timestamp_ms(r.read_i64());
        if (version >= 2) {
            entry.coordinator_epoch = r.read_i32();
            const int64_t txn_first = r.read_i64();
            if (txn_first >= 0) entry.current_txn_first_offset = offset(txn_first);
        }
        int8_t batches = r.read_i8();
        const int8_t min_batches = version == 1 ? 1 : 0;
        if (!r.ok() || batches < min_batches || size_t(batches) > batches_to_retain ||
            r.remaining() < size_t(batches) * snapshot_batch_size) {
            return make_error(errc::corrupt, "producer snapshot entry is truncated or malformed");
        }
        for (int8_t j = 0; j < batches; ++j) {
            batch_metadata b;
            b.first_seq = r.read_i32();
            b.last_seq = r.read_i32();
            b.first_offset = offset(r.read_i64());
            b.last_offset = offset(r.read_i64());
            b.timestamp = timestamp_ms(r.read_i64());
            entry.batches.push_back(b);
        }
        // The writer never repeats a producer, and two open transactions
        // cannot start at one offset: either would leave a transaction in
        // ongoing_ that no marker closes (the LSO stuck), so the file is damaged.
        if (state.producers_.contains(id)) {
            return make_error(errc::corrupt, fmt::format("producer snapshot lists producer {} twice", id()));
        }
        if (entry.current_txn_first_offset) {
            if (!state.ongoing_.emplace(*entry.current_txn_first_offset, id).second) {
                return make_error(errc::corrupt, fmt::format("producer snapshot has two transactions open at offset {}",
                                                             (*entry.current_txn_first_offset)()));
            }
        }
        state.producers_[id] = std::move(entry);
    }
    if (!r.ok() || !r.at_end()) return make_error(errc::corrupt, "producer snapshot has trailing bytes");
    return state;
}

std::string snapshot_file_name(offset at) { return fmt::format("{:020d}.snapshot", at()); }

std::optional<offset> parse_snapshot_file_name(std::string_view file_name) {
    constexpr std::string_view ext = ".snapshot";
    if (file_name.size() != 20 + ext.size() || !file_name.ends_with(ext)) return std::nullopt;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(file_name.data(), file_name.data() + 20, value);
    if (ec != std::errc() || end != file_name.data() + 20 || value < 0) return std::nullopt;
    return offset(value);
}

}  // namespace samsa::broker::producer
