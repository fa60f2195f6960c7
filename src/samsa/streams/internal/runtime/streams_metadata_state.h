#pragma once
// streams_metadata_state: the application's instances, their
// application.server and the partitions (so tasks and stores) each holds,
// from a description of the consumer group <application.id> (Kafka Streams'
// StreamsMetadataState).
//
// How an instance's application.server reaches the others: Kafka Streams
// puts it in the subscription user data of its own assignor and hands every
// member the whole map in the assignment. Samsa's stream threads use
// librdkafka's range assignor, and librdkafka has no public API for a custom
// assignor or for subscription user data, so samsa puts the endpoint in the
// one free-form field every member already publishes to the group: the
// consumer's client.id, "<application.id>-StreamThread-<n>-consumer@host:port".
// Whoever wants the map describes the group (DescribeConsumerGroups: each
// member's client.id and current assignment), which the group coordinator
// answers from the same state the assignment came from, so the map is never
// older than the last completed rebalance. An internal compacted topic of
// endpoints was the alternative; it would need a writer and a reader per
// instance and could lag the assignment, for no gain. What differs with
// Java: Java instances cannot join the group at all (their "stream" protocol
// and the range assignor have no protocol in common), and the map costs a
// round trip to the coordinator per call instead of being cached locally.
//
// Threads: plain functions over values.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "samsa/streams/internal/runtime/clients.h"
#include "samsa/streams/streams_metadata.h"

namespace samsa::streams::internal {

class topology_metadata;

// The consumer's client.id carrying the endpoint (none: unchanged).
std::string client_id_with_endpoint(const std::string& client_id, const std::string& application_server);
// The endpoint a client.id carries, if any.
std::optional<host_info> endpoint_of(const std::string& client_id);

class streams_metadata_state {
public:
    // global_stores: their names (every instance has them).
    streams_metadata_state(const topology_metadata& topology, std::set<std::string> global_stores,
                           const std::vector<group_member_info>& members);

    // Instances with an endpoint, in host order; the threads of one instance
    // merged (Kafka's metadataForAllStreamsClients).
    const std::vector<streams_metadata>& all() const { return all_; }
    // Those whose tasks have the store (global stores: all of them).
    std::vector<streams_metadata> for_store(const std::string& store) const;
    // The sub-topology's partition count for the store (0: no such store).
    int partition_count_of(const std::string& store) const;
    // Who holds partition p of the store's sub-topology.
    key_query_metadata for_partition(const std::string& store, int32_t partition) const;

private:
    const topology_metadata* topology_;
    std::set<std::string> global_stores_;
    std::vector<streams_metadata> all_;
};

}  // namespace samsa::streams::internal
