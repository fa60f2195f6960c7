#include "samsa/broker/security/tls/tls_context.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "samsa/broker/config/config_def.h"

namespace samsa::broker::security {

namespace {

std::string setting(const ssl_settings& s, const std::string& key, std::string fallback = {}) {
    auto it = s.find(key);
    return it == s.end() ? fallback : it->second;
}

result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(errc::io_error, "cannot read '" + path + "'");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct bio_deleter { void operator()(BIO* b) const { BIO_free(b); } };
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

bio_ptr memory_bio(const std::string& text) {
    return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// PEM certificates, in file order (a chain: the leaf first).
std::vector<X509*> read_pem_certificates(const std::string& text) {
    std::vector<X509*> out;
    auto bio = memory_bio(text);
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.push_back(cert);
    ERR_clear_error();  // the end of the text reads as an error
    return out;
}

EVP_PKEY* read_pem_key(const std::string& text, const std::string& password) {
    auto bio = memory_bio(text);
    return PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr,
                                   password.empty() ? nullptr : const_cast<char*>(password.c_str()));
}

struct pkcs12_contents {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
};

result<pkcs12_contents> read_pkcs12(const std::string& path, const std::string& password) {
    auto data = read_file(path);
    if (!data) return data.error();
    auto bio = memory_bio(*data);
    PKCS12* p12 = d2i_PKCS12_bio(bio.get(), nullptr);
    if (!p12) return make_error(errc::invalid_argument, "'" + path + "' is not a PKCS12 file: " + openssl_errors());
    pkcs12_contents out;
    int ok = PKCS12_parse(p12, password.c_str(), &out.key, &out.cert, &out.ca);
    PKCS12_free(p12);
    if (!ok) return make_error(errc::invalid_argument, "cannot open PKCS12 '" + path + "': " + openssl_errors());
    return out;
}

status load_keystore(SSL_CTX* ctx, const ssl_settings& s) {
    const std::string type = setting(s, "ssl.keystore.type", "JKS");
    const std::string location = setting(s, "ssl.keystore.location");
    const std::string key_password = setting(s, "ssl.key.password");
    if (type == "PEM") {
        std::string chain = setting(s, "ssl.keystore.certificate.chain");
        std::string key = setting(s, "ssl.keystore.key");
        if (chain.empty() && key.empty()) {
            if (location.empty()) {
                return make_error(errc::invalid_argument,
                                  "ssl.keystore.type=PEM needs ssl.keystore.certificate.chain and "
                                  "ssl.keystore.key, or ssl.keystore.location");
            }
            auto text = read_file(location);
            if (!text) return text.error();
            chain = key = *text;
        }
        auto certs = read_pem_certificates(chain);
        if (certs.empty()) return make_error(errc::invalid_argument, "ssl.keystore: no PEM certificate found");
        EVP_PKEY* pkey = read_pem_key(key, key_password.empty() ? setting(s, "ssl.keystore.password") : key_password);
        if (!pkey) {
            for (auto* c : certs) X509_free(c);
            return make_error(errc::invalid_argument, "ssl.keystore: cannot read the private key (wrong "
                                                      "ssl.key.password?): " + openssl_errors());
        }
        bool ok = SSL_CTX_use_certificate(ctx, certs[0]) == 1 && SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
        X509_free(certs[0]);
        for (size_t i = 1; i < certs.size(); ++i) {
            if (ok) ok = SSL_CTX_add_extra_chain_cert(ctx, certs[i]) == 1;  // takes ownership
            else X509_free(certs[i]);
        }
        EVP_PKEY_free(pkey);
        if (!ok) return make_error(errc::invalid_argument, "ssl.keystore: " + openssl_errors());
    } else if (type == "PKCS12") {
        if (location.empty()) return make_error(errc::invalid_argument, "ssl.keystore.location is not set");
        auto p12 = read_pkcs12(location, setting(s, "ssl.keystore.password"));
        if (!p12) return p12.error();
        bool ok = p12->cert && p12->key && SSL_CTX_use_certificate(ctx, p12->cert) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx, p12->key) == 1;
        X509_free(p12->cert);
        EVP_PKEY_free(p12->key);
        if (p12->ca) {
            while (X509* c = sk_X509_shift(p12->ca)) {
                if (ok) ok = SSL_CTX_add_extra_chain_cert(ctx, c) == 1;
                else X509_free(c);
            }
            sk_X509_free(p12->ca);
        }
        if (!ok) return make_error(errc::invalid_argument, "ssl.keystore: no usable key and certificate: " + openssl_errors());
    } else {
        return make_error(errc::invalid_argument,
                          "ssl.keystore.type=" + type + " is not supported (use PKCS12 or PEM)");
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return make_error(errc::invalid_argument, "ssl.keystore: the key does not match the certificate");
    }
    return ok();
}

status load_truststore(SSL_CTX* ctx, const ssl_settings& s) {
    const std::string type = setting(s, "ssl.truststore.type", "JKS");
    const std::string location = setting(s, "ssl.truststore.location");
    std::string pem = setting(s, "ssl.truststore.certificates");
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    std::vector<X509*> certs;
    if (type == "PEM" || (!pem.empty())) {
        if (pem.empty() && !location.empty()) {
            auto text = read_file(location);
            if (!text) return text.error();
            pem = *text;
        }
        certs = read_pem_certificates(pem);
    } else if (type == "PKCS12" && !location.empty()) {
        auto p12 = read_pkcs12(location, setting(s, "ssl.truststore.password"));
        if (!p12) return p12.error();
        if (p12->cert) certs.push_back(p12->cert);
        EVP_PKEY_free(p12->key);
        if (p12->ca) {
            while (X509* c = sk_X509_shift(p12->ca)) certs.push_back(c);
            sk_X509_free(p12->ca);
        }
    } else if (!location.empty()) {
        return make_error(errc::invalid_argument,
                          "ssl.truststore.type=" + type + " is not supported (use PKCS12 or PEM)");
    }
    for (X509* c : certs) {
        X509_STORE_add_cert(store, c);
        X509_free(c);
    }
    ERR_clear_error();  // a duplicate certificate is not an error
    if (!location.empty() || !pem.empty()) {
        if (certs.empty()) return make_error(errc::invalid_argument, "ssl.truststore: no certificate found");
    }
    return ok();
}

status set_protocols(SSL_CTX* ctx, const ssl_settings& s) {
    int lowest = 0, highest = 0;
    for (const auto& p : split_config_list(setting(s, "ssl.enabled.protocols", "TLSv1.2,TLSv1.3"))) {
        int v = p == "TLSv1.3" ? TLS1_3_VERSION : p == "TLSv1.2" ? TLS1_2_VERSION : p == "TLSv1.1" ? TLS1_1_VERSION : 0;
        if (v == 0) return make_error(errc::invalid_argument, "ssl.enabled.protocols: unknown protocol '" + p + "'");
        if (lowest == 0 || v < lowest) lowest = v;
        if (v > highest) highest = v;
    }
    if (lowest == 0) return make_error(errc::invalid_argument, "ssl.enabled.protocols: empty");
    SSL_CTX_set_min_proto_version(ctx, lowest);
    SSL_CTX_set_max_proto_version(ctx, highest);
    return ok();
}

// Java (and Kafka) name cipher suites by their IANA names; OpenSSL has its
// own names for TLS 1.2 suites. Both spellings are accepted.
status set_cipher_suites(SSL_CTX* ctx, const ssl_settings& s) {
    auto names = split_config_list(setting(s, "ssl.cipher.suites"));
    if (names.empty()) return ok();
    std::string tls12, tls13;
    STACK_OF(SSL_CIPHER)* known = SSL_CTX_get_ciphers(ctx);
    for (const auto& name : names) {
        bool is13 = name.starts_with("TLS_AES_") || name.starts_with("TLS_CHACHA20_");
        if (is13) {
            tls13 += (tls13.empty() ? "" : ":") + name;
            continue;
        }
        std::string openssl_name = name;
        for (int i = 0; known && i < sk_SSL_CIPHER_num(known); ++i) {
            const SSL_CIPHER* c = sk_SSL_CIPHER_value(known, i);
            const char* standard = SSL_CIPHER_standard_name(c);
            if (standard && name == standard) openssl_name = SSL_CIPHER_get_name(c);
        }
        tls12 += (tls12.empty() ? "" : ":") + openssl_name;
    }
    if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1) {
        return make_error(errc::invalid_argument, "ssl.cipher.suites: none of '" + tls12 + "' is known");
    }
    if (tls12.empty()) SSL_CTX_set_cipher_list(ctx, "");  // TLS 1.3 suites only
    if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1) {
        return make_error(errc::invalid_argument, "ssl.cipher.suites: none of '" + tls13 + "' is known");
    }
    if (tls13.empty()) SSL_CTX_set_ciphersuites(ctx, "");
    ERR_clear_error();
    return ok();
}

