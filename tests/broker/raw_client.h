#pragma once
// raw_client: a blocking TCP client that speaks Kafka frames byte by byte, so
// tests can send exactly what they want (bad sizes, truncated frames,
// garbage) and check what comes back. Every wait is bounded.
//
// Thread: the test's thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"

namespace samsa::broker::testing {

class raw_client {
public:
    explicit raw_client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Why the connection could not be made (strerror of socket/connect), for failure messages.
    const std::string& connect_error() const { return connect_error_; }
    int native_handle() const { return fd_; }
    bool send(bytes_view data);
    // The next frame (bytes after the size), or nullopt on timeout / close.
    std::optional<bytes> read_frame(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // True when the broker closes the connection within `timeout` (any bytes
    // that arrive first are discarded).
    bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    template<protocol::message T>
    bool send_request(const T& request, int16_t version, int32_t correlation_id) {
        protocol::request_header h;
        h.api_version = version;
        h.correlation_id = correlation_id;
        h.client_id = "raw-client";
        return send(protocol::encode_request_frame(h, request));
    }

    template<class Response>
    std::optional<Response> read_response(int16_t version, int32_t expect_correlation_id,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        auto frame = read_frame(timeout);
        if (!frame) return std::nullopt;
        int32_t cid = 0;
        auto r = protocol::decode_response_frame<Response>(*frame, version, cid);
        if (!r || cid != expect_correlation_id) return std::nullopt;
        return std::move(*r);
    }


private:
    bool read_exact(uint8_t* out, size_t n, std::chrono::steady_clock::time_point deadline);
    int fd_ = -1;
    std::string connect_error_;
};

}  // namespace samsa::broker::testing
