#pragma once
// raw_load: produce and fetch load on raw Kafka connections, lean enough that
// the broker, not the load tool, is what the figures measure.
//
// A librdkafka producer spends most of a core per few hundred MB/s building,
// queueing and tracking records; on this project's two cores it was the limit
// of the broker benchmark (1 KiB produce at 8-13% of loopback, the broker
// using 0.4 of a core). Here each record batch is built and CRC'd once, before
// the clock starts, and the same Produce frame is sent again and again
// (a plain, non-idempotent producer: the broker assigns offsets, so a resent
// batch is just more records). Several requests are kept in flight per
// connection, as a producer's max.in.flight does. The fetch side keeps one
// Fetch in flight per connection, as the Java consumer and librdkafka do per
// broker (the next request needs the offsets the answer brings), asks with
// their default sizes, and walks the returned batch headers to count records
// and find the next offset, without decoding records (the answer is read
// into one reused buffer: one copy, the kernel's, as any client's).
//
// Thread: the caller's; each connection runs on a thread of its own, joined
// before the call returns.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/broker/load.h"

namespace samsa::bench {

struct raw_produce_spec {
    std::string topic;
    int partitions = 1;
    size_t record_size = 1024;
    int16_t acks = 1;  // 0 is not offered: a producer with acks=0 gets no answer to count
    std::chrono::milliseconds duration{std::chrono::seconds(4)};
    int connections = 2;
    int in_flight = 4;  // requests per connection awaiting their answer
    size_t batch_bytes = 256 * 1024;  // record values per request (one batch)
    // When not empty: every partition of each of these topics (each with
    // `partitions` partitions) instead of `topic`'s, so a load can spread over
    // thousands of topics (samsa-bench-broker-scale).
    std::vector<std::string> topics;
};

load_result raw_produce_load(uint16_t port, const raw_produce_spec& spec, const std::function<void()>& tick);

struct raw_fetch_spec {
    std::string topic;
    int partitions = 1;
    size_t record_size = 1024;  // to count value bytes as load_result does
    uint64_t expected_records = 0;
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    int connections = 2;  // at most one per partition: a partition is read by one connection
    // The Java client's and librdkafka's defaults (max.partition.fetch.bytes,
    // fetch.max.bytes), so each answer is as large as a real consumer's.
    int32_t partition_max_bytes = 1 << 20;
    int32_t max_bytes = 50 << 20;
    std::vector<std::string> topics;  // as in raw_produce_spec
};

load_result raw_fetch_load(uint16_t port, const raw_fetch_spec& spec, const std::function<void()>& tick);

}  // namespace samsa::bench
