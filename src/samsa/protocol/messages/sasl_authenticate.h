#pragma once
// SaslAuthenticate (api key 36): versions 0-2.
//
// One SASL token each way. v1+ answers the session lifetime (KIP-368: the
// client re-authenticates before it ends); v2 is flexible.

#include <optional>
#include <string>

#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"

namespace samsa::protocol {

using sasl_authenticate_api = api_range<api_key::sasl_authenticate, 0, 2>;

struct sasl_authenticate_request {
    using api = sasl_authenticate_api;
    bytes auth_bytes;
    bool operator==(const sasl_authenticate_request&) const = default;
};

struct sasl_authenticate_response {
    using api = sasl_authenticate_api;
    protocol::error_code error_code = protocol::error_code::none;
    std::optional<std::string> error_message;
    bytes auth_bytes;
    int64_t session_lifetime_ms = 0;  // v1+
    bool operator==(const sasl_authenticate_response&) const = default;
};

template<class IO>
void serde(IO& io, sasl_authenticate_request& m) {
    io.field(m.auth_bytes);
    io.tags();
}

template<class IO>
void serde(IO& io, sasl_authenticate_response& m) {
    io.field(m.error_code);
    io.field(m.error_message);
    io.field(m.auth_bytes);
    if (io.version() >= 1) io.field(m.session_lifetime_ms);
    io.tags();
}

}  // namespace samsa::protocol
