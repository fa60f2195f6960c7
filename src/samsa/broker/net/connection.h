#pragma once
// connection: one client's TCP connection. It cuts the byte stream into
// Kafka frames (a 4-byte big-endian size, then that many bytes), hands each
// frame to the dispatcher together with a response_slot, and writes the
// responses back strictly in request order, even when a later request is
// answered first (a long-polling Fetch parked before a Metadata): the
// connection keeps a queue of slots and writes the completed prefix.
//
//   read_some -> rbuf_ -> whole frame? -> dispatcher.dispatch(frame, slot)
//                                           |
//   async_write(gathered frames) <- completed prefix of queue_ <- slot.send()
//
// Bad framing closes the connection with a log line: a negative size, a size
// over socket.request.max.bytes or too small for a request header. A client
// that starts a frame and stalls is closed after partial_frame_timeout; one
// with nothing in flight after connections.max.idle.ms. While more than
// max_pending responses (or max_pending_bytes) wait, the connection stops
// reading (back-pressure) and resumes when they are written.
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
#include <string>
#include <vector>

#include <asio.hpp>

#include "samsa/bytes/bytes.h"

namespace samsa::broker {

class connection;

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

// The place a response goes. Handlers complete it exactly once: send() with
// the whole response frame (size prefix included) in one or more buffers,
// skip() when the request gets no response (Produce acks=0), or close() to
// drop the connection (unsupported version). A slot whose connection has
// closed accepts and discards. Destroying an uncompleted slot closes the
// connection (a handler bug must not stall the client forever).
class response_slot {
public:
    response_slot() = default;
    response_slot(std::weak_ptr<connection> conn, uint64_t seq) : conn_(std::move(conn)), seq_(seq) {}
    response_slot(response_slot&& o) noexcept : conn_(std::move(o.conn_)), seq_(o.seq_) { o.conn_.reset(); }
    response_slot& operator=(response_slot&& o) noexcept;
    response_slot(const response_slot&) = delete;
    response_slot& operator=(const response_slot&) = delete;
    ~response_slot();

    void send(std::vector<bytes> frame);
    void skip();
    void close(std::string reason);
    // False once the connection has gone (parked work can stop early).
    bool connection_alive() const { return !conn_.expired(); }
    bool completed() const { return seq_ == done_seq; }

private:
    static constexpr uint64_t done_seq = ~uint64_t{0};
    std::weak_ptr<connection> conn_;
    uint64_t seq_ = done_seq;
};

// Receives whole frames (the bytes after the size field). Implemented by the
// handlers layer (handlers/dispatcher.h).
class request_dispatcher {
public:
    virtual ~request_dispatcher() = default;
    virtual void dispatch(connection& conn, bytes frame, response_slot slot) = 0;
};

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(asio::ip::tcp::socket socket, const connection_limits& limits, request_dispatcher& dispatcher,
               uint64_t id, std::function<void(uint64_t)> on_closed);
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
    size_t pending() const { return queue_.size(); }

private:
    friend class response_slot;
    enum class slot_state : uint8_t { waiting, ready, none, close };
    struct pending_response {
        slot_state state = slot_state::waiting;
        std::vector<bytes> frame;
        std::string close_reason;
    };

    void complete(uint64_t seq, slot_state state, std::vector<bytes> frame, std::string reason);
    void read_more();
    void on_read(const asio::error_code& ec, size_t n);
    void read_rest_of_large_frame();
    // Cuts whole frames out of rbuf_; returns false when the connection closed.
    bool parse_frames();
    void dispatch_frame(bytes frame);
    void flush();
    void on_written(const asio::error_code& ec);
    bool can_read() const;
    void maybe_resume_reading();
    void arm_timer();

    asio::ip::tcp::socket socket_;
    asio::steady_timer timer_;
    connection_limits limits_;
    request_dispatcher& dispatcher_;
    uint64_t id_;
    std::function<void(uint64_t)> on_closed_;
    std::string peer_;
    bool open_ = true;
    bool draining_ = false;

    // Reading.
    bytes rbuf_;
    size_t rstart_ = 0;
    size_t rend_ = 0;
    bool reading_ = false;     // an async read is outstanding
    bool paused_ = false;      // back-pressure stopped reading
    bytes large_frame_;        // a frame bigger than rbuf_, read in place
    size_t large_have_ = 0;
    std::chrono::steady_clock::time_point frame_started_{};

    // Responses in request order.
    std::deque<pending_response> queue_;
    uint64_t front_seq_ = 0;   // sequence number of queue_.front()
    size_t queued_bytes_ = 0;
    std::vector<bytes> writing_;
    bool write_in_progress_ = false;
};

}  // namespace samsa::broker
