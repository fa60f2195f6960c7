#pragma once
// byte_reader: reads big-endian integers and Kafka varints from a borrowed
// buffer. Reading past the end never touches memory out of range: it sets a
// sticky failure flag and returns zeros, so a decoder reads a whole message and
// checks ok() once at the end (the bytes may come from anyone on the network).

#include <cstdint>
#include <cstring>

#include "samsa/bytes/bytes.h"

namespace samsa {

class byte_reader {
public:
    explicit byte_reader(bytes_view data) : data_(data) {}

    bool ok() const { return !failed_; }
    // Marks the input bad for a reason other than running out of bytes
    // (a negative length, a varint that never ends).
    void fail() { failed_ = true; pos_ = data_.size(); }

    size_t position() const { return pos_; }
    size_t remaining() const { return data_.size() - pos_; }
    bool at_end() const { return pos_ == data_.size(); }
    bytes_view whole() const { return data_; }

    int8_t read_i8() { return static_cast<int8_t>(read_be<uint8_t>()); }
    uint8_t read_u8() { return read_be<uint8_t>(); }
    int16_t read_i16() { return static_cast<int16_t>(read_be<uint16_t>()); }
    uint16_t read_u16() { return read_be<uint16_t>(); }
    int32_t read_i32() { return static_cast<int32_t>(read_be<uint32_t>()); }
    uint32_t read_u32() { return read_be<uint32_t>(); }
    int64_t read_i64() { return static_cast<int64_t>(read_be<uint64_t>()); }
    uint64_t read_u64() { return read_be<uint64_t>(); }
    double read_f64() {
        uint64_t bits = read_u64();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }

    // Unsigned LEB128 as Kafka's compact lengths and tagged fields use (at most
    // 5 bytes for 32 bits).
    uint32_t read_uvarint() { return static_cast<uint32_t>(read_uvarlong(5)); }
    // Zig-zag signed varints as record fields use.
    int32_t read_varint() {
        auto u = static_cast<uint32_t>(read_uvarlong(5));
        return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
    }
    int64_t read_varlong() {
        uint64_t u = read_uvarlong(10);
        return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    }

    // The next n bytes, borrowed; empty and failed when fewer remain.
    bytes_view read_bytes(size_t n) {
        if (n > remaining()) {
            fail();
            return {};
        }
        bytes_view out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    void skip(size_t n) { (void)read_bytes(n); }

private:
    template<class U>
    U read_be() {
        if (sizeof(U) > remaining()) {
            fail();
            return 0;
        }
        U v = 0;
        for (size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | data_[pos_ + i]);
        pos_ += sizeof(U);
        return v;
    }
    // Inline for the one-byte case (most record fields: small lengths and
    // deltas); validating a produce request reads several per record.
    uint64_t read_uvarlong(int max_bytes) {
        if (pos_ < data_.size() && data_[pos_] < 0x80) return data_[pos_++];
        return read_long_uvarlong(max_bytes);
    }
    uint64_t read_long_uvarlong(int max_bytes);

    bytes_view data_;
    size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace samsa
