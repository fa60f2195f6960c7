#pragma once
// group_member: one member of a classic group as the coordinator knows it,
// Kafka's MemberMetadata. A member waiting for its JoinGroup answer holds the
// callback that sends it (awaiting_join); likewise for SyncGroup.
//
// Thread: the I/O thread (owned by its group).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "samsa/broker/group/group_requests.h"
#include "samsa/broker/group/group_timers.h"

namespace samsa::broker::group {

struct group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::chrono::milliseconds session_timeout{10000};
    std::chrono::milliseconds rebalance_timeout{10000};
    std::string protocol_type;
    std::vector<join_protocol> protocols;  // in the member's order of preference
    bytes assignment;

    join_callback awaiting_join;  // empty when not waiting
    sync_callback awaiting_sync;
    // Joined during the current rebalance for the first time (Kafka's isNew):
    // such a member has no heartbeat deadline until the round completes.
    bool is_new = false;
    timer_id heartbeat_timer = no_timer;

    bool is_static() const { return group_instance_id.has_value(); }
    bool is_awaiting_join() const { return static_cast<bool>(awaiting_join); }
    bool is_awaiting_sync() const { return static_cast<bool>(awaiting_sync); }

    // The metadata this member sent for `protocol`; nullptr when it does not
    // support it.
    const bytes* metadata_for(std::string_view protocol) const {
        for (const auto& p : protocols)
            if (p.name == protocol) return &p.metadata;
        return nullptr;
    }
    // Same protocols, same metadata, same order (Kafka's matches()).
    bool matches(const std::vector<join_protocol>& other) const {
        if (other.size() != protocols.size()) return false;
        for (size_t i = 0; i < other.size(); ++i)
            if (other[i].name != protocols[i].name || other[i].metadata != protocols[i].metadata) return false;
        return true;
    }
};

}  // namespace samsa::broker::group
