#pragma once
// load: librdkafka producing and consuming as fast as it can, counting what
// the broker acknowledged and what came back. Unkeyed records of a fixed size
// (the partitioner spreads them), no compression, so the figures are about the
// broker and the wire, not about codecs.
//
// Thread: the caller's; librdkafka runs its own threads inside each call.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace samsa::bench {

// librdkafka settings beside bootstrap.servers (security.protocol, ssl.*, sasl.*).
using client_settings = std::vector<std::pair<std::string, std::string>>;

struct produce_spec {
    std::string topic;
    size_t record_size = 100;
    std::string acks = "1";
    std::chrono::milliseconds duration{std::chrono::seconds(4)};
    uint64_t max_records = UINT64_MAX;
};

struct load_result {
    uint64_t records = 0;       // acknowledged (produce) or received (consume)
    uint64_t bytes = 0;         // record values only
    double seconds = 0;         // first produce()/start to last report/record
    uint64_t errors = 0;
    std::string first_error;
    // Raw Fetch load only: the answers read and the TCP segments that
    // carried them (TCP_INFO's segs_in; ACKs of the requests included).
    uint64_t answers = 0;
    uint64_t segments_in = 0;
    // Summed over the connections: from sending each Fetch to the first
    // bytes of its answer (one request in flight: the connection is idle).
    double waiting_seconds = 0;
    double records_per_second() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
    double bytes_per_second() const { return seconds > 0 ? static_cast<double>(bytes) / seconds : 0; }
};

// `tick` runs about every 100 ms while the load runs (the RSS sampler).
load_result produce_load(const std::string& bootstrap, const produce_spec& spec, const std::function<void()>& tick,
                         const client_settings& settings = {});
load_result consume_load(const std::string& bootstrap, const std::string& topic, int partitions, uint64_t expected,
                         std::chrono::milliseconds timeout, const std::function<void()>& tick,
                         const client_settings& settings = {});

}  // namespace samsa::bench
