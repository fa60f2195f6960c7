#pragma once
// wire_client: one blocking TCP connection that sends Kafka requests encoded
// with samsa::protocol and reads their responses, for the few admin APIs
// librdkafka 2.0 does not offer (DescribeTransactions, ListTransactions:
// librdkafka has no admin call for them). Versions are agreed once per
// connection with ApiVersions, as clients do. Every wait is bounded by the
// timeout given.
//
// Security as librdkafka's: security.protocol SSL / SASL_SSL put TLS
// (OpenSSL) on the socket, SASL_PLAINTEXT / SASL_SSL log in with PLAIN or
// SCRAM-SHA-256/512 (SaslHandshake v1, then SaslAuthenticate) before the
// first request; wire_security_from() reads the same client properties the
// librdkafka commands take from --command-config and -X.
//
// Thread: the command's thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace samsa::cli::kafka {

struct wire_security {
    bool tls = false;
    bool sasl = false;
    std::string ca_location;           // ssl.ca.location; empty: the system's CAs
    std::string certificate_location;  // ssl.certificate.location (mutual TLS)
    std::string key_location;          // ssl.key.location
    std::string key_password;          // ssl.key.password
    bool verify_hostname = true;       // ssl.endpoint.identification.algorithm=https (librdkafka's default)
    std::string mechanism = "GSSAPI";  // sasl.mechanisms (librdkafka's default, which samsa does not speak)
    std::string username;
    std::string password;
};

// From client properties (key, value), later ones winning; an unknown
// security.protocol or an unsupported SASL mechanism is an error.
result<wire_security> wire_security_from(const std::vector<std::pair<std::string, std::string>>& properties);

class wire_client {
public:
    // "host:port"; fails with errc::io_error when it cannot connect (and,
    // with `security`, finish the TLS handshake and log in) in time.
    static result<std::unique_ptr<wire_client>> connect(const std::string& host_port,
                                                         std::chrono::milliseconds timeout,
                                                         const wire_security& security = {});
    // The first of a comma-separated bootstrap list that accepts the connection.
    static result<std::unique_ptr<wire_client>> connect_any(const std::string& bootstrap_list,
                                                             std::chrono::milliseconds timeout,
                                                             const wire_security& security = {});
    ~wire_client();
    wire_client(const wire_client&) = delete;
    wire_client& operator=(const wire_client&) = delete;

    // Sends `request` at the highest version both sides know and waits for
    // the answer. errc::unsupported when the broker lacks the API.
    template<protocol::message Req, class Resp>
    result<Resp> call(const Req& request) {
        auto version = version_for(Req::api::key, Req::api::min_version, Req::api::max_version);
        if (!version) return version.error();
        protocol::request_header h;
        h.api_version = *version;
        h.correlation_id = ++correlation_;
        h.client_id = "samsa-cli";
        auto frame = exchange(protocol::encode_request_frame(h, request));
        if (!frame) return frame.error();
        int32_t cid = 0;
        auto r = protocol::decode_response_frame<Resp>(*frame, *version, cid);
        if (!r) return r.error();
        if (cid != h.correlation_id)
            return make_error(errc::corrupt, fmt::format("response to correlation id {} (expected {})", cid,
                                                         h.correlation_id));
        return r;
    }

    const std::string& address() const { return address_; }

private:
    wire_client(int fd, std::string address, std::chrono::milliseconds timeout)
        : fd_(fd), address_(std::move(address)), timeout_(timeout) {}
    result<int16_t> version_for(protocol::api_key key, int16_t min, int16_t max);
    // Writes a whole request frame and reads one response frame (the bytes after its size).
    result<bytes> exchange(bytes_view request);
    // Writes (`writing`) or reads all `size` bytes, through TLS when it is on.
    status transfer(bool writing, uint8_t* data, size_t size, std::chrono::steady_clock::time_point deadline);
    // One send/recv (SSL_write/SSL_read): the bytes moved, or 0 when the
    // socket must first be readable (`wants_read`) or writable.
    result<size_t> step(bool writing, uint8_t* data, size_t size, bool& wants_read);
    // Waits until the socket is readable (`for_read`) or writable; false on timeout.
    bool wait(bool for_read, std::chrono::steady_clock::time_point deadline);
    status start_tls(const wire_security& security, const std::string& host);
    status authenticate(const wire_security& security);
    // One SaslAuthenticate round: sends `token`, returns the server's.
    result<std::string> sasl_round(const std::string& token, const std::string& user);

    int fd_ = -1;
    SSL_CTX* ssl_ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string address_;
    std::chrono::milliseconds timeout_;
    int32_t correlation_ = 0;
    bool versions_known_ = false;
    std::map<int16_t, std::pair<int16_t, int16_t>> versions_;  // api key -> broker's [min, max]
};

}  // namespace samsa::cli::kafka
