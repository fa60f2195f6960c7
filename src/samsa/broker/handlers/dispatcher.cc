#include "samsa/broker/handlers/dispatcher.h"
#include "samsa/broker/net/connection.h"

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/registry.h"
#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/security/sasl/sasl_server.h"
#include "samsa/broker/security/quota/quota_manager.h"
#include "samsa/protocol/header.h"
#include "samsa/protocol/messages/api_versions.h"

namespace samsa::broker {

namespace {

// What a client on a SASL listener may send before it has authenticated (Kafka's rule).
bool allowed_before_authentication(protocol::api_key key) {
    return key == protocol::api_key::api_versions || key == protocol::api_key::sasl_handshake ||
           key == protocol::api_key::sasl_authenticate;
}

// KIP-368 on an authenticated SASL connection: a SaslHandshake from a client
// that can re-authenticate starts the exchange again (expired or not);
// any other request is served only while the session lasts (false: close,
// as Kafka's SocketServer does).
bool reauthenticate_or_check_session(connection& conn, protocol::api_key key) {
    security::sasl_server* sasl = conn.sasl();
    if (key == protocol::api_key::sasl_handshake && conn.sasl()->session_lifetime().count() > 0 &&
        sasl->client_can_reauthenticate()) {
        sasl->begin_reauthentication();
        return true;
    }
    return !sasl->session_expired(std::chrono::steady_clock::now());
}

}  // namespace

// request_percentage: the handler's time on the I/O thread, as a percentage
// of one thread over the quota window (Kafka's request quota). A client over
// it has its connection muted for the throttle time. Only the connection is
// muted: the answers already sent carry no throttle time (Produce and Fetch
// report their byte-rate throttle). ApiVersions is exempt, as in Kafka.
void dispatcher::charge_request_time(connection& conn, const protocol::request_header& header,
                                     std::chrono::steady_clock::duration spent) {
    if (header.key == protocol::api_key::api_versions) return;
    const double nanos = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(spent).count());
    auto ms = broker_.quotas().record(security::quota::quota_kind::request, conn.session(),
                                      header.client_id.value_or(""), nanos * 100.0 / 1e9,
                                      security::quota::quota_manager::now_ms());
    if (ms > 0) conn.mute_for(std::chrono::milliseconds(ms));
}

void dispatcher::dispatch(connection& conn, bytes frame, response_slot slot) {
    const bool authenticated = conn.authenticated();
    if (!authenticated && conn.sasl()->expects_raw_tokens()) {
        handle_sasl_raw_token(broker_, conn, std::move(frame), std::move(slot));
        return;
    }
    auto parsed = protocol::parse_request(frame);
    if (!parsed) {
        spdlog::warn("connection {} from {}: bad request header: {}", conn.id(), conn.peer(),
                     parsed.error().message);
        slot.close("malformed request header");
        return;
    }
    const auto& header = parsed->header;
    if (authenticated && conn.sasl() && !reauthenticate_or_check_session(conn, header.key)) {
        slot.close("SASL session expired (connections.max.reauth.ms) without re-authentication");
        return;
    }
    if (!authenticated && !allowed_before_authentication(header.key)) {
        spdlog::info("connection {} from {} on {}: {} before authentication; closing", conn.id(), conn.peer(),
                     conn.session().listener_name, protocol::name(header.key));
        slot.close("request before authentication");
        return;
    }
    const api_entry* api = find_api(header.key);
    if (!api || header.api_version < api->min_version || header.api_version > api->max_version) {
        if (header.key == protocol::api_key::api_versions) {
            // Kafka's fallback: answer at v0 so any client can read it.
            auto response = make_api_versions_response();
            response.error_code = protocol::error_code::unsupported_version;
            std::vector<bytes> out;
            out.push_back(protocol::encode_response_frame(header.correlation_id, 0, response));
            slot.send(std::move(out));
            return;
        }
        spdlog::warn("connection {} from {} ({}): {} (key {}) v{} is not supported{}", conn.id(), conn.peer(),
                     header.client_id.value_or(""), protocol::name(header.key),
                     static_cast<int16_t>(header.key), header.api_version,
                     api ? " (versions " + std::to_string(api->min_version) + "-" +
                               std::to_string(api->max_version) + ")"
                         : "");
        slot.close("unsupported request");
        return;
    }
    request_context ctx;
    ctx.b = &broker_;
    ctx.header = header;
    ctx.body = parsed->body;  // points into frame's heap buffer, which moves with it
    ctx.frame = std::move(frame);
    ctx.slot = std::move(slot);
    ctx.peer = conn.peer();
    ctx.session = conn.session();
    // Kafka's request metrics: queue time until here, local time in the
    // handler, total time until the slot completes (maybe later: long polls).
    const auto started = std::chrono::steady_clock::now();
    auto& requests = broker_.metrics().requests(header.key);
    requests.started(started - conn.frame_received_at());
    ctx.slot.observe(&requests, conn.frame_received_at());
    if (header.key == protocol::api_key::sasl_handshake) {
        handle_sasl_handshake(std::move(ctx), conn);
        return;
    }
    if (header.key == protocol::api_key::sasl_authenticate) {
        handle_sasl_authenticate(std::move(ctx), conn);
        return;
    }
    api->handler(std::move(ctx));
    const auto spent = std::chrono::steady_clock::now() - started;
    requests.handled(spent);
    charge_request_time(conn, header, spent);
}

}  // namespace samsa::broker
