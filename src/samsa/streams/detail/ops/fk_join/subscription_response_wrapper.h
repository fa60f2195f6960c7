#pragma once
// What the right table sends back to the left row's partition (Kafka
// Streams' SubscriptionResponseWrapper): the foreign value (or none) and the
// hash of the left value the subscription was made for, keyed by the
// primary key on the subscription response topic.
//
// Wire format (SubscriptionResponseWrapperSerde, big-endian):
//
//   +--------+ - - - - - - - - - - + - - - - - - - - - - - - - - - +
//   | h|ver  | hash (16, if h = 0) | foreign value (absent if null) |
//   | 1 byte | two int64, h1 h2    | value serde bytes              |
//   +--------+ - - - - - - - - - - + - - - - - - - - - - - - - - - +
//   h: 0x80 set when the hash is null; ver: 0. The primary partition rides
//   along in memory only, for the sink's partitioner.
//
// Threads: values; serdes are pure.

#include <optional>

#include "samsa/streams/detail/ops/fk_join/murmur3.h"
#include "samsa/streams/detail/ops/fk_join/wire.h"

namespace samsa::streams::internal::fk_join {

template<class VO>
struct subscription_response_wrapper {
    static constexpr int8_t current_version = 0;
    std::optional<hash128> original_value_hash;
    std::optional<VO> foreign_value;
    int8_t version = current_version;
    std::optional<int32_t> primary_partition;  // not serialized
};

template<class VO>
serde<subscription_response_wrapper<VO>> subscription_response_wrapper_serde(serde<VO> foreign_value_serde) {
    serde<subscription_response_wrapper<VO>> s;
    s.serialize = [vs = foreign_value_serde](std::string_view topic, const subscription_response_wrapper<VO>& w) {
        samsa::bytes out;
        out.push_back(static_cast<uint8_t>(w.original_value_hash ? w.version : (w.version | 0x80)));
        if (w.original_value_hash) {
            put_be(out, static_cast<uint64_t>((*w.original_value_hash)[0]), 8);
            put_be(out, static_cast<uint64_t>((*w.original_value_hash)[1]), 8);
        }
        if (w.foreign_value) {
            samsa::bytes v = vs.serialize(topic, *w.foreign_value);
            out.insert(out.end(), v.begin(), v.end());
        }
        return out;
    };
    s.deserialize = [vs = foreign_value_serde](std::string_view topic, bytes_view in) {
        if (in.empty()) throw serde_error("SubscriptionResponseWrapper too short");
        subscription_response_wrapper<VO> w;
        w.version = static_cast<int8_t>(in[0] & 0x7F);
        size_t at = 1;
        if (!(in[0] & 0x80)) {
            w.original_value_hash = hash128{static_cast<int64_t>(get_be(in, 1, 8)), static_cast<int64_t>(get_be(in, 9, 8))};
            at += 16;
        }
        // As Kafka: no bytes left means a null foreign value (so a value
        // serializing to zero bytes reads back as null there too).
        if (in.size() > at) w.foreign_value = vs.deserialize(topic, in.subspan(at));
        return w;
    };
    return s;
}

}  // namespace samsa::streams::internal::fk_join
