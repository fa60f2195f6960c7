#include "samsa/protocol/api_key.h"

#include <iterator>

namespace samsa::protocol {
namespace {

struct api_info {
    std::string_view name;
    int16_t first_flexible;  // -1: never flexible
};

// Indexed by api key; the keys are dense from 0.
constexpr api_info apis[] = {
    {"Produce", 9},
    {"Fetch", 12},
    {"ListOffsets", 6},
    {"Metadata", 9},
    {"LeaderAndIsr", 4},
    {"StopReplica", 2},
    {"UpdateMetadata", 6},
    {"ControlledShutdown", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 6},
    {"FindCoordinator", 3},
    {"JoinGroup", 6},
    {"Heartbeat", 4},
    {"LeaveGroup", 4},
    {"SyncGroup", 4},
    {"DescribeGroups", 5},
    {"ListGroups", 3},
    {"SaslHandshake", -1},
    {"ApiVersions", 3},
    {"CreateTopics", 5},
    {"DeleteTopics", 4},
    {"DeleteRecords", 2},
    {"InitProducerId", 2},
    {"OffsetForLeaderEpoch", 4},
    {"AddPartitionsToTxn", 3},
    {"AddOffsetsToTxn", 3},
    {"EndTxn", 3},
    {"WriteTxnMarkers", 1},
    {"TxnOffsetCommit", 3},
    {"DescribeAcls", 2},
    {"CreateAcls", 2},
    {"DeleteAcls", 2},
    {"DescribeConfigs", 4},
    {"AlterConfigs", 2},
    {"AlterReplicaLogDirs", 2},
    {"DescribeLogDirs", 2},
    {"SaslAuthenticate", 2},
    {"CreatePartitions", 2},
    {"CreateDelegationToken", 2},
    {"RenewDelegationToken", 2},
    {"ExpireDelegationToken", 2},
    {"DescribeDelegationToken", 2},
    {"DeleteGroups", 2},
    {"ElectLeaders", 2},
    {"IncrementalAlterConfigs", 1},
    {"AlterPartitionReassignments", 0},
    {"ListPartitionReassignments", 0},
    {"OffsetDelete", -1},
    {"DescribeClientQuotas", 1},
    {"AlterClientQuotas", 1},
    {"DescribeUserScramCredentials", 0},
    {"AlterUserScramCredentials", 0},
    {"Vote", 0},
    {"BeginQuorumEpoch", 1},
    {"EndQuorumEpoch", 1},
    {"DescribeQuorum", 0},
    {"AlterPartition", 0},
    {"UpdateFeatures", 0},
    {"Envelope", 0},
    {"FetchSnapshot", 0},
    {"DescribeCluster", 0},
    {"DescribeProducers", 0},
    {"BrokerRegistration", 0},
    {"BrokerHeartbeat", 0},
    {"UnregisterBroker", 0},
    {"DescribeTransactions", 0},
    {"ListTransactions", 0},
    {"AllocateProducerIds", 0},
    {"ConsumerGroupHeartbeat", 0},
    {"ConsumerGroupDescribe", 0},
    {"ControllerRegistration", 0},
    {"GetTelemetrySubscriptions", 0},
    {"PushTelemetry", 0},
    {"AssignReplicasToDirs", 0},
    {"ListClientMetricsResources", 0},
    {"DescribeTopicPartitions", 0},
    {"ShareGroupHeartbeat", 0},
    {"ShareGroupDescribe", 0},
    {"ShareFetch", 0},
    {"ShareAcknowledge", 0},
    {"AddRaftVoter", 0},
    {"RemoveRaftVoter", 0},
    {"UpdateRaftVoter", 0},
    {"InitializeShareGroupState", 0},
    {"ReadShareGroupState", 0},
    {"WriteShareGroupState", 0},
    {"DeleteShareGroupState", 0},
    {"ReadShareGroupStateSummary", 0},
};
static_assert(std::size(apis) == max_known_api_key + 1);

}  // namespace

bool is_known(api_key key) {
    auto k = static_cast<int16_t>(key);
    return k >= 0 && k <= max_known_api_key;
}

std::string_view name(api_key key) {
    return is_known(key) ? apis[static_cast<int16_t>(key)].name : std::string_view("Unknown");
}

std::optional<int16_t> first_flexible_version(api_key key) {
    if (!is_known(key)) return std::nullopt;
    int16_t v = apis[static_cast<int16_t>(key)].first_flexible;
    if (v < 0) return std::nullopt;
    return v;
}

}  // namespace samsa::protocol
