#pragma once
// record<K, V>: what flows between processors (Kafka Streams' api.Record):
// key, value, timestamp and headers. Absent keys and values (null in Java,
// tombstones) are std::nullopt; serdes never see them.
//
// Threads: a value type; owned by whoever holds it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samsa/bytes/bytes.h"

namespace samsa::streams {

// One record header (Kafka's Header): a key and an optional value.
struct record_header {
    // The header's key.
    std::string key;
    // Its value; nullopt for Kafka's null.
    std::optional<bytes> value;
    // Same key and value.
    bool operator==(const record_header&) const = default;
};
// A record's headers, in order; keys may repeat (Kafka's Headers).
using record_headers = std::vector<record_header>;

// Kafka Streams' api.Record<K, V>; see the top of this file.
template<class K, class V>
struct record {
    // nullopt: no key (null in Java).
    std::optional<K> key;
    // nullopt: no value (a tombstone).
    std::optional<V> value;
    // Milliseconds since the epoch.
    int64_t timestamp = 0;
    // The record's headers.
    record_headers headers;

    // On an lvalue these copy what they keep; on an rvalue
    // (std::move(r).with_value(...)) they move it, as a processor forwarding
    // the record it was handed by value should.
    template<class K2>
    record<K2, V> with_key(std::optional<K2> k) const& {
        return {std::move(k), value, timestamp, headers};
    }
    // with_key() that moves value and headers.
    template<class K2>
    record<K2, V> with_key(std::optional<K2> k) && {
        return {std::move(k), std::move(value), timestamp, std::move(headers)};
    }
    // The record with another value (of any type), the same key, timestamp and headers (Kafka's withValue).
    template<class V2>
    record<K, V2> with_value(std::optional<V2> v) const& {
        return {key, std::move(v), timestamp, headers};
    }
    // with_value() that moves key and headers.
    template<class V2>
    record<K, V2> with_value(std::optional<V2> v) && {
        return {std::move(key), std::move(v), timestamp, std::move(headers)};
    }
    // The record with another timestamp (Kafka's withTimestamp).
    record with_timestamp(int64_t ts) const& {
        record r = *this;
        r.timestamp = ts;
        return r;
    }
    // with_timestamp() that moves the record.
    record with_timestamp(int64_t ts) && {
        record r = std::move(*this);
        r.timestamp = ts;
        return r;
    }
};

// Where the record being processed came from (Kafka's RecordMetadata). Absent
// inside punctuators, as in Kafka. topic views the name the task holds for
// its source: valid as long as the task (copy it to keep it longer).
struct record_metadata {
    // The source topic.
    std::string_view topic;
    // Its partition.
    int32_t partition = 0;
    // The record's offset in it.
    int64_t offset = 0;
};

// A KTable update: the new value and, when a downstream operator asked for it
// (Kafka's sendOldValues), the old one (Kafka Streams' Change<V>).
template<class V>
struct change {
    // The value after the update; nullopt: deleted.
    std::optional<V> new_value;
    // The value before it, when asked for; else nullopt.
    std::optional<V> old_value;
    // Same new and old values.
    bool operator==(const change&) const = default;
};

}  // namespace samsa::streams
