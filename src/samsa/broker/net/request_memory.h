#pragma once
// request_memory: the broker-wide budget for request bytes held in memory,
// Kafka's `queued.max.request.bytes`: bytes of frames read (whole or still
// arriving) and not yet answered. A connection reads only while the budget
// has room; when it is spent the connection parks here and is resumed, in
// arrival order, as answered requests give their bytes back. A frame's body
// is read as it arrives (connection.h), so a client that declares 100 MiB
// and sends 10 bytes holds 10 bytes, not 100 MiB.
//
// A read may take the total past the limit by at most one read buffer
// (64 KiB): the check happens before a read.
//
// Starvation guard: if the budget stays spent while no request is being
// answered (so nothing will give bytes back) for starvation_delay, every
// byte is held by frames still arriving: partial frames of stalled or parked
// connections. The server then closes the holder that made no progress for
// longest (its client retries). Kafka avoids the case differently, by
// reserving a frame's whole declared size before reading it, which lets a
// few stalled large declarations block every other client instead.
//
// Thread: the I/O thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include <asio.hpp>

namespace samsa::broker {

class connection;

class request_memory {
public:
    static constexpr std::chrono::milliseconds starvation_delay{1000};

    // limit <= 0: unbounded (Kafka's -1). `on_starved` closes a holder.
    request_memory(int64_t limit, asio::any_io_executor executor, std::function<void()> on_starved);

    bool bounded() const { return limit_ > 0; }
    int64_t limit() const { return limit_; }
    size_t used() const { return used_; }
    // Bytes a connection may still read now (SIZE_MAX when unbounded).
    size_t available() const;

    // A connection took `n` bytes into a frame buffer.
    void take(size_t n) { used_ += n; }
    // Bytes given back (a request answered, a connection closed). Resumes
    // parked connections while there is room.
    void give_back(size_t n);

    // Requests dispatched and not yet answered, broker-wide: while one is,
    // its bytes will come back and the starvation guard stays quiet.
    void request_started() { ++in_flight_; }
    void request_finished() { --in_flight_; }
    size_t in_flight() const { return in_flight_; }

    // Parks a connection until there is room; give_back resumes it
    // (connection::resume_after_memory_wait). A connection that has gone is
    // skipped.
    void wait(std::weak_ptr<connection> who);
    size_t waiting() const { return waiters_.size(); }

private:
    bool starved() const { return in_flight_ == 0 && available() == 0 && !waiters_.empty(); }
    void arm_guard();
    void check_starvation();

    int64_t limit_;
    size_t used_ = 0;
    size_t in_flight_ = 0;
    std::deque<std::weak_ptr<connection>> waiters_;
    bool resuming_ = false;
    asio::steady_timer guard_;
    bool guard_armed_ = false;
    std::function<void()> on_starved_;
};

}  // namespace samsa::broker
