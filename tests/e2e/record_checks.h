#pragma once
// record_checks: the assertions every round-trip test makes, as
// ::testing::AssertionResult so a failure names the first record that differs.
//
//   EXPECT_TRUE(same_records(produced, consumed));
//   EXPECT_TRUE(keys_stay_in_one_partition(consumed));
//   EXPECT_TRUE(partitions_match_java_partitioner(consumed, 6));
//   EXPECT_TRUE(offsets_dense_from(consumed, 0));
//
// Thread: the test's.

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/rdkafka_client.h"

namespace samsa::e2e {
using namespace samsa::test_support;
}

namespace samsa::e2e {

// Same records (key, value, headers, partition, offset; timestamps when the
// producer set them), regardless of the order partitions were read in.
::testing::AssertionResult same_records(const std::vector<record>& produced, const std::vector<record>& consumed);
// Every key is found in exactly one partition.
::testing::AssertionResult keys_stay_in_one_partition(const std::vector<record>& records);
// Every keyed record sits where Kafka's Java client would put it (murmur2).
::testing::AssertionResult partitions_match_java_partitioner(const std::vector<record>& records, int partitions);
// Per partition: offsets are first, first+1, ... in read order.
::testing::AssertionResult offsets_dense_from(const std::vector<record>& read_order, int64_t first);
// Per partition: records produced later got higher offsets (order is kept).
::testing::AssertionResult produce_order_kept(const std::vector<record>& produced);

}  // namespace samsa::e2e
