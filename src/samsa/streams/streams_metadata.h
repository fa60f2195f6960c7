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

#include "samsa/streams/export.h"

namespace samsa::streams {

// Kafka's HostInfo: where an instance answers interactive queries (its application.server).
struct SAMSA_STREAMS_API host_info {
    // Host name or address.
    std::string host;
    // Port; -1 when unknown.
    int32_t port = -1;
    // Same host and port.
    bool operator==(const host_info&) const = default;
    // Ordered by host, then port.
    auto operator<=>(const host_info&) const = default;
    // "host:port".
    std::string to_string() const { return host + ":" + std::to_string(port); }
    // Kafka's HostInfo.unavailable(): host "unavailable", port -1.
    static host_info unavailable() { return {"unavailable", -1}; }
    // "host:port"; unavailable() when it does not parse.
    static host_info parse(const std::string& endpoint);
};

// A topic partition, as streams metadata names them (Kafka's TopicPartition).
struct streams_topic_partition {
    // The topic.
    std::string topic;
    // The partition.
    int32_t partition = 0;
    // Ordered by topic, then partition.
    auto operator<=>(const streams_topic_partition&) const = default;
};

// One instance of the application (all its stream threads).
struct streams_metadata {
    // Where it answers queries.
    host_info host;
    // The stores its tasks hold.
    std::set<std::string> state_store_names;
    // The input partitions its tasks own.
    std::set<streams_topic_partition> topic_partitions;
    // Standby replicas are not implemented: always empty.
    std::set<std::string> standby_state_store_names;
    // Standby replicas are not implemented: always empty.
    std::set<streams_topic_partition> standby_topic_partitions;
    // Field by field.
    bool operator==(const streams_metadata&) const = default;
};

// Which instance holds a key's active task (Kafka's KeyQueryMetadata);
// NOT_AVAILABLE when nobody does now (rebalancing, or an unknown store).
struct key_query_metadata {
    // The instance with the key's active task.
    host_info active_host = host_info::unavailable();
    // Standby replicas are not implemented: always empty.
    std::set<host_info> standby_hosts;
    // The key's partition; -1 when not available.
    int32_t partition = -1;
    // Field by field.
    bool operator==(const key_query_metadata&) const = default;
    // Kafka's KeyQueryMetadata.NOT_AVAILABLE.
    static key_query_metadata not_available() { return {}; }
};

}  // namespace samsa::streams
