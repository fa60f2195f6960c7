// __transaction_state's record formats: Kafka's bytes, both value versions.
#include <gtest/gtest.h>

#include "samsa/broker/txn/txn_records.h"

namespace samsa::broker::txn {
namespace {

TEST(txn_records, key_and_value_are_kafkas_bytes) {
    EXPECT_EQ(encode_txn_key("t"), (bytes{0, 0, 0, 1, 't'}));
    txn_log_value v;
    v.producer_id = 5;
    v.producer_epoch = 0;
    v.transaction_timeout_ms = 60000;
    v.transaction_status = 1;
    v.transaction_partitions = std::vector<txn_log_partitions>{{"a", {1}}};
    v.last_update_timestamp_ms = 0;
    v.start_timestamp_ms = 0;
    bytes expected{0, 0,                           // version
                   0, 0, 0, 0, 0, 0, 0, 5,         // producer id
                   0, 0,                           // epoch
                   0, 0, 0xea, 0x60,               // timeout
                   1,                              // Ongoing
                   0, 0, 0, 1, 0, 1, 'a', 0, 0, 0, 1, 0, 0, 0, 1,  // [{"a", [1]}]
                   0, 0, 0, 0, 0, 0, 0, 0,         // last update
                   0, 0, 0, 0, 0, 0, 0, 0};        // start
    EXPECT_EQ(encode_txn_value(v), expected);
    EXPECT_EQ(expected.size(), 48u);
    auto back = decode_txn_value(expected);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v);
    EXPECT_EQ(*decode_txn_key(encode_txn_key("my-id")), "my-id");
}

TEST(txn_records, value_version_1_is_read_too) {
    // Flexible: compact array of compact strings, tagged fields.
    bytes v1{0, 1,
             0, 0, 0, 0, 0, 0, 0, 9,  // producer id
             0, 3,                    // epoch
             0, 0, 0x03, 0xe8,        // timeout 1000
             4,                       // CompleteCommit
             2, 2, 'x', 2, 0, 0, 0, 4, 0,  // [{"x", [4]}] + tags
             0, 0, 0, 0, 0, 0, 0, 1,
             0, 0, 0, 0, 0, 0, 0, 2,
             0};
    auto v = decode_txn_value(v1);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->producer_id, 9);
    EXPECT_EQ(v->producer_epoch, 3);
    EXPECT_EQ(v->transaction_status, 4);
    ASSERT_TRUE(v->transaction_partitions);
    EXPECT_EQ((*v->transaction_partitions)[0].partition_ids, std::vector<int32_t>{4});
    EXPECT_EQ(v->start_timestamp_ms, 2);
}

TEST(txn_records, malformed_records_are_errors) {
    EXPECT_FALSE(decode_txn_key(bytes{0}));
    EXPECT_EQ(decode_txn_key(bytes{0, 5, 0, 0}).error().code, errc::unsupported);
    EXPECT_FALSE(decode_txn_key(bytes{0, 0, 0, 9, 'a'}));
    EXPECT_EQ(decode_txn_value(bytes{0, 2, 1}).error().code, errc::unsupported);
    EXPECT_FALSE(decode_txn_value(bytes{0, 0, 1, 2, 3}));
}

}  // namespace
}  // namespace samsa::broker::txn
