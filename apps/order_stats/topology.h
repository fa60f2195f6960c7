#pragma once
// order-stats: how many orders each customer placed in each 5-minute window,
// one final figure per window (apps/order_stats/README.md).
//
//   ORDER (key order id, the order-mail demo's JSON)
//     event time = the order's createdAt (timestamp extractor), not the
//     record's timestamp: a late-delivered order still counts in the window
//     it was placed in
//   -> selectKey(customerId) -> repartition
//   -> groupByKey -> windowedBy(5 min tumbling, 1 min grace) -> count
//   -> suppress(untilWindowCloses(unbounded)): nothing until stream time
//      passes window end + grace, then exactly one record per customer and window
//   -> ORDER-STATS  key customer id
//                   {"customerId":"c1","windowStart":ms,"windowEnd":ms,"orders":4}
//
// Orders later than their window's end + grace are dropped and counted
// (Kafka's dropped-records), as Kafka Streams does.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/streams/options.h"
#include "samsa/streams/processor/timestamp_extractor.h"
#include "samsa/streams/topology.h"

namespace samsa::apps::order_stats {

inline constexpr const char* order_topic = "ORDER";
inline constexpr const char* order_stats_topic = "ORDER-STATS";
inline constexpr const char* default_application_id = "order-stats";

struct order_stats_options {
    std::chrono::milliseconds window_size = std::chrono::minutes(5);
    std::chrono::milliseconds grace = std::chrono::minutes(1);
    // rocksdb, as Kafka Streams; in_memory for tests and benchmarks.
    streams::store_type stores = streams::store_type::rocksdb;
};

streams::topology build_order_stats_topology(const order_stats_options& options = {});

// One ORDER-STATS value.
struct window_count {
    std::string customer_id;
    int64_t window_start = 0;
    int64_t window_end = 0;
    int64_t orders = 0;
    bool operator==(const window_count&) const = default;
};
std::string to_json(const window_count& c);
std::optional<window_count> window_count_from_json(std::string_view json);

// createdAt as epoch ms: "2026-12-03T00:12:23Z" (fractions allowed) or a
// number of ms; nullopt when it is neither.
std::optional<int64_t> parse_created_at(std::string_view created_at);

// The order's createdAt, or the record's own timestamp when it has none (or
// it does not parse).
streams::timestamp_extractor_ptr order_time_extractor();

// application.id, bootstrap.servers, state.dir (when not empty) and
// default.deserialization.exception.handler=logAndContinue.
std::map<std::string, std::string> order_stats_properties(const std::string& bootstrap_servers,
                                                          const std::string& application_id = default_application_id,
                                                          const std::string& state_dir = "");

}  // namespace samsa::apps::order_stats
