// The security half of wire_client (wire_client.h): which settings apply,
// the TLS handshake over the connected socket (OpenSSL, as the broker's
// listeners) and the SASL login, whose SCRAM side is the broker's own
// (broker/security/scram/scram.h) run as the client.

#include <cctype>

#include <fmt/ranges.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "samsa/broker/security/scram/scram_client.h"
#include "samsa/cli/kafka/wire_client.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"

namespace samsa::cli::kafka {

namespace {

using clock = std::chrono::steady_clock;

// The last OpenSSL error of this thread as text (and clears the queue).
std::string openssl_error() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "no OpenSSL error";
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

std::string lowercase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

status apply_protocol(wire_security& s, const std::string& value) {
    const std::string p = lowercase(value);
    if (p != "plaintext" && p != "ssl" && p != "sasl_plaintext" && p != "sasl_ssl")
        return make_error(errc::invalid_argument, fmt::format("security.protocol '{}' is not one of "
                                                              "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", value));
    s.tls = p == "ssl" || p == "sasl_ssl";
    s.sasl = p.starts_with("sasl_");
    return ok();
}

// The TLS settings' files and the peer check, on a fresh client context.
status configure_context(SSL_CTX* ctx, const wire_security& s) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const bool trusted = s.ca_location.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                               : SSL_CTX_load_verify_locations(ctx, s.ca_location.c_str(), nullptr) == 1;
    if (!trusted)
        return make_error(errc::invalid_argument, fmt::format("ssl.ca.location '{}': {}", s.ca_location, openssl_error()));
    if (!s.key_password.empty()) SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<char*>(s.key_password.c_str()));
    if (!s.certificate_location.empty() &&
        SSL_CTX_use_certificate_chain_file(ctx, s.certificate_location.c_str()) != 1)
        return make_error(errc::invalid_argument,
                          fmt::format("ssl.certificate.location '{}': {}", s.certificate_location, openssl_error()));
    if (!s.key_location.empty() && SSL_CTX_use_PrivateKey_file(ctx, s.key_location.c_str(), SSL_FILETYPE_PEM) != 1)
        return make_error(errc::invalid_argument, fmt::format("ssl.key.location '{}': {}", s.key_location, openssl_error()));
    return ok();
}

// Why a handshake failed, in words a user can act on.
std::string handshake_failure(SSL* ssl) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
        return fmt::format("the broker's certificate is not trusted ({}); check ssl.ca.location",
                           X509_verify_cert_error_string(verify));
    return openssl_error();
}

}  // namespace

result<wire_security> wire_security_from(const std::vector<std::pair<std::string, std::string>>& properties) {
    wire_security s;
    for (const auto& [key, value] : properties) {
        if (key == "security.protocol") {
            if (auto st = apply_protocol(s, value); !st) return st.error();
        } else if (key == "ssl.ca.location") s.ca_location = value;
        else if (key == "ssl.certificate.location") s.certificate_location = value;
        else if (key == "ssl.key.location") s.key_location = value;
        else if (key == "ssl.key.password") s.key_password = value;
        else if (key == "ssl.endpoint.identification.algorithm") s.verify_hostname = lowercase(value) == "https";
        else if (key == "sasl.mechanisms" || key == "sasl.mechanism") s.mechanism = value;
        else if (key == "sasl.username") s.username = value;
        else if (key == "sasl.password") s.password = value;
    }
    if (s.sasl && s.mechanism != "PLAIN" && !broker::security::parse_scram_mechanism(s.mechanism))
        return make_error(errc::invalid_argument, fmt::format("sasl.mechanisms '{}': this command speaks PLAIN, "
                                                              "SCRAM-SHA-256 and SCRAM-SHA-512", s.mechanism));
    return s;
}

status wire_client::start_tls(const wire_security& security, const std::string& host) {
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ssl_ctx_) return make_error(errc::io_error, "no TLS context: " + openssl_error());
    if (auto s = configure_context(ssl_ctx_, security); !s) return s;
    ssl_ = SSL_new(ssl_ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    // The name (or address) the broker was reached by must be in its certificate.
    if (security.verify_hostname) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
        if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    }
    const auto deadline = clock::now() + timeout_;
    for (int rc; (rc = SSL_connect(ssl_)) != 1;) {
        const int e = SSL_get_error(ssl_, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return make_error(errc::io_error, fmt::format("TLS handshake with {} failed: {}", address_, handshake_failure(ssl_)));
        if (!wait(e == SSL_ERROR_WANT_READ, deadline))
            return make_error(errc::timed_out, fmt::format("{}: no TLS handshake within {} ms", address_, timeout_.count()));
    }
    return ok();
}

result<std::string> wire_client::sasl_round(const std::string& token, const std::string& user) {
    protocol::sasl_authenticate_request req;
    req.auth_bytes.assign(token.begin(), token.end());
    auto resp = call<protocol::sasl_authenticate_request, protocol::sasl_authenticate_response>(req);
    if (!resp) return resp.error();
    if (resp->error_code != protocol::error_code::none)
        return make_error(errc::invalid_argument,
                          fmt::format("{}: SASL authentication as '{}' failed: {}{}", address_, user,
                                      protocol::name(resp->error_code),
                                      resp->error_message ? " (" + *resp->error_message + ")" : std::string()));
    return std::string(resp->auth_bytes.begin(), resp->auth_bytes.end());
}

status wire_client::authenticate(const wire_security& security) {
    protocol::sasl_handshake_request hs;
    hs.mechanism = security.mechanism;
    auto shake = call<protocol::sasl_handshake_request, protocol::sasl_handshake_response>(hs);
    if (!shake) return shake.error();
    if (shake->error_code != protocol::error_code::none)
        return make_error(errc::invalid_argument,
                          fmt::format("{}: SASL mechanism {} refused: {} (enabled: {})", address_, security.mechanism,
                                      protocol::name(shake->error_code), fmt::join(shake->mechanisms, ", ")));
    auto scram = broker::security::parse_scram_mechanism(security.mechanism);
    if (!scram) {
        // PLAIN: authzid NUL username NUL password (RFC 4616).
        auto done = sasl_round(std::string() + '\0' + security.username + '\0' + security.password, security.username);
        if (!done) return done.error();
        return ok();
    }
    broker::security::scram_client_exchange exchange(*scram, security.username, security.password);
    auto server_first = sasl_round(exchange.client_first(), security.username);
    if (!server_first) return server_first.error();
    std::string why;
    auto client_final = exchange.client_final(*server_first, why);
    if (!client_final) return make_error(errc::invalid_argument, fmt::format("{}: {}", address_, why));
    auto server_final = sasl_round(*client_final, security.username);
    if (!server_final) return server_final.error();
    if (!exchange.server_final_ok(*server_final))
        return make_error(errc::invalid_argument, fmt::format("{}: the broker's SCRAM signature is wrong", address_));
    return ok();
}

}  // namespace samsa::cli::kafka
