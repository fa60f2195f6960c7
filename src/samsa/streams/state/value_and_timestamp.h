#pragma once
// value_and_timestamp<V>: a value with the timestamp of the record that last
// set it, what KTable stores keep (Kafka Streams' ValueAndTimestamp). In the
// bytes store it is written as Kafka writes it, so state and changelogs stay
// interchangeable with Java's:
//
//   +----------------------------+------------------------+
//   | timestamp: int64 big-endian | value: raw value bytes |
//   +----------------------------+------------------------+
//     8 bytes                      serde<V> output, any length
//
//   value "a" at timestamp 1 -> 00 00 00 00 00 00 00 01 61
//
// A null ValueAndTimestamp is simply an absent key; a stored value is never
// null.

#include <cstdint>
#include <string>
#include <string_view>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams {

// Kafka's ValueAndTimestamp<V>: a KTable row's value and its timestamp.
template<class V>
struct value_and_timestamp {
    // The value.
    V value;
    // The timestamp of the record that wrote it.
    int64_t timestamp = 0;
    // Same value and timestamp.
    bool operator==(const value_and_timestamp&) const = default;
};

namespace timestamped_format {

inline constexpr size_t timestamp_size = 8;

inline bytes encode(bytes_view raw_value, int64_t timestamp) {
    bytes out;
    out.reserve(timestamp_size + raw_value.size());
    auto u = static_cast<uint64_t>(timestamp);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(u >> shift));
    out.insert(out.end(), raw_value.begin(), raw_value.end());
    return out;
}

// Throws serde_error when the stored bytes are shorter than a timestamp.
inline int64_t timestamp(bytes_view stored) {
    if (stored.size() < timestamp_size) {
        throw serde_error("value_and_timestamp needs at least 8 bytes, got " + std::to_string(stored.size()));
    }
    uint64_t u = 0;
    for (size_t i = 0; i < timestamp_size; ++i) u = (u << 8) | stored[i];
    return static_cast<int64_t>(u);
}

inline bytes_view raw_value(bytes_view stored) {
    (void)timestamp(stored);  // size check
    return stored.subspan(timestamp_size);
}

}  // namespace timestamped_format

// The serde of value_and_timestamp<V> in the format above, built on V's serde.
template<class V>
serde<value_and_timestamp<V>> value_and_timestamp_serde(serde<V> value_serde) {
    return serde<value_and_timestamp<V>>{
        [s = value_serde.serialize](std::string_view topic, const value_and_timestamp<V>& vt) {
            return timestamped_format::encode(s(topic, vt.value), vt.timestamp);
        },
        [d = value_serde.deserialize](std::string_view topic, bytes_view data) {
            int64_t ts = timestamped_format::timestamp(data);
            return value_and_timestamp<V>{d(topic, data.subspan(timestamped_format::timestamp_size)), ts};
        },
    };
}

}  // namespace samsa::streams
