#pragma once
// fetch_waiters: requests parked until their partitions receive data or
// their deadline passes — Kafka's "delayed fetch" purgatory, on one thread.
// Produce calls notify(topic, partition) after each append; a parked request
// that watches the partition is re-evaluated once (posted, so a produce
// request touching many partitions causes one evaluation, after its
// response is queued). At the deadline it is answered with whatever there is.
//
// Thread: the I/O thread; timers are Asio steady_timers on it.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>

#include <asio.hpp>

#include "samsa/base/types.h"

namespace samsa::broker {

class parked_request {
public:
    virtual ~parked_request() = default;
    // Answers if it can (or must, at the deadline); true when answered.
    virtual bool try_answer(bool deadline) = 0;
    virtual bool watches(std::string_view topic, partition_id partition) const = 0;
};

class fetch_waiters {
public:
    explicit fetch_waiters(asio::io_context& io) : io_(io) {}
    ~fetch_waiters();

    void park(std::unique_ptr<parked_request> request, std::chrono::milliseconds max_wait);
    void notify(std::string_view topic, partition_id partition);
    // Answers every parked request now (shutdown).
    void answer_all();
    size_t size() const { return parked_.size(); }

private:
    struct entry {
        std::unique_ptr<parked_request> request;
        std::unique_ptr<asio::steady_timer> timer;
        bool scheduled = false;
    };
    void evaluate(uint64_t id, bool deadline);

    asio::io_context& io_;
    std::map<uint64_t, entry> parked_;
    uint64_t next_id_ = 1;
};

}  // namespace samsa::broker
