#pragma once
// Serdes: how keys and values become bytes on topics and in state stores.
//
//   serde<T>            serializer + deserializer     (serdes/core.h)
//   serde_error         thrown on unreadable input    (serdes/core.h)
//   serdes::string(), bytes(), int16(), int32(), int64(), float32(),
//     float64() / double_(), boolean()                (serdes/primitive.h)
//   serdes::json<T>()                                 (serdes/json.h)
//   default_serde<T>()  the serde chosen by type, used when the user gives none
//
// Why exceptions and how nulls are handled: see serdes/core.h.

#include <cstdint>
#include <string>
#include <type_traits>

#include "samsa/streams/serdes/core.h"
#include "samsa/streams/serdes/json.h"
#include "samsa/streams/serdes/primitive.h"

namespace samsa::streams {

namespace detail {
template<class T>
inline constexpr bool no_default_serde = false;
}  // namespace detail

// True exactly when default_serde<T>() compiles; lets generic code choose
// (if constexpr) instead of tripping default_serde's static_assert.
template<class T>
concept has_default_serde =
    std::is_same_v<T, std::string> || std::is_same_v<T, samsa::bytes> || std::is_same_v<T, bool> ||
    std::is_same_v<T, float> || std::is_same_v<T, double> ||
    (std::is_integral_v<T> && std::is_signed_v<T> && (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8)) ||
    (!std::is_arithmetic_v<T> && json_convertible<T>);

// std::string -> string, samsa::bytes -> bytes, signed integers of 2/4/8 bytes
// -> big-endian, float, double, bool, and any other type nlohmann-json can
// convert -> json. Other arithmetic types (unsigned, char) are refused rather
// than silently written as JSON text, because Java has no matching serde.
template<class T>
serde<T> default_serde() {
    if constexpr (std::is_same_v<T, std::string>) {
        return serdes::string();
    } else if constexpr (std::is_same_v<T, samsa::bytes>) {
        return serdes::bytes();
    } else if constexpr (std::is_same_v<T, bool>) {
        return serdes::boolean();
    } else if constexpr (std::is_same_v<T, float>) {
        return serdes::float32();
    } else if constexpr (std::is_same_v<T, double>) {
        return serdes::float64();
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 2) {
        return serdes::detail::big_endian_integer<T>("ShortDeserializer");
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 4) {
        return serdes::detail::big_endian_integer<T>("IntegerDeserializer");
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8) {
        return serdes::detail::big_endian_integer<T>("LongDeserializer");
    } else if constexpr (!std::is_arithmetic_v<T> && json_convertible<T>) {
        return serdes::json<T>();
    } else {
        static_assert(detail::no_default_serde<T>,
                      "samsa::streams::default_serde<T>: no default serde for this type. Pass a serde<T> "
                      "explicitly (serdes::string(), serdes::int64(), ...) or declare nlohmann-json "
                      "to_json/from_json for T to get serdes::json<T>().");
    }
}

}  // namespace samsa::streams
