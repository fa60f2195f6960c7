#pragma once
// byte_writer: appends big-endian integers and Kafka varints to an owned
// buffer. Lengths that are known only afterwards are written as placeholders
// and patched (reserve_i32 / patch_i32).
//
// Large borrowed ranges (a Fetch response's records) can be spliced instead
// of copied: splice() only notes where they belong, and whoever owns them
// sends the buffer's pieces and the ranges as one gathered write (see
// protocol::encode_response_frame_parts). size() counts spliced bytes;
// positions (reserve_i32, patch_i32, buffer()) are those of the buffer.

#include <cstdint>
#include <cstring>
#include <vector>

#include "samsa/base/assert.h"
#include "samsa/bytes/bytes.h"

namespace samsa {

class byte_writer {
public:
    byte_writer() = default;
    explicit byte_writer(bytes buf) : buf_(std::move(buf)) {}

    void write_i8(int8_t v) { buf_.push_back(static_cast<uint8_t>(v)); }
    void write_u8(uint8_t v) { buf_.push_back(v); }
    void write_i16(int16_t v) { write_be(static_cast<uint16_t>(v)); }
    void write_u16(uint16_t v) { write_be(v); }
    void write_i32(int32_t v) { write_be(static_cast<uint32_t>(v)); }
    void write_u32(uint32_t v) { write_be(v); }
    void write_i64(int64_t v) { write_be(static_cast<uint64_t>(v)); }
    void write_u64(uint64_t v) { write_be(v); }
    void write_f64(double d) {
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof d);
        write_be(bits);
    }
    void write_uvarint(uint32_t v) { write_uvarlong(v); }
    void write_varint(int32_t v) { write_uvarlong(static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31))); }
    void write_varlong(int64_t v) { write_uvarlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
    void write_uvarlong(uint64_t v) {
        while (v >= 0x80) {
            buf_.push_back(static_cast<uint8_t>(v | 0x80));
            v >>= 7;
        }
        buf_.push_back(static_cast<uint8_t>(v));
    }
    void write_bytes(bytes_view b) { buf_.insert(buf_.end(), b.begin(), b.end()); }

    // Reserves four bytes for an int32 written later; returns where.
    size_t reserve_i32() {
        size_t at = buf_.size();
        buf_.resize(at + 4);
        return at;
    }
    void patch_i32(size_t at, int32_t v) {
        auto u = static_cast<uint32_t>(v);
        buf_[at] = static_cast<uint8_t>(u >> 24);
        buf_[at + 1] = static_cast<uint8_t>(u >> 16);
        buf_[at + 2] = static_cast<uint8_t>(u >> 8);
        buf_[at + 3] = static_cast<uint8_t>(u);
    }

    // Bytes written so far, spliced ranges included.
    size_t size() const { return buf_.size() + spliced_bytes_; }
    bytes& buffer() { return buf_; }
    const bytes& buffer() const { return buf_; }
    bytes release() { return std::move(buf_); }
    void reserve(size_t n) { buf_.reserve(n); }

    // A range that follows the buffer's first `at` bytes on the wire: `data`,
    // or `external_size` bytes that are not in memory (a range of a file the
    // writer of the frame sends itself), named by `external_id`.
    struct splice_point {
        size_t at;
        bytes_view data;
        size_t external_size = 0;
        uint64_t external_id = 0;
        size_t size() const { return external_size > 0 ? external_size : data.size(); }
    };
    // Ranges of at least `min_bytes` given to splice_if_large() are spliced from now on.
    void enable_splicing(size_t min_bytes) { min_splice_bytes_ = min_bytes; }
    // Splices `b` when splicing is on and it is large enough, else copies it.
    void splice_if_large(bytes_view b) {
        if (min_splice_bytes_ == 0 || b.size() < min_splice_bytes_) {
            write_bytes(b);
            return;
        }
        splices_.push_back({buf_.size(), b});
        spliced_bytes_ += b.size();
    }
    // Notes `size` bytes held elsewhere: always spliced, never read. Only
    // with splicing on (a frame written as parts).
    void splice_external(size_t size, uint64_t id) {
        SAMSA_ASSERT(min_splice_bytes_ > 0 && size > 0);
        splices_.push_back({buf_.size(), {}, size, id});
        spliced_bytes_ += size;
    }
    const std::vector<splice_point>& splices() const { return splices_; }

private:
    template<class U>
    void write_be(U v) {
        uint8_t tmp[sizeof(U)];
        for (size_t i = 0; i < sizeof(U); ++i) tmp[i] = static_cast<uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
        buf_.insert(buf_.end(), tmp, tmp + sizeof(U));
    }

    bytes buf_;
    size_t min_splice_bytes_ = 0;  // 0: never splice
    size_t spliced_bytes_ = 0;
    std::vector<splice_point> splices_;
};

// Size in bytes of v as an unsigned / zig-zag varint, for computing record
// lengths before writing them.
inline size_t uvarlong_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) { v >>= 7; ++n; }
    return n;
}
inline size_t varint_size(int32_t v) { return uvarlong_size((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)); }
inline size_t varlong_size(int64_t v) { return uvarlong_size((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }

}  // namespace samsa
