#pragma once
// tls_channel: one TLS session over memory BIOs. The connection keeps doing
// its own non-blocking socket reads and frame cutting: it hands the
// ciphertext it read to feed(), takes plaintext out with read(), puts
// responses in with write() and sends what take_output() gives. No socket is
// touched here, so the plaintext path of the connection stays as it was and
// a TLS connection costs one copy each way on top of the encryption.
//
// Thread: the I/O thread (one channel per connection).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <openssl/ssl.h>

#include "samsa/broker/security/tls/tls_context.h"
#include "samsa/bytes/bytes.h"

namespace samsa::broker::security {

class tls_channel {
public:
    explicit tls_channel(std::shared_ptr<tls_context> ctx);
    ~tls_channel();
    tls_channel(const tls_channel&) = delete;
    tls_channel& operator=(const tls_channel&) = delete;

    // Ciphertext from the socket.
    void feed(const uint8_t* p, size_t n);
    enum class read_status { data, need_more, closed, failed };
    // Decrypts into `into`; `n` is set when data was read. After `failed`,
    // error() says why (and take_output() may hold an alert for the peer).
    read_status read(uint8_t* into, size_t size, size_t& n);
    // Encrypts all of it (memory BIOs never refuse). False on failure.
    bool write(const uint8_t* p, size_t n);
    // Ciphertext waiting to be sent (handshake messages, records, alerts).
    bool has_output() const;
    bytes take_output();

    bool handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }
    // The client certificate's subject (RFC 2253, as Java prints it), when
    // it sent one that verified.
    std::optional<std::string> peer_subject() const;
    const std::string& error() const { return error_; }

private:
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;   // the network's bytes, read by OpenSSL
    BIO* out_ = nullptr;  // OpenSSL's bytes for the network
    std::shared_ptr<tls_context> ctx_;
    std::string error_;
};

}  // namespace samsa::broker::security
