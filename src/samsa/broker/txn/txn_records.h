#pragma once
// txn_records: the key and value formats of the records in the internal
// topic `__transaction_state`, exactly Kafka's (TransactionLogKey and
// TransactionLogValue), so that tools reading Kafka's transaction log read
// ours. Every key and value starts with an int16 version; the rest is
// Kafka's classic encoding for version 0 (int16-length strings, int32-count
// arrays, -1 = null) and the flexible one for version 1 (compact lengths,
// tagged fields). Kafka 3.8 writes value version 0; both are read.
//
//   key    version 0:  int16 0 | string transactional_id
//   value  version 0:  int16 0 | int64 producer_id | int16 producer_epoch
//                      | int32 transaction_timeout_ms | int8 state (txn_state)
//                      | nullable array of { string topic | array int32 partitions }
//                        (null while Empty)
//                      | int64 last_update_timestamp_ms | int64 start_timestamp_ms
//
// A null value is a tombstone: the transactional id expired
// (transactional.id.expiration.ms).
//
// Worked example: id "t", producer 5 epoch 0, timeout 60000, Ongoing with
// partition "a"-1, updated and started at 0:
//   key    00 00 | 00 01 74                                        (5 bytes)
//   value  00 00 | 00..00 05 | 00 00 | 00 00 ea 60 | 01
//          | 00 00 00 01 | 00 01 61 | 00 00 00 01 | 00 00 00 01
//          | 00..00 00 | 00..00 00                                 (48 bytes)
//
// Thread: any; pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"

namespace samsa::broker::txn {

struct txn_log_partitions {
    std::string topic;
    std::vector<int32_t> partition_ids;
    bool operator==(const txn_log_partitions&) const = default;
};

struct txn_log_value {
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t transaction_timeout_ms = 0;
    int8_t transaction_status = 0;
    std::optional<std::vector<txn_log_partitions>> transaction_partitions;
    int64_t last_update_timestamp_ms = -1;
    int64_t start_timestamp_ms = -1;
    bool operator==(const txn_log_value&) const = default;
};

bytes encode_txn_key(const std::string& transactional_id);
bytes encode_txn_value(const txn_log_value& v);

// errc::corrupt on malformed bytes; errc::unsupported on an unknown key
// version (Kafka skips such records with a warning) or value version.
result<std::string> decode_txn_key(bytes_view key);
result<txn_log_value> decode_txn_value(bytes_view value);

}  // namespace samsa::broker::txn
