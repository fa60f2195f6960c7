#include "samsa/record/record_batch.h"

#include <atomic>

#include <fmt/format.h>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/crc32c.h"

namespace samsa::record {
namespace {

void write_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

std::atomic<uint64_t> header_parses{0};

}  // namespace

uint64_t batch_header_parses() { return header_parses.load(std::memory_order_relaxed); }

result<record_batch_header> read_batch_header(bytes_view data) {
    header_parses.fetch_add(1, std::memory_order_relaxed);
    if (data.size() < record_batch_header::size)
        return make_error(errc::corrupt, fmt::format("record batch shorter than its header: {} bytes", data.size()));
    byte_reader r(data);
    record_batch_header h;
    h.base_offset = r.read_i64();
    h.batch_length = r.read_i32();
    h.partition_leader_epoch = r.read_i32();
    h.magic = r.read_i8();
    h.crc = r.read_u32();
    h.attributes = r.read_i16();
    h.last_offset_delta = r.read_i32();
    h.base_timestamp = r.read_i64();
    h.max_timestamp = r.read_i64();
    h.producer_id = r.read_i64();
    h.producer_epoch = r.read_i16();
    h.base_sequence = r.read_i32();
    h.records_count = r.read_i32();
    if (h.batch_length < static_cast<int32_t>(record_batch_header::size - record_batch_header::length_field_end))
        return make_error(errc::corrupt, fmt::format("record batch length {} is smaller than a header", h.batch_length));
    return h;
}

uint32_t compute_batch_crc(bytes_view batch) { return crc32c(batch.subspan(record_batch_header::crc_start)); }

status validate_batch(bytes_view batch) {
    auto header = read_batch_header(batch);
    if (!header) return header.error();
    return validate_batch(batch, *header);
}

status validate_batch(bytes_view batch, const record_batch_header& h) {
    if (h.magic != record_batch_header::current_magic)
        return make_error(errc::unsupported, fmt::format("record batch magic {} (only v2 is supported)", h.magic));
    if (h.total_size() != batch.size())
        return make_error(errc::corrupt,
                          fmt::format("record batch length {} does not match the {} bytes given", h.batch_length,
                                      batch.size() - record_batch_header::length_field_end));
    if (static_cast<int>(h.codec()) > static_cast<int>(compression_codec::zstd))
        return make_error(errc::corrupt, fmt::format("unknown compression codec {}", static_cast<int>(h.codec())));
    if (uint32_t crc = compute_batch_crc(batch); crc != h.crc)
        return make_error(errc::corrupt, fmt::format("record batch CRC {:#010x} does not match computed {:#010x}", h.crc, crc));
    if (h.records_count < 0 || h.last_offset_delta < 0 ||
        (h.records_count > 0 && !h.control() && h.last_offset_delta < h.records_count - 1))
        return make_error(errc::corrupt, fmt::format("record batch counts inconsistent: {} records, last offset delta {}",
                                                     h.records_count, h.last_offset_delta));
    return ok();
}

void set_base_offset(std::span<uint8_t> batch, int64_t base_offset) {
    auto v = static_cast<uint64_t>(base_offset);
    write_be32(batch.data(), static_cast<uint32_t>(v >> 32));
    write_be32(batch.data() + 4, static_cast<uint32_t>(v));
}

void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch) {
    write_be32(batch.data() + 12, static_cast<uint32_t>(epoch));
}

std::optional<bytes_view> batch_splitter::next() {
    const size_t left = data_.size() - pos_;
    if (left == 0) return std::nullopt;
    if (left < record_batch_header::length_field_end) {
        truncated_ = true;
        return std::nullopt;
    }
    byte_reader r(data_.subspan(pos_ + 8, 4));
    const int32_t length = r.read_i32();
    if (length < static_cast<int32_t>(record_batch_header::size - record_batch_header::length_field_end) ||
        static_cast<size_t>(length) > left - record_batch_header::length_field_end) {
        truncated_ = true;
        return std::nullopt;
    }
    bytes_view batch = data_.subspan(pos_, record_batch_header::length_field_end + static_cast<size_t>(length));
    pos_ += batch.size();
    return batch;
}

}  // namespace samsa::record
