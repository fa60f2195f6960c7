#pragma once
// The input layout of the consumer_offsets fuzz target: a list of
// `__consumer_offsets` records, each
//
//   uint8 flags | uint16 key length | key | uint32 value length | value
//
// big-endian; flags bit 0: tombstone (no value length, no value), bit 1: a
// transactional record of producer 1, bit 2: then a COMMIT marker of
// producer 1 (bit 3: ABORT). A record cut short ends the list. Written by
// the corpus test's seed builder, read by the target.

#include <optional>
#include <vector>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"

namespace samsa::fuzz {

struct framed_offsets_record {
    bytes key;
    std::optional<bytes> value;  // nullopt: a tombstone
    bool transactional = false;
    std::optional<bool> marker_after;  // commit (true) or abort
};

inline bytes frame_offsets_records(const std::vector<framed_offsets_record>& records) {
    byte_writer w;
    for (const auto& r : records) {
        uint8_t flags = (r.value ? 0 : 1) | (r.transactional ? 2 : 0);
        if (r.marker_after) flags |= *r.marker_after ? 4 : 8;
        w.write_u8(flags);
        w.write_u16(static_cast<uint16_t>(r.key.size()));
        w.write_bytes(r.key);
        if (r.value) {
            w.write_u32(static_cast<uint32_t>(r.value->size()));
            w.write_bytes(*r.value);
        }
    }
    return w.release();
}

inline std::vector<framed_offsets_record> unframe_offsets_records(bytes_view in, size_t max_records) {
    std::vector<framed_offsets_record> out;
    byte_reader r(in);
    while (out.size() < max_records && r.remaining() > 0) {
        framed_offsets_record rec;
        uint8_t flags = r.read_u8();
        auto key = r.read_bytes(r.read_u16());
        if (!r.ok()) break;
        rec.key.assign(key.begin(), key.end());
        if (!(flags & 1)) {
            auto value = r.read_bytes(r.read_u32());
            if (!r.ok()) break;
            rec.value = bytes(value.begin(), value.end());
        }
        rec.transactional = flags & 2;
        if (flags & 4) rec.marker_after = true;
        else if (flags & 8) rec.marker_after = false;
        out.push_back(std::move(rec));
    }
    return out;
}

}  // namespace samsa::fuzz
