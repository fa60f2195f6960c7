#pragma once
// tls_context: the OpenSSL server context of one SSL or SASL_SSL listener,
// built from Kafka's ssl.* keys (already resolved for that listener, with
// listener.name.<name>.* overrides applied; see config/listener_security.h):
//
//   ssl.keystore.type            PKCS12 (default) or PEM
//   ssl.keystore.location        PKCS12 file, or a PEM file holding the key and the chain
//   ssl.keystore.password        PKCS12 password (PEM: the key's password)
//   ssl.key.password             the private key's password
//   ssl.keystore.certificate.chain / ssl.keystore.key   PEM text in the config itself
//   ssl.truststore.type / location / password / ssl.truststore.certificates   likewise
//   ssl.client.auth              none | requested | required
//   ssl.enabled.protocols        TLSv1.2,TLSv1.3
//   ssl.cipher.suites            IANA names (as Java spells them) or OpenSSL names
//
// Thread: built on the main thread; SSL_CTX is then only used to create
// sessions on the I/O thread.

#include <map>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "samsa/base/result.h"

namespace samsa::broker::security {

enum class client_auth { none, requested, required };

// The ssl.* keys of one listener: key -> value (only keys that are set).
using ssl_settings = std::map<std::string, std::string>;

class tls_context {
public:
    static result<std::shared_ptr<tls_context>> create(const ssl_settings& settings);
    ~tls_context();
    tls_context(const tls_context&) = delete;
    tls_context& operator=(const tls_context&) = delete;

    SSL_CTX* native() const { return ctx_; }
    client_auth auth() const { return auth_; }

private:
    tls_context() = default;
    SSL_CTX* ctx_ = nullptr;
    client_auth auth_ = client_auth::none;
};

// The last OpenSSL errors of this thread as one line (and clears them).
std::string openssl_errors();

}  // namespace samsa::broker::security
