#include "samsa/record/batch_recompress.h"

#include <algorithm>

#include "samsa/bytes/big_endian.h"
#include "samsa/record/compression.h"

namespace samsa::record {
namespace {

constexpr int16_t codec_mask = 0x07;
constexpr size_t attributes_at = 21;
constexpr size_t length_at = 8;
constexpr size_t crc_at = 17;

}  // namespace

bool needs_recompression(const record_batch_header& header, compression_codec target) {
    return !header.control() && header.codec() != target;
}

result<bytes> recompress_batch(bytes_view batch, compression_codec target, int level, size_t max_uncompressed_bytes) {
    auto header = read_batch_header(batch);
    if (!header) return header.error();
    auto rewritten = recompress_batch(batch, *header, target, level, max_uncompressed_bytes);
    if (!rewritten) return rewritten.error();
    return std::move(rewritten->batch);
}

result<recompressed_batch> recompress_batch(bytes_view batch, const record_batch_header& header,
                                            compression_codec target, int level, size_t max_uncompressed_bytes) {
    if (header.total_size() > batch.size()) return make_error(errc::corrupt, "truncated record batch");
    bytes_view body = batch.subspan(record_batch_header::size, header.total_size() - record_batch_header::size);
    auto plain = decompress(header.codec(), body, max_uncompressed_bytes);
    if (!plain) return plain.error();
    bytes payload = target == compression_codec::none ? std::move(*plain) : compress(target, *plain, level);

    recompressed_batch out{bytes(record_batch_header::size + payload.size()), header};
    std::copy_n(batch.begin(), record_batch_header::size, out.batch.begin());
    std::copy(payload.begin(), payload.end(), out.batch.begin() + record_batch_header::size);
    uint8_t* p = out.batch.data();
    out.header.batch_length = static_cast<int32_t>(out.batch.size() - record_batch_header::length_field_end);
    put_be32(p + length_at, static_cast<uint32_t>(out.header.batch_length));
    out.header.attributes = static_cast<int16_t>((header.attributes & ~codec_mask) | static_cast<int16_t>(target));
    put_be16(p + attributes_at, static_cast<uint16_t>(out.header.attributes));
    out.header.crc = compute_batch_crc(out.batch);
    put_be32(p + crc_at, out.header.crc);
    return out;
}

}  // namespace samsa::record
