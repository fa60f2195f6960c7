#pragma once
// fetch_purgatory: Fetch requests parked until their partitions receive data
// or their deadline passes — Kafka's delayed-fetch purgatory (a
// DelayedOperationPurgatory keyed by topic-partition), on one thread.
//
// Indexed by partition: park() files a request under every partition it
// watches, and notify(topic, partition) — after an append, a transaction
// marker, a topic deletion — looks at the watchers of that partition only.
// Each watcher is first asked whether the change can matter to it
// (parked_request::worth_trying: the partition's new end against the offset
// it waits at, the bytes now available against its min_bytes, no read);
// only then is a re-read scheduled, posted and at most once per request
// however many of its partitions are notified before it runs, so a produce
// request touching many partitions causes one evaluation, after its response
// is queued. At the deadline a request is answered with whatever there is.
//
//   notify(orders, 3) -> watchers_[orders][3] = {7, 12}
//                        7: worth_trying? no (its offset is still the end) -> nothing
//                        12: worth_trying? yes -> post evaluate(12) -> try_answer(false)
//
// Thread: the I/O thread; timers are Asio steady_timers on it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <asio.hpp>

#include "samsa/base/types.h"

namespace samsa::broker {

struct watched_partition {
    std::string topic;
    partition_id partition;
};

class parked_request {
public:
    virtual ~parked_request() = default;
    // Answers if it can (or must, at the deadline); true when answered. Must
    // not call back into the purgatory.
    virtual bool try_answer(bool deadline) = 0;
    // The partitions whose changes may let it answer; asked once, at park.
    virtual std::vector<watched_partition> watched() const = 0;
    // After a notify of one of its partitions: whether try_answer could
    // succeed now, judged from positions without reading. When unsure, true
    // (a needless read costs time; a wrong false, latency until the deadline).
    virtual bool worth_trying(std::string_view topic, partition_id partition) = 0;
};

class fetch_purgatory {
public:
    explicit fetch_purgatory(asio::io_context& io) : io_(io) {}
    ~fetch_purgatory();
    fetch_purgatory(const fetch_purgatory&) = delete;
    fetch_purgatory& operator=(const fetch_purgatory&) = delete;

    void park(std::unique_ptr<parked_request> request, std::chrono::milliseconds max_wait);
    void notify(std::string_view topic, partition_id partition);
    // Answers every parked request now (shutdown).
    void answer_all();
    size_t size() const { return parked_.size(); }
    // Requests filed under the partition (tests, metrics).
    size_t watchers(std::string_view topic, partition_id partition) const;

private:
    struct entry {
        std::unique_ptr<parked_request> request;
        std::unique_ptr<asio::steady_timer> timer;
        std::vector<watched_partition> watched;
        bool scheduled = false;
    };
    using by_partition = std::map<int32_t, std::vector<uint64_t>>;
    void evaluate(uint64_t id, bool deadline);
    void unindex(uint64_t id, const std::vector<watched_partition>& watched);

    asio::io_context& io_;
    std::map<uint64_t, entry> parked_;
    std::map<std::string, by_partition, std::less<>> watchers_;
    uint64_t next_id_ = 1;
};

}  // namespace samsa::broker
