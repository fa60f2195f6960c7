#pragma once
// serdes::json<T>(): JSON text (UTF-8, no framing) through nlohmann-json, using
// the to_json / from_json functions the user declares next to T (found by
// ADL, or an nlohmann::adl_serializer<T> specialisation). Field names are the
// user's business: write "orderId" in to_json if Java peers expect camelCase.
//
// A parse error or a type mismatch (a string where from_json wants a number, a
// missing key read with at()) throws serde_error; any other exception thrown
// by the user's from_json passes through unchanged.

#include <nlohmann/json.hpp>

#include "samsa/streams/serdes/core.h"

namespace samsa::streams {

// True when nlohmann-json can write T and read it back.
template<class T>
concept json_convertible = requires(const T& v, const nlohmann::json& j) {
    nlohmann::json(v);
    { j.template get<T>() } -> std::same_as<T>;
};

}  // namespace samsa::streams

namespace samsa::streams::serdes {

// JSON through nlohmann::json (to_json / from_json found for T), as Kafka's JSON serdes write it.
template<json_convertible T>
serde<T> json() {
    return serde<T>{
        [](std::string_view, const T& v) {
            std::string text = nlohmann::json(v).dump();
            return samsa::bytes(text.begin(), text.end());
        },
        [](std::string_view topic, bytes_view data) -> T {
            try {
                return nlohmann::json::parse(data.begin(), data.end()).template get<T>();
            } catch (const nlohmann::json::exception& e) {
                throw serde_error("cannot read JSON from topic '" + std::string(topic) + "': " + e.what());
            }
        },
    };
}

}  // namespace samsa::streams::serdes
