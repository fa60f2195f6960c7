#pragma once
// The coordinator's requests and answers, in the coordinator's own terms:
// the handlers (broker/handlers/join_group.cc, ...) translate the wire
// messages of every version into these and back, so the state machine never
// sees a version number and the unit tests drive it without the protocol.
//
// Thread: plain values; built and read on the I/O thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker::group {

using protocol::error_code;

// One (name, metadata) pair of a JoinGroup: an assignor the member supports
// ("range", "cooperative-sticky", ...) and its subscription bytes, opaque to us.
struct join_protocol {
    std::string name;
    bytes metadata;
};

struct join_request {
    std::string group_id;
    std::string member_id;  // "" for a member joining for the first time
    std::optional<std::string> group_instance_id;  // static membership (v5+)
    std::string client_id;
    std::string client_host;
    std::chrono::milliseconds session_timeout{10000};
    std::chrono::milliseconds rebalance_timeout{10000};  // v0: = session timeout
    std::string protocol_type;
    std::vector<join_protocol> protocols;
    bool require_known_member_id = false;  // v4+: answer MEMBER_ID_REQUIRED first
};

struct join_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    bytes metadata;
};

struct join_result {
    error_code error = error_code::none;
    generation_id generation{-1};
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    std::string leader;
    std::string member_id;
    bool skip_assignment = false;
    std::vector<join_member> members;  // filled for the leader only
};
using join_callback = std::function<void(join_result)>;

struct sync_request {
    std::string group_id;
    generation_id generation{-1};
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> protocol_type;  // v5+
    std::optional<std::string> protocol_name;  // v5+
    // The leader's assignment, member id -> bytes; empty from followers.
    std::vector<std::pair<std::string, bytes>> assignments;
};

struct sync_result {
    error_code error = error_code::none;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    bytes assignment;
};
using sync_callback = std::function<void(sync_result)>;

struct heartbeat_request {
    std::string group_id;
    generation_id generation{-1};
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_member_result {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    error_code error = error_code::none;
};

struct leave_result {
    error_code error = error_code::none;  // the whole request (group unknown, loading)
    std::vector<leave_member_result> members;
};

// --- committed offsets -----------------------------------------------------

struct commit_partition {
    std::string topic;
    partition_id partition{0};
    offset committed{-1};
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
};

struct commit_request {
    std::string group_id;
    generation_id generation{-1};  // -1 with member "" : a standalone (simple) commit
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<commit_partition> partitions;
};

// One error per requested partition, in request order (OffsetCommit and
// TxnOffsetCommit).
struct commit_result {
    std::vector<error_code> errors;
};

struct fetch_topic {
    std::string topic;
    std::vector<partition_id> partitions;
};

struct fetched_offset {
    std::string topic;
    partition_id partition{0};
    offset committed{-1};  // -1: nothing committed
    int32_t leader_epoch = -1;
    std::string metadata;
    error_code error = error_code::none;
};

struct fetch_result {
    error_code error = error_code::none;
    std::vector<fetched_offset> partitions;
};

struct offset_delete_result {
    error_code error = error_code::none;  // group level
    // Per requested partition, in request order.
    std::vector<std::pair<commit_partition, error_code>> partitions;
};

// --- admin -----------------------------------------------------------------

struct listed_group {
    std::string group_id;
    std::string protocol_type;
    std::string state;  // Kafka's name
};

struct described_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    bytes metadata;    // of the chosen protocol, Stable only
    bytes assignment;  // Stable only
};

struct described_group {
    error_code error = error_code::none;
    std::string group_id;
    std::string state;
    std::string protocol_type;
    std::string protocol_data;  // the chosen protocol, Stable only
    std::vector<described_member> members;
};

}  // namespace samsa::broker::group
