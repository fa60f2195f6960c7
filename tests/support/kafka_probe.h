#pragma once
// kafka_probe: the smallest Kafka client there is, for timing and readiness
// checks that must not depend on a client library's own start-up and retry
// timers: one Metadata v0 request (all topics) on a fresh connection.
//
// Request, big-endian:
//   int32 size | int16 api_key=3 | int16 api_version=0 | int32 correlation_id
//   | int16 client_id length | client_id | int32 topic count = 0 (all topics)
// Response: int32 size | int32 correlation_id | body (not parsed here).
//
// Thread: any; no shared state.

#include <chrono>
#include <cstdint>
#include <string>

namespace samsa::test_support {

struct probe_result {
    bool ok = false;
    std::string error;      // why not, when !ok
    int32_t body_size = 0;  // response size, correlation id included
};

probe_result metadata_v0_round_trip(uint16_t port, std::chrono::milliseconds timeout);

}  // namespace samsa::test_support
