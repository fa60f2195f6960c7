#pragma once
// offsets_records: the key and value formats of the records in the internal
// topic `__consumer_offsets`, exactly Kafka's, so that tools that read
// Kafka's offsets topic read ours. Every key and value starts with an int16
// version; the rest is Kafka's classic (non-flexible) encoding: int16-length
// strings (-1 = null), int32-length bytes, int32-count arrays.
//
//   offset commit   key   version 1 (0 also read):
//                         int16 1 | string group | string topic | int32 partition
//                   value version 3 (0-4 read):
//                         int16 3 | int64 offset | int32 leader_epoch
//                         | string metadata | int64 commit_timestamp
//                         (v1 adds int64 expire_timestamp after commit_timestamp,
//                          v0 and v1-2 have no leader_epoch; v4 is flexible)
//   group metadata  key   version 2:
//                         int16 2 | string group
//                   value version 3 (0-4 read):
//                         int16 3 | string protocol_type | int32 generation
//                         | nullable string protocol | nullable string leader
//                         | int64 current_state_timestamp (v2+)
//                         | int32 n | n x member:
//                             string member_id | nullable string group_instance_id (v3+)
//                             | string client_id | string client_host
//                             | int32 rebalance_timeout (v1+) | int32 session_timeout
//                             | bytes subscription | bytes assignment
//
// A null value is a tombstone: the offset was deleted (OffsetDelete,
// DeleteGroups, expiry) or the group was deleted.
//
// Worked example: group "g" commits offset 5 of "t"-0, no metadata, at ts 0:
//   key   00 01 | 00 01 67 | 00 01 74 | 00 00 00 00                 (12 bytes)
//   value 00 03 | 00..00 05 | ff ff ff ff | 00 00 | 00..00 00        (24 bytes)
//
// Thread: any; pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"

namespace samsa::broker::group {

struct offset_commit_key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    bool operator==(const offset_commit_key&) const = default;
};

struct offset_commit_value {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::string metadata;
    int64_t commit_timestamp = -1;
    int64_t expire_timestamp = -1;  // v1 only
    bool operator==(const offset_commit_value&) const = default;
};

struct group_metadata_key {
    std::string group;
    bool operator==(const group_metadata_key&) const = default;
};

struct member_metadata_record {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout = 0;
    int32_t session_timeout = 0;
    bytes subscription;
    bytes assignment;
    bool operator==(const member_metadata_record&) const = default;
};

struct group_metadata_value {
    std::string protocol_type;
    int32_t generation = 0;
    std::optional<std::string> protocol;
    std::optional<std::string> leader;
    int64_t current_state_timestamp = -1;
    std::vector<member_metadata_record> members;
    bool operator==(const group_metadata_value&) const = default;
};

using offsets_key = std::variant<offset_commit_key, group_metadata_key>;

bytes encode_key(const offset_commit_key& k);
bytes encode_key(const group_metadata_key& k);
bytes encode_value(const offset_commit_value& v);
bytes encode_value(const group_metadata_value& v);

// Fail with errc::corrupt on malformed bytes, errc::unsupported on a version
// Kafka never wrote.
result<offsets_key> decode_key(bytes_view key);
result<offset_commit_value> decode_offset_commit_value(bytes_view value);
result<group_metadata_value> decode_group_metadata_value(bytes_view value);

// Kafka's partitionFor: abs(groupId.hashCode()) % partitions, with Java's
// String.hashCode over the UTF-16 code units of the id and Kafka's Utils.abs
// (Integer.MIN_VALUE maps to 0).
int32_t offsets_partition_for(std::string_view group_id, int32_t partitions);
int32_t java_string_hash(std::string_view utf8);

}  // namespace samsa::broker::group
