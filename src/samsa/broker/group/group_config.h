#pragma once
// group_config: the broker keys that shape the coordinator, Kafka's names
// and defaults (broker/config/broker_config.cc lists them for the broker).
//
// Thread: a value; read on the I/O thread.

#include <chrono>
#include <cstdint>
#include <limits>

namespace samsa::broker::group {

struct group_config {
    // group.initial.rebalance.delay.ms: how long the first rebalance of an
    // empty group waits for more members (Kafka 3000; tests use 0).
    std::chrono::milliseconds initial_rebalance_delay{3000};
    // group.min.session.timeout.ms / group.max.session.timeout.ms:
    // JoinGroup outside these bounds is INVALID_SESSION_TIMEOUT.
    std::chrono::milliseconds min_session_timeout{6000};
    std::chrono::milliseconds max_session_timeout{1800000};
    // group.max.size: GROUP_MAX_SIZE_REACHED past it (Kafka: unbounded).
    int32_t max_size = std::numeric_limits<int32_t>::max();
    // offset.metadata.max.bytes: OFFSET_METADATA_TOO_LARGE past it.
    int32_t max_metadata_bytes = 4096;
    // Kafka's group.new.member.join.timeout (not a broker key there either):
    // a new member that joined and went away is dropped after this.
    std::chrono::milliseconds new_member_join_timeout{300000};
    // Samsa's sanity limit on one member's protocol metadata (subscription)
    // bytes; Kafka bounds it only by the request size. Past it: the
    // JoinGroup is answered INVALID_REQUEST (Kafka would take it and then
    // fail to write the group record).
    size_t max_member_metadata_bytes = 1024 * 1024;
    // offsets.topic.num.partitions: partitions of __consumer_offsets.
    int32_t offsets_partitions = 50;
    // offsets.retention.minutes (Kafka 7 days): committed offsets expire
    // this long after their group became Empty (KIP-211; the rules are in
    // group_expiration.cc).
    std::chrono::milliseconds offsets_retention{std::chrono::minutes(10080)};
    // offsets.retention.check.interval.ms: how often expiration runs.
    std::chrono::milliseconds offsets_retention_check_interval{600000};
};

}  // namespace samsa::broker::group
