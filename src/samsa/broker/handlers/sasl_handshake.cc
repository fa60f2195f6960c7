// SaslHandshake: picks the SASL mechanism of a connection on a SASL
// listener. Anywhere else, or a second time, ILLEGAL_SASL_STATE; a mechanism
// the listener does not enable, UNSUPPORTED_SASL_MECHANISM with the enabled
// list. Either error closes the connection after the answer, as in Kafka.
#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/broker/net/connection.h"
#include "samsa/broker/security/listener_security.h"
#include "samsa/broker/security/sasl/sasl_server.h"
#include "samsa/protocol/messages/sasl_handshake.h"

namespace samsa::broker {

void handle_sasl_handshake(request_context ctx, connection& conn) {
    auto req = ctx.decode<protocol::sasl_handshake_request>();
    if (!req) return;
    protocol::sasl_handshake_response resp;
    security::sasl_server* sasl = conn.sasl();
    if (!sasl) {
        // Kafka answers this on PLAINTEXT and SSL listeners and keeps the connection.
        resp.error_code = protocol::error_code::illegal_sasl_state;
        ctx.respond(resp);
        return;
    }
    resp.mechanisms = sasl->mechanisms();
    resp.error_code = sasl->handshake(req->mechanism, ctx.version());
    if (resp.error_code == protocol::error_code::none) {
        ctx.respond(resp);
        return;
    }
    spdlog::info("connection {} from {}: SaslHandshake for {} refused: {}", conn.id(), conn.peer(), req->mechanism,
                 protocol::name(resp.error_code));
    std::vector<bytes> frame;
    frame.push_back(protocol::encode_response_frame(ctx.header.correlation_id, ctx.version(), resp));
    answer_then_close(conn, std::move(ctx.slot), std::move(frame), std::chrono::milliseconds(0));
}

void handle_sasl_in_dispatcher(request_context ctx) { ctx.slot.close("SASL request outside the dispatcher"); }

}  // namespace samsa::broker
