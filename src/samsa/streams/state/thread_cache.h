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

class thread_cache {
public:
    explicit thread_cache(int64_t max_bytes) : max_bytes_(max_bytes) {}
    int64_t max_bytes() const { return max_bytes_; }
    int64_t size_bytes() const { return size_bytes_; }
    bool over_budget() const { return size_bytes_ > max_bytes_; }
    void grow(int64_t bytes) { size_bytes_ += bytes; }
    void shrink(int64_t bytes) { size_bytes_ -= bytes; }

private:
    int64_t max_bytes_;
    int64_t size_bytes_ = 0;
};

}  // namespace samsa::streams
