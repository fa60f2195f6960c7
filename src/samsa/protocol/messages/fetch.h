#pragma once
// Fetch (api key 1): versions 4-16.
//
// v4 adds isolation_level, last_stable_offset and aborted_transactions; v5
// log_start_offset; v7 incremental fetch sessions (session_id/epoch,
// forgotten topics) and the top-level error_code; v9 current_leader_epoch;
// v11 rack_id and preferred_read_replica; v12 is flexible, with cluster_id
// (request) and diverging_epoch / current_leader / snapshot_id (response) as
// tagged fields; v13 names topics by id (topic_id) instead of by name in
// requests, forgotten topics and responses; v14 (tiered storage errors) and
// v15 (the follower's replica_id moves into the replica_state tag 1) change
// nothing a consumer sees; v16 adds node_endpoints (tag 0 of the response,
// leader discovery, filled only with NOT_LEADER answers).
//
// Response records are raw_records: the stored batches, served as they are;
// the broker splices large ones into the written frame without copying them
// (encode_response_frame_parts).

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/protocol/codec.h"
#include "samsa/protocol/error_code.h"
#include "samsa/protocol/messages/leader_discovery.h"
#include "samsa/base/uuid.h"

namespace samsa::protocol {

using fetch_api = api_range<api_key::fetch, 4, 16>;

struct fetch_partition {
    partition_id partition;
    leader_epoch current_leader_epoch{-1};  // v9+
    offset fetch_offset;
    leader_epoch last_fetched_epoch{-1};  // v12+
    offset log_start_offset{-1};          // v5+ (followers only)
    int32_t partition_max_bytes = 0;
    bool operator==(const fetch_partition&) const = default;
};

struct fetch_topic {
    std::string topic;  // v0-12
    std::vector<fetch_partition> partitions;
    uuid topic_id;  // v13+ (in place of the name on the wire)
    bool operator==(const fetch_topic&) const = default;
};

struct forgotten_topic {
    std::string topic;  // v7-12
    std::vector<int32_t> partitions;
    uuid topic_id;  // v13+ (in place of the name on the wire)
    bool operator==(const forgotten_topic&) const = default;
};

// Who sends the fetch (v15+, request tag 1): a follower, never a consumer.
struct replica_state {
    int32_t replica_id = -1;
    int64_t replica_epoch = -1;
    bool operator==(const replica_state&) const = default;
};

struct fetch_request {
    using api = fetch_api;
    std::optional<std::string> cluster_id;  // v12+, tag 0
    protocol::replica_state replica_state;  // v15+, tag 1
    int32_t replica_id = -1;                // v0-14, -1 for consumers
    int32_t max_wait_ms = 0;
    int32_t min_bytes = 0;
    int32_t max_bytes = 0x7fffffff;
    int8_t isolation_level = 0;  // 0 read_uncommitted, 1 read_committed
    int32_t session_id = 0;      // v7+
    int32_t session_epoch = -1;  // v7+
    std::vector<fetch_topic> topics;
    std::vector<forgotten_topic> forgotten_topics_data;  // v7+
    std::string rack_id;                                 // v11+
    bool operator==(const fetch_request&) const = default;
};

struct epoch_end_offset {
    int32_t epoch = -1;
    int64_t end_offset = -1;
    bool operator==(const epoch_end_offset&) const = default;
};

struct snapshot_id {
    int64_t end_offset = -1;
    int32_t epoch = -1;
    bool operator==(const snapshot_id&) const = default;
};

struct aborted_transaction {
    samsa::producer_id producer_id;
    offset first_offset;
    bool operator==(const aborted_transaction&) const = default;
};

struct fetch_partition_data {
    partition_id partition_index;
    protocol::error_code error_code = protocol::error_code::none;
    offset high_watermark;
    offset last_stable_offset{-1};  // v4+
    offset log_start_offset{-1};    // v5+
    epoch_end_offset diverging_epoch;     // v12+, tag 0
    leader_id_and_epoch current_leader;   // v12+, tag 1
    protocol::snapshot_id snapshot_id;    // v12+, tag 2
    std::optional<std::vector<aborted_transaction>> aborted_transactions;  // v4+
    int32_t preferred_read_replica = -1;                                   // v11+
    raw_records records;
    bool operator==(const fetch_partition_data&) const = default;
};

struct fetchable_topic_response {
    std::string topic;  // v0-12
    std::vector<fetch_partition_data> partitions;
    uuid topic_id;  // v13+ (in place of the name on the wire)
    bool operator==(const fetchable_topic_response&) const = default;
};

struct fetch_response {
    using api = fetch_api;
    int32_t throttle_time_ms = 0;
    protocol::error_code error_code = protocol::error_code::none;  // v7+
    int32_t session_id = 0;                                        // v7+
    std::vector<fetchable_topic_response> responses;
    std::vector<node_endpoint> node_endpoints;  // v16+, tag 0
    bool operator==(const fetch_response&) const = default;
};

template<class IO>
void serde(IO& io, fetch_partition& m) {
    io.field(m.partition);
    if (io.version() >= 9) io.field(m.current_leader_epoch);
    io.field(m.fetch_offset);
    if (io.version() >= 12) io.field(m.last_fetched_epoch);
    if (io.version() >= 5) io.field(m.log_start_offset);
    io.field(m.partition_max_bytes);
    io.tags();
}

template<class IO>
void serde(IO& io, fetch_topic& m) {
    if (io.version() <= 12) io.field(m.topic);
    else io.field(m.topic_id);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, forgotten_topic& m) {
    if (io.version() <= 12) io.field(m.topic);
    else io.field(m.topic_id);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, replica_state& m) {
    io.field(m.replica_id);
    io.field(m.replica_epoch);
    io.tags();
}

template<class IO>
void serde(IO& io, fetch_request& m) {
    if (io.version() <= 14) io.field(m.replica_id);
    io.field(m.max_wait_ms);
    io.field(m.min_bytes);
    io.field(m.max_bytes);
    io.field(m.isolation_level);
    if (io.version() >= 7) {
        io.field(m.session_id);
        io.field(m.session_epoch);
    }
    io.field(m.topics);
    if (io.version() >= 7) io.field(m.forgotten_topics_data);
    if (io.version() >= 11) io.field(m.rack_id);
    io.tags([&](auto& t) {
        t(0, m.cluster_id, m.cluster_id.has_value());
        if (io.version() >= 15) t(1, m.replica_state, m.replica_state != protocol::replica_state{});
    });
}

template<class IO>
void serde(IO& io, epoch_end_offset& m) {
    io.field(m.epoch);
    io.field(m.end_offset);
    io.tags();
}

template<class IO>
void serde(IO& io, snapshot_id& m) {
    io.field(m.end_offset);
    io.field(m.epoch);
    io.tags();
}

template<class IO>
void serde(IO& io, aborted_transaction& m) {
    io.field(m.producer_id);
    io.field(m.first_offset);
    io.tags();
}

template<class IO>
void serde(IO& io, fetch_partition_data& m) {
    io.field(m.partition_index);
    io.field(m.error_code);
    io.field(m.high_watermark);
    io.field(m.last_stable_offset);
    if (io.version() >= 5) io.field(m.log_start_offset);
    io.field(m.aborted_transactions);
    if (io.version() >= 11) io.field(m.preferred_read_replica);
    io.field(m.records);
    io.tags([&](auto& t) {
        t(0, m.diverging_epoch, m.diverging_epoch != epoch_end_offset{});
        t(1, m.current_leader, m.current_leader != leader_id_and_epoch{});
        t(2, m.snapshot_id, m.snapshot_id != protocol::snapshot_id{});
    });
}

template<class IO>
void serde(IO& io, fetchable_topic_response& m) {
    if (io.version() <= 12) io.field(m.topic);
    else io.field(m.topic_id);
    io.field(m.partitions);
    io.tags();
}

template<class IO>
void serde(IO& io, fetch_response& m) {
    io.field(m.throttle_time_ms);
    if (io.version() >= 7) {
        io.field(m.error_code);
        io.field(m.session_id);
    }
    io.field(m.responses);
    io.tags([&](auto& t) {
        if (io.version() >= 16) t(0, m.node_endpoints, !m.node_endpoints.empty());
    });
}

}  // namespace samsa::protocol
