#pragma once
// SASL PLAIN set-up the SASL end-to-end tests share: the broker options of a
// SASL_PLAINTEXT listener with PLAIN users, PLAIN's token, and a PLAIN login
// spoken by hand over a raw_client.
//
// Thread: the test's thread.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_client.h"

namespace samsa::test_support {

using plain_users = std::vector<std::pair<std::string, std::string>>;  // (name, password)

// PLAIN's initial response (RFC 4616): no authorization id, then user and password.
inline bytes plain_token(const std::string& user, const std::string& password) {
    return to_bytes(std::string(1, '\0') + user + '\0' + password);
}

// A SASL_PLAINTEXT listener with PLAIN and SCRAM-SHA-256 enabled, the PLAIN
// users given, and no delay after a failed authentication (the tests read
// the failure's answer at once).
inline broker_options sasl_plaintext_broker_options(const plain_users& users) {
    std::string jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required";
    for (const auto& [name, password] : users) jaas += " user_" + name + "=\"" + password + "\"";
    jaas += ";";
    broker_options o;
    o.listener_name = "SASL_PLAINTEXT";
    o.overrides = {{"sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256"},
                   {"sasl.jaas.config", jaas},
                   {"connection.failed.authentication.delay.ms", "0"}};
    return o;
}

// SaslHandshake (v1) for `mechanism`, then SaslAuthenticate (`version`) with
// PLAIN's token. The SaslAuthenticate answer, whatever its error code; an
// error when the handshake was refused or the connection failed.
inline result<protocol::sasl_authenticate_response> plain_login(raw_client& raw, const std::string& user,
                                                                const std::string& password,
                                                                const std::string& mechanism = "PLAIN",
                                                                int16_t version = 2) {
    auto hs = raw.call<protocol::sasl_handshake_response>(protocol::sasl_handshake_request{mechanism}, 1);
    if (!hs) return hs.error();
    if (hs->error_code != protocol::error_code::none)
        return make_error(errc::invalid_argument, "SaslHandshake " + mechanism + ": " +
                                                      std::string(protocol::name(hs->error_code)));
    return raw.call<protocol::sasl_authenticate_response>(
        protocol::sasl_authenticate_request{plain_token(user, password)}, version);
}

}  // namespace samsa::test_support
