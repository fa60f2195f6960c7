#pragma once
// What the left table of a foreign-key join sends to the right table's
// partition (Kafka Streams' SubscriptionWrapper, version 1): "the row with
// primary key K now refers (or no longer refers) to this foreign key",
// keyed by the foreign key on the subscription registration topic.
//
// Wire format (SubscriptionWrapperSerde, big-endian):
//
//   +--------+-----------+ - - - - - - - - - - + - - - - - - - -+-------------------+
//   | h|ver  |instruction| hash (16, if h = 0) | primary key    | primary partition |
//   | 1 byte | 1 byte    | two int64, h1 h2    | key serde bytes| int32             |
//   +--------+-----------+ - - - - - - - - - - + - - - - - - - -+-------------------+
//   h: 0x80 set when the hash is null (the left row was deleted); ver: 1.
//   Version 0 (Kafka < 3.4) has no primary partition; it is read too.
//
// The hash is the murmur3 hash128 of the left value's serialized bytes, so a
// response computed for an older value of the row can be recognised and
// dropped (response_join.h).
//
// Threads: values; serdes are pure.

#include <optional>
#include <string>

#include "samsa/streams/detail/ops/fk_join/murmur3.h"
#include "samsa/streams/detail/ops/fk_join/wire.h"

namespace samsa::streams::internal::fk_join {

// Kafka's SubscriptionWrapper.Instruction, with its byte values.
enum class instruction : uint8_t {
    // Unsubscribe; the response is not needed (the FK changed).
    delete_key_no_propagate = 0,
    // Unsubscribe and send a response (null foreign value): the row left the join.
    delete_key_and_propagate = 1,
    // Subscribe and respond always, with a null foreign value if none.
    propagate_null_if_no_fk_val_available = 2,
    // Subscribe and respond only if the foreign row exists.
    propagate_only_if_fk_val_available = 3,
};

template<class K>
struct subscription_wrapper {
    static constexpr int8_t current_version = 1;
    std::optional<hash128> hash;
    instruction instr = instruction::propagate_only_if_fk_val_available;
    K primary_key{};
    int8_t version = current_version;
    // The left row's partition, where the response goes back to (version >= 1).
    std::optional<int32_t> primary_partition;
    bool operator==(const subscription_wrapper&) const = default;
};

// pk_topic: the topic the primary key serde is called with (Kafka's
// "<app>-<subscription topic>-pk"); empty: the topic the wrapper is written
// to plus "-pk", which is the same name when that topic is the subscription
// topic.
template<class K>
serde<subscription_wrapper<K>> subscription_wrapper_serde(serde<K> primary_key_serde, std::string pk_topic = {}) {
    serde<subscription_wrapper<K>> s;
    s.serialize = [pk = primary_key_serde, pk_topic](std::string_view topic, const subscription_wrapper<K>& w) {
        if (w.version < 0) throw serde_error("SubscriptionWrapper version is larger than maximum supported 0x7F");
        samsa::bytes key = pk.serialize(pk_topic.empty() ? std::string(topic) + "-pk" : pk_topic, w.primary_key);
        samsa::bytes out;
        out.reserve(2 + 16 + key.size() + 4);
        out.push_back(static_cast<uint8_t>(w.hash ? w.version : (w.version | 0x80)));
        out.push_back(static_cast<uint8_t>(w.instr));
        if (w.hash) {
            put_be(out, static_cast<uint64_t>((*w.hash)[0]), 8);
            put_be(out, static_cast<uint64_t>((*w.hash)[1]), 8);
        }
        out.insert(out.end(), key.begin(), key.end());
        if (w.version > 0) put_be(out, static_cast<uint32_t>(w.primary_partition.value_or(-1)), 4);
        return out;
    };
    s.deserialize = [pk = primary_key_serde, pk_topic](std::string_view topic, bytes_view in) {
        if (in.size() < 2) throw serde_error("SubscriptionWrapper too short");
        subscription_wrapper<K> w;
        w.version = static_cast<int8_t>(in[0] & 0x7F);
        bool hash_null = (in[0] & 0x80) != 0;
        if (in[1] > 3) throw serde_error("unknown SubscriptionWrapper instruction " + std::to_string(in[1]));
        w.instr = static_cast<instruction>(in[1]);
        size_t at = 2;
        if (!hash_null) {
            w.hash = hash128{static_cast<int64_t>(get_be(in, at, 8)), static_cast<int64_t>(get_be(in, at + 8, 8))};
            at += 16;
        }
        size_t tail = w.version > 0 ? 4 : 0;
        if (in.size() < at + tail) throw serde_error("SubscriptionWrapper too short");
        w.primary_key = pk.deserialize(pk_topic.empty() ? std::string(topic) + "-pk" : pk_topic,
                                       in.subspan(at, in.size() - at - tail));
        if (w.version > 0) w.primary_partition = static_cast<int32_t>(get_be(in, in.size() - 4, 4));
        return w;
    };
    return s;
}

}  // namespace samsa::streams::internal::fk_join
