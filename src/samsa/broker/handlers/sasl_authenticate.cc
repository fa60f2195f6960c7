// SaslAuthenticate: one SASL token of the mechanism chosen by SaslHandshake
// (KIP-152), or a bare token after SaslHandshake v0 (KIP-43). On success the
// connection's principal becomes User:<name>; on failure the answer carries
// SASL_AUTHENTICATION_FAILED (or ILLEGAL_SASL_STATE) with a message and goes
// out after connection.failed.authentication.delay.ms, then the connection
// closes. With connections.max.reauth.ms set, a successful exchange
// starts a session of that length (session_lifetime_ms, v1+): the client
// re-authenticates on the same connection before it ends (KIP-368).
#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/net/connection.h"
#include "samsa/broker/security/sasl/sasl_server.h"
#include "samsa/protocol/messages/sasl_authenticate.h"

namespace samsa::broker {

namespace {

// Records the outcome on the connection and in the metrics; the delay a
// failure waits. again: a re-authentication (KIP-368).
std::chrono::milliseconds settle(broker& b, connection& conn, const security::sasl_server::step& step, bool again) {
    security::sasl_server* sasl = conn.sasl();
    if (step.done) b.metrics().authenticated(true);
    if (step.error != protocol::error_code::none) b.metrics().authenticated(false);
    if (step.done) {
        if (again) {
            spdlog::info("connection {} from {}: re-authenticated as User:{} with {}", conn.id(), conn.peer(),
                         sasl->user(), sasl->mechanism());
        } else {
            spdlog::debug("connection {} from {}: authenticated as User:{} with {}", conn.id(), conn.peer(),
                          sasl->user(), sasl->mechanism());
        }
        conn.set_principal({"User", sasl->user()});
        const auto lifetime = conn.sasl()->session_lifetime();
        sasl->set_session_expiry(lifetime.count() > 0
                                     ? std::optional(std::chrono::steady_clock::now() + lifetime)
                                     : std::nullopt);
        return std::chrono::milliseconds(0);
    }
    if (step.error == protocol::error_code::none) return std::chrono::milliseconds(0);
    spdlog::info("connection {} from {} on {}: authentication failed ({}): {}", conn.id(), conn.peer(),
                 conn.session().listener_name, sasl->mechanism(), step.message);
    return step.error == protocol::error_code::sasl_authentication_failed
               ? conn.listener_security()->failed_authentication_delay
               : std::chrono::milliseconds(0);
}

}  // namespace

void answer_then_close(connection& conn, response_slot slot, std::vector<bytes> frame,
                       std::chrono::milliseconds delay) {
    conn.drain();  // reads nothing more; closes once this answer is written
    if (delay.count() <= 0) {
        if (frame.empty()) slot.close("authentication failed");
        else slot.send(std::move(frame));
        return;
    }
    auto timer = std::make_shared<asio::steady_timer>(conn.executor(), delay);
    timer->async_wait([timer, slot = std::move(slot), frame = std::move(frame)](const asio::error_code&) mutable {
        if (frame.empty()) slot.close("authentication failed");
        else slot.send(std::move(frame));
    });
}

void handle_sasl_authenticate(request_context ctx, connection& conn) {
    auto req = ctx.decode<protocol::sasl_authenticate_request>();
    if (!req) return;
    protocol::sasl_authenticate_response resp;
    security::sasl_server* sasl = conn.sasl();
    if (!sasl || sasl->authenticated()) {
        resp.error_code = protocol::error_code::illegal_sasl_state;
        resp.error_message = sasl ? "SaslAuthenticate request received after successful authentication"
                                  : "SaslAuthenticate on a listener without SASL";
        ctx.respond(resp);
        return;
    }
    sasl->note_authenticate_version(ctx.version());
    const bool again = sasl->reauthenticating();
    auto step = sasl->authenticate(req->auth_bytes);
    auto delay = settle(*ctx.b, conn, step, again);
    if (step.done) resp.session_lifetime_ms = conn.sasl()->session_lifetime().count();
    resp.error_code = step.error;
    if (step.error != protocol::error_code::none) resp.error_message = step.message;
    resp.auth_bytes = std::move(step.reply);
    std::vector<bytes> frame;
    frame.push_back(protocol::encode_response_frame(ctx.header.correlation_id, ctx.version(), resp));
    if (step.error == protocol::error_code::none) {
        ctx.slot.send(std::move(frame));
        return;
    }
    answer_then_close(conn, std::move(ctx.slot), std::move(frame), delay);
}

void handle_sasl_raw_token(broker& b, connection& conn, bytes frame, response_slot slot) {
    auto step = conn.sasl()->authenticate(frame);
    auto delay = settle(b, conn, step, false);  // KIP-43 clients cannot re-authenticate
    if (step.error != protocol::error_code::none) {
        // KIP-43 framing has no way to say why: the connection just closes.
        answer_then_close(conn, std::move(slot), {}, delay);
        return;
    }
    bytes out(4 + step.reply.size());
    const uint32_t n = static_cast<uint32_t>(step.reply.size());
    out[0] = static_cast<uint8_t>(n >> 24);
    out[1] = static_cast<uint8_t>(n >> 16);
    out[2] = static_cast<uint8_t>(n >> 8);
    out[3] = static_cast<uint8_t>(n);
    std::copy(step.reply.begin(), step.reply.end(), out.begin() + 4);
    std::vector<bytes> parts;
    parts.push_back(std::move(out));
    slot.send(std::move(parts));
}

}  // namespace samsa::broker
