#pragma once
// Where the state of a streams application lives, across its instances
// (Kafka Streams' StreamsMetadata, HostInfo and KeyQueryMetadata), for
// routing interactive queries: an instance that does not hold a key's
// store asks the one that does, at its application.server.
//
//   auto where = app.query_metadata_for_key("customers", id, serdes::string());
//   if (where.active_host == my_host) ... else forward to where.active_host
//
// How instances learn each other's application.server: see
// docs/interactive-queries.md and kafka_streams::metadata_for_all_clients().
//
// Threads: values.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace samsa::streams {

struct host_info {
    std::string host;
    int32_t port = -1;
    bool operator==(const host_info&) const = default;
    auto operator<=>(const host_info&) const = default;
    std::string to_string() const { return host + ":" + std::to_string(port); }
    // Kafka's HostInfo.unavailable(): host "unavailable", port -1.
    static host_info unavailable() { return {"unavailable", -1}; }
    // "host:port"; unavailable() when it does not parse.
    static host_info parse(const std::string& endpoint);
};

struct streams_topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const streams_topic_partition&) const = default;
};

// One instance of the application (all its stream threads).
struct streams_metadata {
    host_info host;
    std::set<std::string> state_store_names;
    std::set<streams_topic_partition> topic_partitions;
    // Standby replicas are not implemented: always empty.
    std::set<std::string> standby_state_store_names;
    std::set<streams_topic_partition> standby_topic_partitions;
    bool operator==(const streams_metadata&) const = default;
};

// Which instance holds a key's active task (Kafka's KeyQueryMetadata);
// NOT_AVAILABLE when nobody does now (rebalancing, or an unknown store).
struct key_query_metadata {
    host_info active_host = host_info::unavailable();
    std::set<host_info> standby_hosts;
    int32_t partition = -1;
    bool operator==(const key_query_metadata&) const = default;
    static key_query_metadata not_available() { return {}; }
};

}  // namespace samsa::streams
