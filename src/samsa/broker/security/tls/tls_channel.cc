#include "samsa/broker/security/tls/tls_channel.h"

#include <openssl/err.h>
#include <openssl/x509.h>

namespace samsa::broker::security {

tls_channel::tls_channel(std::shared_ptr<tls_context> ctx) : ctx_(std::move(ctx)) {
    ssl_ = SSL_new(ctx_->native());
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);  // empty means "more to come", not end of stream
    BIO_set_mem_eof_return(out_, -1);
    SSL_set_bio(ssl_, in_, out_);     // the SSL owns both now
    SSL_set_accept_state(ssl_);
}

tls_channel::~tls_channel() {
    if (ssl_) SSL_free(ssl_);
}

void tls_channel::feed(const uint8_t* p, size_t n) {
    BIO_write(in_, p, static_cast<int>(n));
}

tls_channel::read_status tls_channel::read(uint8_t* into, size_t size, size_t& n) {
    n = 0;
    ERR_clear_error();
    int r = SSL_read(ssl_, into, static_cast<int>(std::min<size_t>(size, 1u << 30)));
    if (r > 0) {
        n = static_cast<size_t>(r);
        return read_status::data;
    }
    switch (SSL_get_error(ssl_, r)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE: return read_status::need_more;
        case SSL_ERROR_ZERO_RETURN: return read_status::closed;
        default: {
            error_ = openssl_errors();
            long verify = SSL_get_verify_result(ssl_);
            if (verify != X509_V_OK) error_ += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")";
            return read_status::failed;
        }
    }
}

bool tls_channel::write(const uint8_t* p, size_t n) {
    while (n > 0) {
        ERR_clear_error();
        int r = SSL_write(ssl_, p, static_cast<int>(std::min<size_t>(n, 1u << 30)));
        if (r <= 0) {
            error_ = openssl_errors();
            return false;
        }
        p += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

bool tls_channel::has_output() const { return BIO_ctrl_pending(out_) > 0; }

bytes tls_channel::take_output() {
    const size_t pending = BIO_ctrl_pending(out_);
    bytes out(pending);
    if (pending > 0) BIO_read(out_, out.data(), static_cast<int>(pending));
    return out;
}

std::optional<std::string> tls_channel::peer_subject() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (!cert) return std::nullopt;
    std::optional<std::string> out;
    if (SSL_get_verify_result(ssl_) == X509_V_OK) {
        BIO* mem = BIO_new(BIO_s_mem());
        X509_NAME_print_ex(mem, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
        char* data = nullptr;
        long len = BIO_get_mem_data(mem, &data);
        out = std::string(data, static_cast<size_t>(len));
        BIO_free(mem);
    }
    X509_free(cert);
    return out;
}

}  // namespace samsa::broker::security
