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

struct record_header {
    std::string key;
    std::optional<bytes> value;
    bool operator==(const record_header&) const = default;
};
using record_headers = std::vector<record_header>;

template<class K, class V>
struct record {
    std::optional<K> key;
    std::optional<V> value;
    int64_t timestamp = 0;
    record_headers headers;

    // On an lvalue these copy what they keep; on an rvalue
    // (std::move(r).with_value(...)) they move it, as a processor forwarding
    // the record it was handed by value should.
    template<class K2>
    record<K2, V> with_key(std::optional<K2> k) const& {
        return {std::move(k), value, timestamp, headers};
    }
    template<class K2>
    record<K2, V> with_key(std::optional<K2> k) && {
        return {std::move(k), std::move(value), timestamp, std::move(headers)};
    }
    template<class V2>
    record<K, V2> with_value(std::optional<V2> v) const& {
        return {key, std::move(v), timestamp, headers};
    }
    template<class V2>
    record<K, V2> with_value(std::optional<V2> v) && {
        return {std::move(key), std::move(v), timestamp, std::move(headers)};
    }
    record with_timestamp(int64_t ts) const& {
        record r = *this;
        r.timestamp = ts;
        return r;
    }
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
    std::string_view topic;
    int32_t partition = 0;
    int64_t offset = 0;
};

// A KTable update: the new value and, when a downstream operator asked for it
// (Kafka's sendOldValues), the old one (Kafka Streams' Change<V>).
template<class V>
struct change {
    std::optional<V> new_value;
    std::optional<V> old_value;
    bool operator==(const change&) const = default;
};

}  // namespace samsa::streams
