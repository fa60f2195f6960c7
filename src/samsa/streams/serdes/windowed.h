#pragma once
// Serdes for windowed keys, writing Kafka's formats (see
// state/window_key_schema.h for the layouts):
//
//   serdes::time_windowed<K>(inner, window_size)   key + 8-byte start
//       (Kafka's TimeWindowedSerde; the end is start + window_size on read,
//        as Kafka's TimeWindowedDeserializer, which needs the size)
//   serdes::session_windowed<K>(inner)             key + 8-byte end + 8-byte start
//       (Kafka's SessionWindowedSerde)
//
// Threads: stateless once built; share freely.

#include <cstdint>
#include <string_view>

#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/window_key_schema.h"
#include "samsa/streams/windowed.h"

namespace samsa::streams::serdes {

// Kafka's TimeWindowedSerde: the key's bytes, then the window start (8 bytes); the window end is start +
// window_size_ms.
template<class K>
serde<windowed<K>> time_windowed(serde<K> inner, int64_t window_size_ms) {
    return serde<windowed<K>>{
        [inner](std::string_view topic, const windowed<K>& w) {
            return window_key_schema::to_binary(inner.serialize(topic, w.key()), w.window().start());
        },
        [inner, window_size_ms](std::string_view topic, bytes_view data) {
            int64_t start = window_key_schema::windowed_key_start(data);
            K key = inner.deserialize(topic, window_key_schema::windowed_key_bytes(data));
            return windowed<K>(std::move(key),
                               window::time(start, window_key_schema::window_end_for_size(start, window_size_ms)));
        }};
}

// Kafka's SessionWindowedSerde: the key's bytes, then the session's end and start (8 bytes each).
template<class K>
serde<windowed<K>> session_windowed(serde<K> inner) {
    return serde<windowed<K>>{
        [inner](std::string_view topic, const windowed<K>& w) {
            return session_key_schema::to_binary(inner.serialize(topic, w.key()), w.window().start(), w.window().end());
        },
        [inner](std::string_view topic, bytes_view data) {
            int64_t end = session_key_schema::end_time(data);
            int64_t start = session_key_schema::start_time(data);
            K key = inner.deserialize(topic, session_key_schema::key_bytes(data));
            return windowed<K>(std::move(key), window::session(start, end));
        }};
}

}  // namespace samsa::streams::serdes
