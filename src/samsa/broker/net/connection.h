#pragma once
// connection: one client's TCP connection. It cuts the byte stream into
// Kafka frames (a 4-byte big-endian size, then that many bytes), hands each
// frame to the dispatcher together with a response_slot, and writes the
// responses back strictly in request order, even when a later request is
// answered first (a long-polling Fetch parked before a Metadata): the
// connection keeps a queue of slots and writes the completed prefix.
//
//   readable -> read_some into the server's scratch buffer (or straight into
//               a large frame) -> frames cut out -> dispatcher.dispatch(frame, slot)
//                                                        |
//   write_parts(gathered frames) <- completed prefix of queue_ <- slot.send()
//
// Writing: a response is a list of frame_parts (response_slot.h), bytes in
// memory or ranges of segment files (Fetch's records). On a plaintext
// connection the parts go out in order with non-blocking writev (runs of
// memory parts) and sendfile(2) (file ranges); memory that a file range
// follows goes with MSG_MORE so it leaves in the range's first segment. When
// the socket is full the connection waits until it is writable and continues
// from the byte where it stopped. TLS reads file ranges into memory and
// encrypts them.
//
// Memory: an idle connection holds no read buffer. It waits for the socket
// to become readable, then reads into the server's one scratch buffer and
// copies out only frame bytes; a frame's body is kept in a buffer that grows
// as its bytes arrive (doubling, capped at the declared size), never
// allocated at its declared size up front. Every byte held for a request,
// from its first byte until it is answered, is counted in the broker-wide
// request_memory (queued.max.request.bytes); while that is spent the
// connection stops reading.
//
// Bad framing closes the connection with a log line: a negative size, a size
// over socket.request.max.bytes or too small for a request header. A client
// whose partial frame makes no progress for partial_frame_timeout is closed;
// one with nothing in flight after connections.max.idle.ms. While more than
// max_pending responses (or max_pending_bytes) wait, the connection stops
// reading (back-pressure) and resumes when they are written.
//
// Socket I/O goes through three functions only (wait_readable, read_some,
// start_write). On an SSL or SASL_SSL listener a tls_channel (memory BIOs,
// security/tls/tls_channel.h) sits inside read_some and start_write: the
// socket is read into a small ciphertext buffer, decrypted into the same
// places plaintext goes, and responses are encrypted before the write. The
// plaintext path only pays a null-pointer test.
//
// Thread: the broker's single I/O thread owns every connection; nothing here
// takes a lock. Connections are held by shared_ptr because Asio completion
// handlers and parked requests (response_slot) must be able to outlive the
// server's list without dangling; they hold weak references where the
// connection may have gone (slots).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <asio.hpp>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/broker/net/response_slot.h"
#include "samsa/broker/security/principal.h"

namespace samsa::broker {

namespace security {
struct listener_security;
class tls_channel;
class sasl_server;
}  // namespace security

class connection;
class request_memory;

struct connection_limits {
    int32_t max_frame_bytes = 104857600;  // socket.request.max.bytes
    std::chrono::milliseconds idle_timeout{600000};
    std::chrono::milliseconds partial_frame_timeout{30000};
    size_t max_pending = 128;             // queued requests before reading stops
    size_t max_pending_bytes = 64u << 20; // queued response bytes before reading stops
};

// Smallest frame that can hold a request header: api_key, api_version,
// correlation_id.
inline constexpr int32_t min_request_frame_bytes = 8;

class connection : public std::enable_shared_from_this<connection> {
public:
    // `memory` and `scratch` are the server's and outlive the connection's
    // use of them (the server closes every connection before it goes).
    connection(asio::ip::tcp::socket socket, const connection_limits& limits, request_dispatcher& dispatcher,
               request_memory& memory, std::span<uint8_t> scratch, uint64_t id,
               std::function<void(uint64_t)> on_closed,
               std::shared_ptr<const security::listener_security> security = nullptr);
    ~connection();

    void start();
    // Closes now; queued responses are dropped. Idempotent.
    void close(const std::string& reason);
    // Stops reading new requests, writes what is queued, then closes
    // (graceful shutdown).
    void drain();

    bool is_open() const { return open_; }
    uint64_t id() const { return id_; }
    const std::string& peer() const { return peer_; }
    const asio::ip::address& address() const { return address_; }
    // Who is on the other end; the authenticator sets the principal.
    const security::session& session() const { return session_; }
    void set_principal(security::principal p) { session_.principal = std::move(p); }
    // The listener's security settings (nullptr: a plain PLAINTEXT listener).
    const security::listener_security* listener_security() const { return security_.get(); }
    // The SASL state on SASL listeners, else nullptr.
    security::sasl_server* sasl() const { return sasl_.get(); }
    // False while a SASL listener's client has not authenticated: only
    // ApiVersions, SaslHandshake and SaslAuthenticate are served then.
    bool authenticated() const;
    asio::any_io_executor executor() { return socket_.get_executor(); }
    size_t pending() const { return queue_.size(); }
    // Request bytes held in memory: frames arriving or waiting to be
    // dispatched (not the ones being answered).
    size_t held_request_bytes() const { return held_; }