// With no verify callback, OpenSSL checks the chain; the answer decides the
// handshake (failing it sends an alert) only when the client must present
// a certificate.
result<client_auth> parse_client_auth(const ssl_settings& s) {
    const std::string v = setting(s, "ssl.client.auth", "none");
    if (v == "none") return client_auth::none;
    if (v == "requested") return client_auth::requested;
    if (v == "required") return client_auth::required;
    return make_error(errc::invalid_argument, "ssl.client.auth: '" + v + "' is not none, requested or required");
}

}  // namespace

std::string openssl_errors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += (out.empty() ? "" : "; ") + std::string(buf);
    }
    return out.empty() ? "unknown TLS error" : out;
}

result<std::shared_ptr<tls_context>> tls_context::create(const ssl_settings& settings) {
    auto out = std::shared_ptr<tls_context>(new tls_context());
    out->ctx_ = SSL_CTX_new(TLS_server_method());
    if (!out->ctx_) return make_error(errc::io_error, "SSL_CTX_new: " + openssl_errors());
    SSL_CTX* ctx = out->ctx_;
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
    if (auto s = set_protocols(ctx, settings); !s) return s.error();
    if (auto s = set_cipher_suites(ctx, settings); !s) return s.error();
    if (auto s = load_keystore(ctx, settings); !s) return s.error();
    if (auto s = load_truststore(ctx, settings); !s) return s.error();
    auto auth = parse_client_auth(settings);
    if (!auth) return auth.error();
    out->auth_ = *auth;
    int mode = SSL_VERIFY_NONE;
    if (*auth == client_auth::requested) mode = SSL_VERIFY_PEER;
    if (*auth == client_auth::required) mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
    if (*auth != client_auth::none) {
        // Tell clients which CAs we accept (the truststore's subjects).
        STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
        STACK_OF(X509_OBJECT)* objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
        for (int i = 0; i < sk_X509_OBJECT_num(objs); ++i) {
            X509* c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
            if (c) sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(c)));
        }
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    static const unsigned char session_id[] = "samsa-broker";
    SSL_CTX_set_session_id_context(ctx, session_id, sizeof session_id - 1);
    return out;
}

tls_context::~tls_context() {
    if (ctx_) SSL_CTX_free(ctx_);
}

}  // namespace samsa::broker::security
