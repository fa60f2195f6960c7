#pragma once
// SaslHandshake (api key 17): versions 0-1.
//
// The client names its SASL mechanism; the answer lists the enabled ones.
// After v0 the SASL tokens follow as bare size-prefixed frames (KIP-43),
// after v1 inside SaslAuthenticate requests (KIP-152).

#include <string>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using sasl_handshake_api = api_range<api_key::sasl_handshake, 0, 1>;

struct sasl_handshake_request {
    using api = sasl_handshake_api;
    std::string mechanism;
    bool operator==(const sasl_handshake_request&) const = default;
};

struct sasl_handshake_response {
    using api = sasl_handshake_api;
    protocol::error_code error_code = protocol::error_code::none;
    std::vector<std::string> mechanisms;
    bool operator==(const sasl_handshake_response&) const = default;
};

template<class IO>
void serde(IO& io, sasl_handshake_request& m) {
    io.field(m.mechanism);
    io.tags();
}

template<class IO>
void serde(IO& io, sasl_handshake_response& m) {
    io.field(m.error_code);
    io.field(m.mechanisms);
    io.tags();
}

}  // namespace samsa::protocol
