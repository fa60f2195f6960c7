#include "samsa/broker/security/sasl/sasl_server.h"

#include <openssl/crypto.h>

namespace samsa::broker::security {

using protocol::error_code;

std::vector<std::string> sasl_server::mechanisms() const {
    return {settings_.mechanisms.begin(), settings_.mechanisms.end()};
}

error_code sasl_server::handshake(const std::string& mechanism, int16_t version) {
    if (state_ != state::handshake) {
        state_ = state::failed;
        return error_code::illegal_sasl_state;
    }
    if (!settings_.mechanisms.contains(mechanism)) {
        state_ = state::failed;
        return error_code::unsupported_sasl_mechanism;
    }
    if (reauthenticating() && mechanism != previous_mechanism_) {
        // As Kafka: the handshake succeeds, the SaslAuthenticate after it fails.
        bad_reauth_mechanism_ = "SASL mechanism '" + mechanism +
                                "' requested by client is not supported for re-authentication of mechanism '" +
                                previous_mechanism_ + "'";
    }
    mechanism_ = mechanism;
    raw_tokens_ = version == 0;
    state_ = state::authenticate;
    if (auto m = parse_scram_mechanism(mechanism)) {
        scram_store* store = settings_.scram;
        scram_ = std::make_unique<scram_exchange>(*m, [store, m](const std::string& user) {
            return store ? store->find(user, *m) : std::nullopt;
        });
    }
    return error_code::none;
}

sasl_server::step sasl_server::fail(error_code e, std::string message) {
    state_ = state::failed;
    return {e, std::move(message), {}, false};
}

void sasl_server::begin_reauthentication() {
    if (state_ != state::authenticated) return;
    previous_mechanism_ = mechanism_;
    previous_user_ = user_;
    bad_reauth_mechanism_.clear();
    scram_.reset();
    state_ = state::handshake;
}

sasl_server::step sasl_server::authenticate(bytes_view token) {
    if (state_ != state::authenticate) {
        return fail(error_code::illegal_sasl_state, "Unexpected SaslAuthenticate request: no SaslHandshake before it");
    }
    if (!bad_reauth_mechanism_.empty()) return fail(error_code::sasl_authentication_failed, bad_reauth_mechanism_);
    step out = exchange(token);
    if (!out.done || !reauthenticating()) return out;
    if (user_ != previous_user_) {
        return fail(error_code::sasl_authentication_failed,
                    "Cannot change principals during re-authentication from User." + previous_user_ + ": User." + user_);
    }
    previous_user_.clear();
    previous_mechanism_.clear();
    return out;
}

sasl_server::step sasl_server::exchange(bytes_view token) {
    if (mechanism_ == "PLAIN") return plain(token);
    auto r = scram_->evaluate(as_chars(token));
    if (!r.ok) {
        return fail(error_code::sasl_authentication_failed,
                    r.error.empty() ? "Authentication failed during authentication due to invalid credentials with "
                                      "SASL mechanism " + mechanism_
                                    : r.error);
    }
    step out;
    out.reply = to_bytes(r.reply);
    if (r.done) {
        out.done = true;
        user_ = scram_->user();
        state_ = state::authenticated;
    }
    return out;
}

// PLAIN (RFC 4616): authzid NUL authcid NUL password.
sasl_server::step sasl_server::plain(bytes_view token) {
    std::string_view text = as_chars(token);
    size_t first = text.find('\0');
    size_t second = first == std::string_view::npos ? first : text.find('\0', first + 1);
    if (second == std::string_view::npos) {
        return fail(error_code::sasl_authentication_failed, "Authentication failed: Invalid SASL/PLAIN response");
    }
    std::string authzid(text.substr(0, first));
    std::string user(text.substr(first + 1, second - first - 1));
    std::string password(text.substr(second + 1));
    if (user.empty() || password.empty()) {
        return fail(error_code::sasl_authentication_failed,
                    "Authentication failed: username and password must not be empty");
    }
    if (!authzid.empty() && authzid != user) {
        return fail(error_code::sasl_authentication_failed,
                    "Authentication failed: Client requested an authorization id that is different from username");
    }
    auto it = settings_.plain_users.find(user);
    bool match = it != settings_.plain_users.end() && it->second.size() == password.size() &&
                 CRYPTO_memcmp(it->second.data(), password.data(), password.size()) == 0;
    if (!match) return fail(error_code::sasl_authentication_failed, "Authentication failed: Invalid username or password");
    user_ = user;
    state_ = state::authenticated;
    return {error_code::none, {}, {}, true};
}

}  // namespace samsa::broker::security
