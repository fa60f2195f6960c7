#pragma once
// response_slot: the place a handler's response goes, and the interfaces a
// connection hands requests through (request_dispatcher) and reports their
// completion to (request_observer). Apart from connection.h so that handlers
// and request_context see these without Asio (Asio's headers are most of a
// translation unit's compile time).
//
// Thread: the I/O thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "samsa/bytes/bytes.h"

namespace samsa::broker {

class connection;

// A piece of a response frame: bytes in memory, or a range of an open file
// (a segment's `.log`) that a plaintext connection sends with sendfile(2)
// and a TLS one reads (pread) and encrypts.
//
// `owner` keeps `fd` open until the part is written. It is shared because the
// file's other holders (the segment, the fd cache) may let go meanwhile:
// retention removes the segment, compaction swaps a cleaned file in, a topic
// is deleted, the cache evicts; an unlinked file stays readable while open,
// so the range still holds the bytes the response promised.
struct frame_part {
    bytes data;
    std::shared_ptr<const void> owner;  // non-null: a file range
    int fd = -1;
    uint64_t position = 0;
    size_t length = 0;

    frame_part() = default;
    frame_part(bytes b) : data(std::move(b)) {}  // NOLINT: bytes are the common part
    static frame_part file_range(std::shared_ptr<const void> owner, int fd, uint64_t position, size_t length) {
        frame_part p;
        p.owner = std::move(owner);
        p.fd = fd;
        p.position = position;
        p.length = length;
        return p;
    }
    bool is_file() const { return owner != nullptr; }
    size_t size() const { return is_file() ? length : data.size(); }
};

// Told when a response slot completes (send, skip or close; not when an
// uncompleted slot is destroyed): the broker's metrics take a request's total
// time from it. Must outlive the slots that point at it.
//
// Thread: the I/O thread.
class request_observer {
public:
    virtual void completed(std::chrono::steady_clock::time_point received) = 0;

protected:
    ~request_observer() = default;
};

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
    response_slot(response_slot&& o) noexcept
        : conn_(std::move(o.conn_)), seq_(o.seq_), observer_(o.observer_), received_(o.received_) {
        o.conn_.reset();
        o.observer_ = nullptr;
    }
    response_slot& operator=(response_slot&& o) noexcept;
    response_slot(const response_slot&) = delete;
    response_slot& operator=(const response_slot&) = delete;
    ~response_slot();

    void send(std::vector<bytes> frame);
    void send(std::vector<frame_part> frame);
    void skip();
    void close(std::string reason);
    // False once the connection has gone (parked work can stop early).
    bool connection_alive() const { return !conn_.expired(); }
    // Client quotas: the connection reads no new request for `d` (Kafka mutes
    // a throttled client's channel). Before send()/skip().
    void mute_connection_for(std::chrono::milliseconds d);
    bool completed() const { return seq_ == done_seq; }
    // `observer` hears when this slot completes, with `received` (metrics).
    void observe(request_observer* observer, std::chrono::steady_clock::time_point received) {
        observer_ = observer;
        received_ = received;
    }

private:
    void notify_observer();

    static constexpr uint64_t done_seq = ~uint64_t{0};
    std::weak_ptr<connection> conn_;
    uint64_t seq_ = done_seq;
    request_observer* observer_ = nullptr;
    std::chrono::steady_clock::time_point received_{};
};

// Receives whole frames (the bytes after the size field). Implemented by the
// handlers layer (handlers/dispatcher.h).
class request_dispatcher {
public:
    virtual ~request_dispatcher() = default;
    virtual void dispatch(connection& conn, bytes frame, response_slot slot) = 0;
};

}  // namespace samsa::broker