    std::chrono::steady_clock::time_point last_progress() const { return last_progress_; }
    // When the frame being dispatched had arrived whole (its wait before
    // dispatch is Kafka's request queue time). Valid during dispatch().
    std::chrono::steady_clock::time_point frame_received_at() const { return frame_received_at_; }

    // Reads (and dispatches) no new request until `d` from now (a throttled
    // client, as Kafka mutes its channel); queued responses are still written.
    void mute_for(std::chrono::milliseconds d);

    // request_memory's side: room again after a wait; the budget is spent by
    // frames that cannot complete and this connection is the one to close.
    void resume_after_memory_wait();
    void evict_for_memory();

private:
    friend class response_slot;
    enum class slot_state : uint8_t { waiting, ready, none, close };
    struct pending_response {
        slot_state state = slot_state::waiting;
        std::vector<frame_part> frame;
        std::string close_reason;
        size_t request_bytes = 0;  // given back to request_memory when answered
    };

    void complete(uint64_t seq, slot_state state, std::vector<frame_part> frame, std::string reason);

    // Reading.
    void wait_readable();
    size_t read_some(std::span<uint8_t> into, asio::error_code& ec);
    void read_available();
    bool can_read() const;
    // Cuts the bytes just read into frames; false when the connection closed.
    bool take_bytes(const uint8_t* p, size_t n);
    bool start_frame(int32_t size);
    void grow_frame(size_t at_least);
    void finish_frame();
    void dispatch_ready_frames();
    void maybe_resume_reading();

    // Writing.
    void flush();
    void start_write();
    void write_parts();
    void wait_writable();
    static status read_file_range(const frame_part& part, bytes& out);
    void on_written(const asio::error_code& ec);

    // TLS (tls_ != nullptr).
    size_t read_tls(std::span<uint8_t> into, asio::error_code& ec);
    void on_tls_handshake_done();
    void send_tls_output();
    void tls_failed();

    void arm_timer();
    void on_timer();
    bool muted() const { return std::chrono::steady_clock::now() < muted_until_; }
    void give_back_all_memory();

    asio::ip::tcp::socket socket_;
    asio::steady_timer timer_;
    connection_limits limits_;
    request_dispatcher& dispatcher_;
    request_memory& memory_;
    std::span<uint8_t> scratch_;
    uint64_t id_;
    std::function<void(uint64_t)> on_closed_;
    std::string peer_;
    asio::ip::address address_;
    security::session session_;
    std::shared_ptr<const security::listener_security> security_;
    std::unique_ptr<security::tls_channel> tls_;
    std::unique_ptr<security::sasl_server> sasl_;
    bytes tls_in_;            // ciphertext read from the socket
    bytes tls_wire_;          // ciphertext being written
    bool tls_ready_ = false;  // the handshake is done and the principal set
    bool open_ = true;
    bool draining_ = false;
    std::chrono::steady_clock::time_point muted_until_{};
    std::unique_ptr<asio::steady_timer> mute_timer_;  // made on first mute

    // Reading state.
    bool waiting_readable_ = false;  // an async_wait is outstanding
    bool read_posted_ = false;       // read_available is posted (yield or resume)
    bool paused_ = false;            // back-pressure stopped reading
    bool memory_wait_ = false;       // parked in request_memory
    bool dispatching_ = false;       // inside dispatch_ready_frames
    uint8_t size_field_[4] = {};
    size_t size_have_ = 0;           // bytes of the size field read so far
    int32_t frame_size_ = -1;        // declared size of the frame arriving; -1: none
    bytes frame_;                    // its bytes so far
    size_t frame_reserved_ = 0;      // frame_'s reservation, counted in memory_ and held_
    size_t frame_have_ = 0;
    struct ready_frame {
        bytes frame;
        std::chrono::steady_clock::time_point received;
    };
    std::deque<ready_frame> ready_;  // whole frames not yet dispatched (back-pressure)
    std::chrono::steady_clock::time_point frame_received_at_{};  // of the frame being dispatched
    size_t held_ = 0;                // bytes of frame_ and ready_, counted in memory_
    std::chrono::steady_clock::time_point last_progress_{};  // last byte read or written

    // Responses in request order.
    std::deque<pending_response> queue_;
    uint64_t front_seq_ = 0;   // sequence number of queue_.front()
    size_t queued_bytes_ = 0;
    std::vector<frame_part> writing_;  // the responses being written, in order
    size_t write_index_ = 0;           // plaintext: the part being written
    size_t write_offset_ = 0;          // and how much of it is written
    bool write_in_progress_ = false;
    bool timer_armed_ = false;
};

}  // namespace samsa::broker
