#pragma once
// kafka_probe: the smallest Kafka exchange there is, for timing and readiness
// checks that must not depend on a client library's own start-up and retry
// timers: one Metadata v0 request (all topics) on a fresh raw_client
// connection. The answer's body is not decoded (a probe measures the round
// trip, not the codec); its correlation id is checked.
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
