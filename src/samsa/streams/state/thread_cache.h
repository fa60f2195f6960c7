#pragma once
// thread_cache: the byte budget every record cache of one stream thread
// shares (Kafka Streams' ThreadCache: statestore.cache.max.bytes divided
// among the stream threads and the global thread). Each caching layer keeps
// its own entries (Kafka's NamedCache, one per task and store) and reports
// their size here; a put that takes the thread over budget evicts from the
// cache that was put to, as Kafka's ThreadCache.maybeEvict does.
//
// Threads: the stream thread (or the test driver) owning the tasks.

#include <cstdint>

namespace samsa::streams {

// The record caches' shared budget of one stream thread (Kafka's ThreadCache); see the top of this file.
class thread_cache {
public:
    // A budget of max_bytes.
    explicit thread_cache(int64_t max_bytes) : max_bytes_(max_bytes) {}
    // The budget.
    int64_t max_bytes() const { return max_bytes_; }
    // What the caches hold now.
    int64_t size_bytes() const { return size_bytes_; }
    // Whether they hold more than the budget.
    bool over_budget() const { return size_bytes_ > max_bytes_; }
    // A cache took bytes.
    void grow(int64_t bytes) { size_bytes_ += bytes; }
    // A cache gave bytes back.
    void shrink(int64_t bytes) { size_bytes_ -= bytes; }

private:
    int64_t max_bytes_;
    int64_t size_bytes_ = 0;
};

}  // namespace samsa::streams
