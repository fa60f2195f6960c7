#pragma once
// The binary keys of windowed data, byte for byte as Kafka Streams writes
// them (WindowKeySchema, SessionKeySchema), so changelogs and repartition
// topics stay readable by a Java application and the other way round.
// Timestamps and sequence numbers are big-endian; K is the inner key serde's
// output.
//
// Time-windowed key (TimeWindowedSerializer; repartition and output topics):
//   +------------------+----------------------+
//   | key bytes        | window start: int64  |
//   +------------------+----------------------+
//   "a" in [0, 60000) -> 61 | 00 00 00 00 00 00 00 00
//
// Window store key (the window store and its changelog; seqnum is 0 unless
// the store keeps duplicates, as a stream-stream join's does):
//   +------------------+----------------------+----------------+
//   | key bytes        | window start: int64  | seqnum: int32  |
//   +------------------+----------------------+----------------+
//   "a" at 5, seqnum 0 -> 61 | 00 00 00 00 00 00 00 05 | 00 00 00 00
//
// Session-windowed key (SessionWindowedSerializer, the session store and its
// changelog): end before start.
//   +------------------+----------------------+----------------------+
//   | key bytes        | session end: int64   | session start: int64 |
//   +------------------+----------------------+----------------------+
//   "a" in [5, 9] -> 61 | 00 .. 00 09 | 00 .. 00 05
//
// Threads: pure functions.

#include <cstdint>
#include <limits>

#include "samsa/bytes/big_endian.h"
#include "samsa/bytes/bytes.h"
#include "samsa/streams/serdes/core.h"

namespace samsa::streams::window_key_schema {

// Bytes of the window start in a store key.
inline constexpr size_t timestamp_size = 8;
// Bytes of the sequence number.
inline constexpr size_t seqnum_size = 4;
// Bytes after the key.
inline constexpr size_t suffix_size = timestamp_size + seqnum_size;

// key + start: the time-windowed key format.
inline bytes to_binary(bytes_view key, int64_t window_start) {
    bytes out(key.size() + timestamp_size);
    std::copy(key.begin(), key.end(), out.begin());
    put_be64(out.data() + key.size(), static_cast<uint64_t>(window_start));
    return out;
}

// key + start + seqnum: the window store's and its changelog's key.
inline bytes to_store_key(bytes_view key, int64_t window_start, int32_t seqnum) {
    bytes out(key.size() + suffix_size);
    std::copy(key.begin(), key.end(), out.begin());
    put_be64(out.data() + key.size(), static_cast<uint64_t>(window_start));
    put_be32(out.data() + key.size() + timestamp_size, static_cast<uint32_t>(seqnum));
    return out;
}

// The parts of a window store key; a key shorter than the suffix is corrupt
// data (throws serde_error).
inline void check_store_key(bytes_view store_key) {
    if (store_key.size() < suffix_size) throw serde_error("window store key shorter than its 12-byte suffix");
}
// The key's own bytes.
inline bytes_view store_key_bytes(bytes_view store_key) {
    check_store_key(store_key);
    return store_key.first(store_key.size() - suffix_size);
}
// The window start.
inline int64_t store_key_timestamp(bytes_view store_key) {
    check_store_key(store_key);
    return static_cast<int64_t>(get_be64(store_key.data() + store_key.size() - suffix_size));
}
// The sequence number (duplicates in join stores).
inline int32_t store_key_seqnum(bytes_view store_key) {
    check_store_key(store_key);
    return static_cast<int32_t>(get_be32(store_key.data() + store_key.size() - seqnum_size));
}

// The parts of a time-windowed key (key + start).
inline bytes_view windowed_key_bytes(bytes_view binary) {
    if (binary.size() < timestamp_size) throw serde_error("time-windowed key shorter than its 8-byte window start");
    return binary.first(binary.size() - timestamp_size);
}
// The window start of a time-windowed key.
inline int64_t windowed_key_start(bytes_view binary) {
    if (binary.size() < timestamp_size) throw serde_error("time-windowed key shorter than its 8-byte window start");
    return static_cast<int64_t>(get_be64(binary.data() + binary.size() - timestamp_size));
}

// A time window of the given size from start; the end saturates at the
// largest timestamp, as Kafka's timeWindowForSize does.
inline int64_t window_end_for_size(int64_t start, int64_t size) {
    if (start > std::numeric_limits<int64_t>::max() - size) return std::numeric_limits<int64_t>::max();
    return start + size;
}

}  // namespace samsa::streams::window_key_schema

namespace samsa::streams::session_key_schema {

inline constexpr size_t suffix_size = 2 * window_key_schema::timestamp_size;

inline bytes to_binary(bytes_view key, int64_t start, int64_t end) {
    bytes out(key.size() + suffix_size);
    std::copy(key.begin(), key.end(), out.begin());
    put_be64(out.data() + key.size(), static_cast<uint64_t>(end));
    put_be64(out.data() + key.size() + window_key_schema::timestamp_size, static_cast<uint64_t>(start));
    return out;
}

inline void check(bytes_view binary) {
    if (binary.size() < suffix_size) throw serde_error("session key shorter than its 16-byte suffix");
}
inline bytes_view key_bytes(bytes_view binary) {
    check(binary);
    return binary.first(binary.size() - suffix_size);
}
inline int64_t end_time(bytes_view binary) {
    check(binary);
    return static_cast<int64_t>(get_be64(binary.data() + binary.size() - suffix_size));
}
inline int64_t start_time(bytes_view binary) {
    check(binary);
    return static_cast<int64_t>(get_be64(binary.data() + binary.size() - window_key_schema::timestamp_size));
}

}  // namespace samsa::streams::session_key_schema
