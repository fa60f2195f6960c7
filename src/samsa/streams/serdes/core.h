#pragma once
// The two types every serde is made of: serde<T> (a serializer and a
// deserializer) and serde_error (what a deserializer throws on bad input).
//
// Why exceptions here, when Samsa otherwise returns result<T>: serdes are user
// code, called deep inside a processor chain the user also writes, and Kafka
// Streams' contract is that any of them may fail on any record. The runtime and
// the test driver catch std::exception at the record boundary and hand it to the
// deserialization exception handler (log-and-continue or log-and-fail), exactly
// as Kafka Streams does. User serdes may throw any std::exception; ours throw
// serde_error.
//
// Nulls never reach a serde: absent keys, absent values and tombstones are kept
// as std::optional<T> by the framework and mapped null <-> null, as Kafka's
// built-in serdes do (serialize(null) == null, deserialize(null) == null).
//
// Threads: a serde is called by the stream thread that owns the task using it;
// the built-in serdes hold no state and may be shared freely.

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/export.h"

namespace samsa::streams {

struct SAMSA_STREAMS_API serde_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Kafka's Serde<T>: a serializer and a deserializer, as two functions. Called on stream threads; must be safe to call
// from several at once.
template<class T>
struct serde {
    // The type it converts.
    using value_type = T;
    // topic: the topic the bytes are written to or read from (a changelog or
    // repartition topic for internal data), as Kafka passes it.
    std::function<samsa::bytes(std::string_view topic, const T&)> serialize;
    // Throws serde_error for bytes that are not a T.
    std::function<T(std::string_view topic, bytes_view)> deserialize;
};

}  // namespace samsa::streams
