// ElectLeaders: on one node every partition's preferred (and only) replica
// already leads, so no election is ever needed. As Kafka's controller: Alter
// on the cluster is required (CLUSTER_AUTHORIZATION_FAILED: top-level from
// v1, on each partition asked at v0); each named partition answers
// ELECTION_NOT_NEEDED (or UNKNOWN_TOPIC_OR_PARTITION); asking for every
// partition (null) answers no results, because Kafka leaves out the
// partitions that needed no election. An unknown election type is
// INVALID_REQUEST.
#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/elect_leaders.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

protocol::elect_leaders_partition_result result_for(broker& b, const std::string& topic, int32_t partition,
                                                    error_code refusal) {
    protocol::elect_leaders_partition_result r;
    r.partition_id = partition;
    if (refusal != error_code::none) {
        r.error_code = refusal;
    } else if (!b.topics().log(topic, partition_id(partition))) {
        r.error_code = error_code::unknown_topic_or_partition;
        r.error_message = "This server does not host this topic-partition.";
    } else {
        r.error_code = error_code::election_not_needed;
        r.error_message = "Leader election not needed for topic partition.";
    }
    return r;
}

}  // namespace

void handle_elect_leaders(request_context ctx) {
    auto req = ctx.decode<protocol::elect_leaders_request>();
    if (!req) return;
    protocol::elect_leaders_response resp;
    error_code refusal = error_code::none;
    if (!authorized_on_cluster(ctx, acl_op::alter)) refusal = error_code::cluster_authorization_failed;
    else if (req->election_type != 0 && req->election_type != 1) refusal = error_code::invalid_request;
    if (refusal != error_code::none && ctx.version() >= 1) {
        resp.error_code = refusal;
        ctx.respond(resp);
        return;
    }
    if (req->topic_partitions) {
        for (const auto& t : *req->topic_partitions) {
            auto& rt = resp.replica_election_results.emplace_back();
            rt.topic = t.topic;
            for (int32_t p : t.partitions) rt.partition_result.push_back(result_for(*ctx.b, t.topic, p, refusal));
        }
    }
    ctx.respond(resp);
}

}  // namespace samsa::broker
