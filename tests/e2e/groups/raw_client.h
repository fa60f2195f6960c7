#pragma once
// raw_client: a blocking Kafka connection that sends requests built with
// Samsa's own protocol codecs, for requests no client library would send
// (wrong generations, absurd timeouts, huge metadata, malformed bytes).
// Every read and write has a 10 s socket timeout.
//
// Thread: the test's thread.

#include <cstdint>
#include <string>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"

namespace samsa::e2e {

class raw_client {
public:
    explicit raw_client(uint16_t port);
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Why the connection could not be made (strerror of socket/connect), for failure messages.
    const std::string& connect_error() const { return connect_error_; }

    template<class Response, protocol::message Request>
    result<Response> call(const Request& req, int16_t version) {
        protocol::request_header h;
        h.api_version = version;
        h.correlation_id = ++correlation_;
        h.client_id = "raw-test";
        if (auto s = write_all(protocol::encode_request_frame(h, req)); !s) return s.error();
        auto frame = read_frame();
        if (!frame) return frame.error();
        int32_t cid = 0;
        auto resp = protocol::decode_response_frame<Response>(*frame, version, cid);
        if (!resp) return resp.error();
        if (cid != h.correlation_id) return make_error(errc::corrupt, "correlation id mismatch");
        return resp;
    }

    status write_all(const bytes& data);
    // The bytes of one response after its size field.
    result<bytes> read_frame();
    // True when the broker closed the connection (read returns 0) within 10 s.
    bool closed_by_peer();

private:
    int fd_ = -1;
    std::string connect_error_;
    int32_t correlation_ = 0;
};

}  // namespace samsa::e2e
