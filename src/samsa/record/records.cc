#include "samsa/record/records.h"

#include <algorithm>

#include <fmt/format.h>

#include "samsa/base/assert.h"
#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/crc32c.h"
#include "samsa/record/compression.h"
#include "samsa/record/record_stream_check.h"

namespace samsa::record {
namespace {

// The smallest record: length, attributes, timestamp delta, offset delta, key
// length, value length, header count, one byte each.
constexpr size_t min_record_size = 7;

error bad_record(size_t index, std::string_view why) {
    return make_error(errc::corrupt, fmt::format("record {}: {}", index, why));
}

// A varint-length-prefixed nullable byte string, borrowed.
std::optional<bytes_view> read_nullable(byte_reader& in, bool& bad) {
    int32_t n = in.read_varint();
    if (!in.ok() || n < -1) {
        bad = true;
        return std::nullopt;
    }
    if (n == -1) return std::nullopt;
    if (static_cast<size_t>(n) > in.remaining()) {
        bad = true;
        return std::nullopt;
    }
    return in.read_bytes(static_cast<size_t>(n));
}

result<record_view> read_record(byte_reader& in, size_t index) {
    int32_t length = in.read_varint();
    if (!in.ok()) return bad_record(index, "truncated length");
    if (length < 0 || static_cast<size_t>(length) > in.remaining())
        return bad_record(index, fmt::format("length {} beyond the {} bytes left", length, in.remaining()));
    byte_reader body(in.read_bytes(static_cast<size_t>(length)));
    record_view r;
    bool bad = false;
    r.attributes = body.read_i8();
    r.timestamp_delta = body.read_varlong();
    r.offset_delta = body.read_varint();
    r.key = read_nullable(body, bad);
    r.value = read_nullable(body, bad);
    int32_t header_count = body.read_varint();
    if (bad || !body.ok()) return bad_record(index, "malformed key, value or fields");
    // Each header takes at least two bytes: reject absurd counts up front.
    if (header_count < 0 || static_cast<size_t>(header_count) > body.remaining() / 2)
        return bad_record(index, fmt::format("header count {}", header_count));
    r.headers.reserve(static_cast<size_t>(header_count));
    for (int32_t h = 0; h < header_count; ++h) {
        int32_t klen = body.read_varint();
        if (!body.ok() || klen < 0 || static_cast<size_t>(klen) > body.remaining())
            return bad_record(index, "malformed header key");
        bytes_view k = body.read_bytes(static_cast<size_t>(klen));
        auto v = read_nullable(body, bad);
        if (bad || !body.ok()) return bad_record(index, "malformed header value");
        r.headers.push_back({as_chars(k), v});
    }
    if (!body.at_end()) return bad_record(index, fmt::format("{} bytes after its last field", body.remaining()));
    return r;
}

void write_nullable(byte_writer& w, const std::optional<bytes>& b) {
    if (!b) {
        w.write_varint(-1);
        return;
    }
    w.write_varint(static_cast<int32_t>(b->size()));
    w.write_bytes(*b);
}

}  // namespace

namespace {

// A batch's header and its records' bytes (decompressed into `plain` when the
// batch is compressed), with the record count checked against the size.
struct records_body {
    record_batch_header header;
    bytes_view body;
};

result<records_body> open_records(bytes_view batch, const record_batch_header& header, size_t max_uncompressed_bytes,
                                  bytes& plain) {
    if (header.total_size() > batch.size())
        return make_error(errc::corrupt, fmt::format("record batch length {} beyond the {} bytes given",
                                                     header.batch_length, batch.size()));
    bytes_view body = batch.subspan(record_batch_header::size, header.total_size() - record_batch_header::size);
    if (header.codec() != compression_codec::none) {
        auto decompressed = decompress(header.codec(), body, max_uncompressed_bytes);
        if (!decompressed) return decompressed.error();
        plain = std::move(*decompressed);
        body = plain;
    } else if (body.size() > max_uncompressed_bytes) {
        return make_error(errc::too_large, fmt::format("records of {} bytes over the limit of {}", body.size(),
                                                       max_uncompressed_bytes));
    }
    const int32_t count = header.records_count;
    if (count < 0 || static_cast<size_t>(count) > body.size() / min_record_size)
        return make_error(errc::corrupt,
                          fmt::format("record count {} does not fit in {} bytes of records", count, body.size()));
    return records_body{header, body};
}

error trailing_bytes(const byte_reader& in, int32_t count) {
    return make_error(errc::corrupt,
                      fmt::format("{} bytes after the {} records the batch announces", in.remaining(), count));
}

}  // namespace

result<batch_records> batch_records::decode(bytes_view batch, size_t max_uncompressed_bytes) {
    auto header = read_batch_header(batch);
    if (!header) return header.error();
    return decode(batch, *header, max_uncompressed_bytes);
}

result<batch_records> batch_records::decode(bytes_view batch, const record_batch_header& header,
                                            size_t max_uncompressed_bytes) {
    batch_records out;
    auto opened = open_records(batch, header, max_uncompressed_bytes, out.decompressed_);
    if (!opened) return opened.error();
    out.header_ = opened->header;
    const int32_t count = out.header_.records_count;
    out.records_.reserve(static_cast<size_t>(count));
    byte_reader in(opened->body);
    for (int32_t i = 0; i < count; ++i) {
        auto r = read_record(in, static_cast<size_t>(i));
        if (!r) return r.error();
        out.records_.push_back(std::move(*r));
    }
    if (!in.at_end()) return trailing_bytes(in, count);
    return out;
}

// The same checks as decode() plus offset deltas, without keeping the records:
// it runs on every produced batch.
record_stream_check::record_stream_check(const record_batch_header& header, size_t max_uncompressed_bytes)
    : header_(header), max_bytes_(max_uncompressed_bytes) {}

status record_stream_check::feed(bytes_view chunk) {
    total_ += chunk.size();
    if (total_ > max_bytes_)
        return make_error(errc::too_large, fmt::format("records decompress to more than {} bytes", max_bytes_));
    pending_.insert(pending_.end(), chunk.begin(), chunk.end());
    peak_ = std::max(peak_, pending_.size());
    return check_complete_records();
}

// Reads every whole record at the front of pending_, then keeps only the rest.
status record_stream_check::check_complete_records() {
    size_t at = 0;
    while (at < pending_.size()) {
        byte_reader probe(bytes_view(pending_).subspan(at));
        int32_t length = probe.read_varint();
        if (!probe.ok()) {
            if (pending_.size() - at >= 5) return bad_record(static_cast<size_t>(index_), "bad length");
            break;  // the length's bytes are still coming
        }
        if (length < 0) return bad_record(static_cast<size_t>(index_), fmt::format("length {}", length));
        const size_t length_size = (pending_.size() - at) - probe.remaining();
        if (static_cast<size_t>(length) > max_bytes_ - std::min(max_bytes_, total_ - pending_.size() + at + length_size))
            return make_error(errc::too_large, fmt::format("record {} of {} bytes is over the limit of {}", index_,
                                                           length, max_bytes_));
        if (probe.remaining() < static_cast<size_t>(length)) break;  // the rest of the record is still coming
        if (index_ >= header_.records_count)
            return make_error(errc::corrupt, fmt::format("more records than the {} the batch announces",
                                                         header_.records_count));
        byte_reader one(bytes_view(pending_).subspan(at, length_size + static_cast<size_t>(length)));
        auto r = read_record(one, static_cast<size_t>(index_));
        if (!r) return r.error();
        if (r->offset_delta != index_)
            return make_error(errc::corrupt, fmt::format("record {} has offset delta {} (expected {})", index_,
                                                         r->offset_delta, index_));
        ++index_;
        at += length_size + static_cast<size_t>(length);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
    return ok();
}

status record_stream_check::finish() const {
    if (!pending_.empty())
        return make_error(errc::corrupt, fmt::format("{} bytes after the {} records read", pending_.size(), index_));
    if (index_ != header_.records_count)
        return make_error(errc::corrupt, fmt::format("record count {} but {} records", header_.records_count, index_));
    if (header_.last_offset_delta != index_ - 1)
        return make_error(errc::corrupt,
                          fmt::format("last offset delta {} but {} records", header_.last_offset_delta, index_));
    return ok();
}

namespace {

// Decompressed output is handed over in pieces of this size.
constexpr size_t validation_chunk_bytes = 64 * 1024;

status validate_compressed_records(const record_batch_header& header, bytes_view body, size_t max_uncompressed_bytes) {
    if (header.records_count <= 0)
        return make_error(errc::corrupt, fmt::format("record count {}", header.records_count));
    record_stream_check check(header, max_uncompressed_bytes);
    auto st = decompress_chunks(header.codec(), body, validation_chunk_bytes,
                                [&](bytes_view chunk) { return check.feed(chunk); });
    if (!st) return st;
    return check.finish();
}

}  // namespace

status validate_records(bytes_view batch, size_t max_uncompressed_bytes) {
    auto header = read_batch_header(batch);
    if (!header) return header.error();
    return validate_records(batch, *header, max_uncompressed_bytes);
}

status validate_records(bytes_view batch, const record_batch_header& header, size_t max_uncompressed_bytes) {
    if (header.codec() != compression_codec::none && header.total_size() <= batch.size()) {
        bytes_view body = batch.subspan(record_batch_header::size, header.total_size() - record_batch_header::size);
        return validate_compressed_records(header, body, max_uncompressed_bytes);
    }
    bytes plain;
    auto opened = open_records(batch, header, max_uncompressed_bytes, plain);
    if (!opened) return opened.error();
    const int32_t count = opened->header.records_count;
    if (count == 0) return make_error(errc::corrupt, "record batch holds no records");
    byte_reader in(opened->body);
    for (int32_t i = 0; i < count; ++i) {
        auto r = read_record(in, static_cast<size_t>(i));
        if (!r) return r.error();
        if (r->offset_delta != i)
            return make_error(errc::corrupt, fmt::format("record {} has offset delta {} (expected {})", i,
                                                         r->offset_delta, i));
    }
    if (!in.at_end()) return trailing_bytes(in, count);
    if (opened->header.last_offset_delta != count - 1)
        return make_error(errc::corrupt, fmt::format("last offset delta {} but {} records",
                                                     opened->header.last_offset_delta, count));
    return ok();
}

void write_record(bytes& out, const record& r, int64_t timestamp_delta, int32_t offset_delta) {
    byte_writer body;
    body.write_i8(0);
    body.write_varlong(timestamp_delta);
    body.write_varint(offset_delta);
    write_nullable(body, r.key);
    write_nullable(body, r.value);
    body.write_varint(static_cast<int32_t>(r.headers.size()));
    for (const auto& h : r.headers) {
        body.write_varint(static_cast<int32_t>(h.key.size()));
        body.write_bytes(as_bytes(h.key));
        write_nullable(body, h.value);
    }
    byte_writer w(std::move(out));
    w.write_varint(static_cast<int32_t>(body.size()));
    w.write_bytes(body.buffer());
    out = w.release();
}

record_batch_builder& record_batch_builder::add(std::optional<std::string_view> key,
                                                std::optional<std::string_view> value, timestamp_ms ts,
                                                std::vector<record_header> headers) {
    record r;
    if (key) r.key = to_bytes(*key);
    if (value) r.value = to_bytes(*value);
    r.timestamp = ts;
    r.headers = std::move(headers);
    records_.push_back(std::move(r));
    return *this;
}

bytes record_batch_builder::build() const {
    SAMSA_ASSERT(!records_.empty(), "a record batch needs at least one record");
    const int64_t base_ts = records_.front().timestamp();
    int64_t max_ts = base_ts;
    bytes plain;
    for (size_t i = 0; i < records_.size(); ++i) {
        max_ts = std::max(max_ts, records_[i].timestamp());
        write_record(plain, records_[i], records_[i].timestamp() - base_ts, static_cast<int32_t>(i));
    }
    bytes body = codec_ == compression_codec::none ? std::move(plain) : compress(codec_, plain);

    int16_t attributes = static_cast<int16_t>(codec_);
    if (producer_.transactional) attributes |= 0x10;
    if (producer_.control) attributes |= 0x20;
    byte_writer w;
    w.write_i64(base_offset_());
    size_t length_at = w.reserve_i32();
    w.write_i32(partition_leader_epoch_);
    w.write_i8(record_batch_header::current_magic);
    size_t crc_at = w.reserve_i32();
    w.write_i16(attributes);
    w.write_i32(static_cast<int32_t>(records_.size()) - 1);
    w.write_i64(base_ts);
    w.write_i64(max_ts);
    w.write_i64(producer_.producer_id());
    w.write_i16(producer_.producer_epoch());
    w.write_i32(producer_.base_sequence);
    w.write_i32(static_cast<int32_t>(records_.size()));
    w.write_bytes(body);
    w.patch_i32(length_at, static_cast<int32_t>(w.size() - record_batch_header::length_field_end));
    w.patch_i32(crc_at, static_cast<int32_t>(compute_batch_crc(w.buffer())));
    return w.release();
}

}  // namespace samsa::record
