#pragma once
// raw_client: a blocking Kafka connection to 127.0.0.1:<port> that sends
// requests built with Samsa's own protocol codecs, or any bytes at all, so
// tests can send what no client library would (wrong generations, absurd
// sizes, truncated frames, garbage) and check exactly what comes back. It
// is the one hand-written Kafka client of the tests (kafka_probe is built on
// it).
//
//   raw_client c(broker.port());
//   ASSERT_TRUE(c.connected()) << c.connect_error();
//   auto md = c.call<protocol::metadata_response>(protocol::metadata_request{}, 12);
//   ASSERT_TRUE(md) << md.error().message;
//
// call() numbers the requests itself; send_request() / read_response() take
// the correlation id, for pipelining and for answers that must not come.
// Every wait is bounded: by the constructor's timeout unless the call gives
// its own. The socket is opened close-on-exec, so programs a test starts
// meanwhile do not inherit (and hold open) the connection.
//
// Thread: the test's thread; not thread-safe.

#include <chrono>
#include <cstdint>
#include <string>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/codec.h"

namespace samsa::test_support {

class raw_client {
public:
    static constexpr std::chrono::milliseconds default_timeout{10000};

    // Connects at once. `timeout` bounds every later send and read that
    // names no time of its own.
    explicit raw_client(uint16_t port, std::chrono::milliseconds timeout = default_timeout);
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Why the connection could not be made (strerror of socket/connect), for failure messages.
    const std::string& connect_error() const { return connect_error_; }
    int native_handle() const { return fd_; }

    // Writes all of `data`; false when the connection broke or the write timed out.
    bool send(bytes_view data);
    // The next frame: the bytes after its size field, or why none came
    // (timed out, closed, an absurd size).
    result<bytes> read_frame() { return read_frame(timeout_); }
    result<bytes> read_frame(std::chrono::milliseconds timeout);
    // True when the peer closes the connection (EOF or reset) in time; bytes
    // that arrive first (an error answer, a TLS alert) are discarded.
    bool closed_by_peer() { return closed_by_peer(timeout_); }
    bool closed_by_peer(std::chrono::milliseconds timeout);

    template<protocol::message T>
    bool send_request(const T& request, int16_t version, int32_t correlation_id) {
        protocol::request_header h;
        h.api_version = version;
        h.correlation_id = correlation_id;
        h.client_id = "raw-client";
        return send(protocol::encode_request_frame(h, request));
    }

    // The answer with `correlation_id`, decoded at `version`; an error when
    // none came in time, it does not decode, or it answers another request.
    template<class Response>
    result<Response> read_response(int16_t version, int32_t correlation_id) {
        return read_response<Response>(version, correlation_id, timeout_);
    }
    template<class Response>
    result<Response> read_response(int16_t version, int32_t correlation_id, std::chrono::milliseconds timeout) {
        auto frame = read_frame(timeout);
        if (!frame) return frame.error();
        int32_t got = 0;
        auto r = protocol::decode_response_frame<Response>(*frame, version, got);
        if (!r) return r.error();
        if (got != correlation_id)
            return make_error(errc::corrupt, "correlation id " + std::to_string(got) + " answers no request (expected " +
                                                 std::to_string(correlation_id) + ")");
        return r;
    }

    // send_request() with the next correlation id, then its read_response().
    template<class Response, protocol::message Request>
    result<Response> call(const Request& request, int16_t version) {
        const int32_t id = ++correlation_;
        if (!send_request(request, version, id))
            return make_error(errc::io_error, std::string("sending ") + std::string(protocol::name(Request::api::key)) +
                                                  " failed (connection closed)");
        return read_response<Response>(version, id);
    }

private:
    // Why not, when the `n` bytes did not all arrive before `deadline`.
    status read_exact(uint8_t* out, size_t n, std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string connect_error_;
    int32_t correlation_ = 0;
};

}  // namespace samsa::test_support
