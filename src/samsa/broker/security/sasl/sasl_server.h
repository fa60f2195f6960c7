#pragma once
// sasl_server: the SASL state of one connection on a SASL_PLAINTEXT or
// SASL_SSL listener, as Kafka's SaslServerAuthenticator keeps it:
//
//   handshake --SaslHandshake(mechanism)--> authenticate --SaslAuthenticate*--> authenticated
//                                                   \--(bad credentials)--> failed (then closed)
//
// SaslHandshake v0 means the tokens that follow come as bare size-prefixed
// frames instead of SaslAuthenticate requests (KIP-43; kafka-python 2.0
// does this); v1 means SaslAuthenticate (KIP-152). Until authenticated,
// the dispatcher lets through only ApiVersions, SaslHandshake and
// SaslAuthenticate.
//
// Re-authentication (KIP-368, connections.max.reauth.ms > 0): an
// authenticated session expires; a SaslHandshake on the authenticated
// connection starts the exchange again (same mechanism, same principal),
// and a request after expiry without it closes the connection (the
// dispatcher checks session_expired()).
//
// Mechanisms: PLAIN (users from the listener's JAAS config), SCRAM-SHA-256
// and SCRAM-SHA-512 (credentials from the broker's scram_store).
//
// Thread: the I/O thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "samsa/broker/security/listener_security.h"
#include "samsa/broker/security/scram/scram.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker::security {

class sasl_server {
public:
    explicit sasl_server(const sasl_settings& settings) : settings_(settings) {}

    enum class state { handshake, authenticate, authenticated, failed };
    state current() const { return state_; }
    bool authenticated() const { return state_ == state::authenticated; }
    // After a v0 handshake, until authenticated: frames are bare SASL tokens.
    bool expects_raw_tokens() const { return state_ == state::authenticate && raw_tokens_; }

    // SaslHandshake: none, UNSUPPORTED_SASL_MECHANISM or ILLEGAL_SASL_STATE.
    protocol::error_code handshake(const std::string& mechanism, int16_t version);
    std::vector<std::string> mechanisms() const;

    struct step {
        protocol::error_code error = protocol::error_code::none;
        std::string message;  // for the client when error is set
        bytes reply;
        bool done = false;    // authenticated with this step
    };
    // SaslAuthenticate (or a bare token).
    step authenticate(bytes_view token);
    const std::string& user() const { return user_; }
    const std::string& mechanism() const { return mechanism_; }

    // KIP-368: the listener's connections.max.reauth.ms (0: sessions never expire).
    std::chrono::milliseconds session_lifetime() const { return settings_.reauth; }
    // A client that used SaslAuthenticate v1+ can re-authenticate.
    void note_authenticate_version(int16_t version) { client_can_reauthenticate_ = version >= 1; }
    bool client_can_reauthenticate() const { return client_can_reauthenticate_; }
    // Back to the handshake state, keeping the mechanism and user to check
    // the new exchange against. Only once authenticated.
    void begin_reauthentication();
    bool reauthenticating() const { return !previous_user_.empty(); }
    // When the authenticated session ends (none: never).
    void set_session_expiry(std::optional<std::chrono::steady_clock::time_point> at) { expires_at_ = at; }
    bool session_expired(std::chrono::steady_clock::time_point now) const { return expires_at_ && now >= *expires_at_; }

private:
    step exchange(bytes_view token);
    step plain(bytes_view token);
    step fail(protocol::error_code e, std::string message);

    const sasl_settings& settings_;
    state state_ = state::handshake;
    bool raw_tokens_ = false;
    std::string mechanism_;
    std::string user_;
    std::unique_ptr<scram_exchange> scram_;
    bool client_can_reauthenticate_ = false;
    std::string previous_mechanism_, previous_user_;  // while re-authenticating
    std::string bad_reauth_mechanism_;                // the error for a changed mechanism
    std::optional<std::chrono::steady_clock::time_point> expires_at_;
};

}  // namespace samsa::broker::security
