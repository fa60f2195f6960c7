#pragma once
// The built-in serdes of Kafka's Serdes class, byte for byte: numbers are
// big-endian two's complement / IEEE-754 as Java's IntegerSerializer,
// LongSerializer, ShortSerializer, FloatSerializer and DoubleSerializer write
// them, so a Samsa application and a Java one read each other's topics.
//
//   int16   1      -> 00 01
//   int32   1      -> 00 00 00 01
//   int64  -1      -> ff ff ff ff ff ff ff ff
//   float64 1.0    -> 3f f0 00 00 00 00 00 00
//   boolean true   -> 01            (false -> 00, as Kafka's BooleanSerde)
//   string "é"     -> c3 a9         (UTF-8 as-is, no length, no terminator)
//
// A deserializer given the wrong number of bytes throws serde_error with the
// message Kafka's would use.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "samsa/streams/serdes/core.h"

namespace samsa::streams::serdes {

namespace detail {

template<class U>
samsa::bytes write_big_endian(U v) {
    samsa::bytes out(sizeof(U));
    for (size_t i = 0; i < sizeof(U); ++i) out[i] = static_cast<uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
    return out;
}

template<class U>
U read_big_endian(bytes_view data, const char* java_name) {
    if (data.size() != sizeof(U)) {
        throw serde_error(std::string("Size of data received by ") + java_name + " is not " +
                          std::to_string(sizeof(U)));
    }
    U v = 0;
    for (uint8_t b : data) v = static_cast<U>((v << 8) | b);
    return v;
}

// Signed integers of 2, 4 or 8 bytes (int16_t, int32_t, int64_t, and `long
// long` which is a distinct type of the same width).
template<class T>
serde<T> big_endian_integer(const char* java_name) {
    using u = std::make_unsigned_t<T>;
    return serde<T>{
        [](std::string_view, const T& v) { return write_big_endian(static_cast<u>(v)); },
        [java_name](std::string_view, bytes_view data) { return static_cast<T>(read_big_endian<u>(data, java_name)); },
    };
}

}  // namespace detail

// UTF-8 text as-is (Kafka's StringSerde with its default UTF-8 encoding). We do
// not validate UTF-8: Java would replace bad sequences, we keep the bytes.
inline serde<std::string> string() {
    return serde<std::string>{
        [](std::string_view, const std::string& s) { return samsa::bytes(s.begin(), s.end()); },
        [](std::string_view, bytes_view data) { return std::string(as_chars(data)); },
    };
}

// Raw bytes, untouched (Kafka's ByteArraySerde / BytesSerde).
inline serde<samsa::bytes> bytes() {
    return serde<samsa::bytes>{
        [](std::string_view, const samsa::bytes& b) { return b; },
        [](std::string_view, bytes_view data) { return samsa::bytes(data.begin(), data.end()); },
    };
}

// Java's ShortSerde: 2 bytes, big-endian.
inline serde<int16_t> int16() { return detail::big_endian_integer<int16_t>("ShortDeserializer"); }
// Java's IntegerSerde: 4 bytes, big-endian.
inline serde<int32_t> int32() { return detail::big_endian_integer<int32_t>("IntegerDeserializer"); }
// Java's LongSerde: 8 bytes, big-endian.
inline serde<int64_t> int64() { return detail::big_endian_integer<int64_t>("LongDeserializer"); }

// Java's FloatSerializer writes Float.floatToRawIntBits: the bits as they are.
inline serde<float> float32() {
    return serde<float>{
        [](std::string_view, const float& f) { return detail::write_big_endian(std::bit_cast<uint32_t>(f)); },
        [](std::string_view, bytes_view data) {
            return std::bit_cast<float>(detail::read_big_endian<uint32_t>(data, "FloatDeserializer"));
        },
    };
}

// Java's DoubleSerializer writes Double.doubleToLongBits, which turns every NaN
// into the canonical 0x7ff8000000000000; we do the same so NaN keys compare
// equal in the broker's compaction and in RocksDB.
inline serde<double> float64() {
    return serde<double>{
        [](std::string_view, const double& d) {
            uint64_t bits = d != d ? uint64_t{0x7ff8000000000000} : std::bit_cast<uint64_t>(d);
            return detail::write_big_endian(bits);
        },
        [](std::string_view, bytes_view data) {
            return std::bit_cast<double>(detail::read_big_endian<uint64_t>(data, "DoubleDeserializer"));
        },
    };
}
// float64() under Kafka's name (Serdes.Double()).
inline serde<double> double_() { return float64(); }

// One byte, 0x01 or 0x00 (Kafka's BooleanSerde, KIP-907); any other byte is an
// error, as in Java.
inline serde<bool> boolean() {
    return serde<bool>{
        [](std::string_view, const bool& b) { return samsa::bytes{static_cast<uint8_t>(b ? 1 : 0)}; },
        [](std::string_view, bytes_view data) {
            if (data.size() != 1) throw serde_error("Size of data received by BooleanDeserializer is not 1");
            if (data[0] > 1) {
                throw serde_error("Unexpected byte received by BooleanDeserializer: " + std::to_string(data[0]));
            }
            return data[0] == 1;
        },
    };
}

}  // namespace samsa::streams::serdes
