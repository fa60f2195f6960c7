#pragma once
// What OffsetCommit and TxnOffsetCommit share: partitions of unknown topics are
// answered UNKNOWN_TOPIC_OR_PARTITION at once, the others go to the group
// coordinator, whose per-partition errors are written back in request order.
// Templates because the two APIs have their own (same-shaped) message types.
#include <vector>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/topics/topic_manager.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

// Fills `resp.topics` with one answer per requested partition and adds the
// known ones to `commit`; returns the answers the coordinator will fill, in
// the order of `commit.partitions` (pointers stay valid: resp is complete).
// `may_read(topic)`: Read on the topic (TOPIC_AUTHORIZATION_FAILED
// otherwise, before the topic is looked up).
template <class RequestTopics, class Response, class MayRead>
auto split_commit_partitions(const topic_manager& topics, const RequestTopics& requested, Response& resp,
                             group::commit_request& commit, MayRead may_read) {
    using partition_answer = typename decltype(resp.topics.front().partitions)::value_type;
    for (const auto& t : requested) {
        auto& rt = resp.topics.emplace_back();
        rt.name = t.name;
        const bool readable = may_read(t.name);
        const auto* meta = topics.find(t.name);
        for (const auto& p : t.partitions) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = p.partition_index;
            if (!readable) {
                rp.error_code = protocol::error_code::topic_authorization_failed;
                continue;
            }
            if (!meta || p.partition_index() < 0 || p.partition_index() >= meta->partition_count) {
                rp.error_code = protocol::error_code::unknown_topic_or_partition;
                continue;
            }
            commit.partitions.push_back({t.name, p.partition_index, p.committed_offset, p.committed_leader_epoch(),
                                         p.committed_metadata});
        }
    }
    std::vector<partition_answer*> to_coordinator;
    for (auto& rt : resp.topics)
        for (auto& rp : rt.partitions)
            if (rp.error_code == protocol::error_code::none) to_coordinator.push_back(&rp);
    return to_coordinator;
}

// Answers every requested partition with `error` (a refused group or
// transactional id).
template <class RequestTopics, class Response>
void fail_all_partitions(const RequestTopics& requested, Response& resp, protocol::error_code error) {
    for (const auto& t : requested) {
        auto& rt = resp.topics.emplace_back();
        rt.name = t.name;
        for (const auto& p : t.partitions) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = p.partition_index;
            rp.error_code = error;
        }
    }
}

// Writes the coordinator's errors into the answers split_commit_partitions returned.
template <class Answers>
void apply_commit_errors(const Answers& to_coordinator, const std::vector<protocol::error_code>& errors) {
    for (size_t i = 0; i < to_coordinator.size() && i < errors.size(); ++i) to_coordinator[i]->error_code = errors[i];
}

}  // namespace samsa::broker
