#pragma once
// Authentication and credential handlers (broker/security/). SaslHandshake
// and SaslAuthenticate change the connection's state, so the dispatcher
// calls them with the connection; the registry's entries for them only
// list their versions for ApiVersions.

#include "samsa/broker/handlers/request_context.h"

namespace samsa::broker {

void handle_sasl_handshake(request_context ctx, connection& conn);
void handle_sasl_authenticate(request_context ctx, connection& conn);
// A bare SASL token after SaslHandshake v0 (no request header).
void handle_sasl_raw_token(broker& b, connection& conn, bytes frame, response_slot slot);
// Registered for SaslHandshake and SaslAuthenticate; never reached (the
// dispatcher routes them itself).
void handle_sasl_in_dispatcher(request_context ctx);

void handle_describe_user_scram_credentials(request_context ctx);
void handle_alter_user_scram_credentials(request_context ctx);

// The answer to a failed authentication step, then the connection closes:
// after connection.failed.authentication.delay.ms (Kafka delays the answer
// to slow down password guessing), with nothing else read meanwhile.
void answer_then_close(connection& conn, response_slot slot, std::vector<bytes> frame,
                       std::chrono::milliseconds delay);

}  // namespace samsa::broker
