// Replays a deterministic set of mutated inputs through the transaction-state
// fuzz target (fuzz/txn_state_targets.h): __transaction_state keys and
// values, .txnindex contents and transaction markers, built valid by the
// encoders, then damaged with a seeded PRNG. Runs under ASan/UBSan in CI.

#include <gtest/gtest.h>

#include "samsa/broker/txn/txn_records.h"
#include "samsa/record/control_record.h"
#include "samsa/storage/transaction_index.h"
#include "tests/protocol/byte_mutator.h"
#include "txn_state_targets.h"

namespace samsa::broker::txn {
namespace {

std::vector<bytes> seeds() {
    std::vector<bytes> out;
    out.push_back(encode_txn_key("order-mail-0"));
    out.push_back(encode_txn_key(""));
    for (int8_t status = 0; status <= 7; ++status) {
        txn_log_value v;
        v.producer_id = 1000 + status;
        v.producer_epoch = status;
        v.transaction_timeout_ms = 60000;
        v.transaction_status = status;
        if (status % 2) {
            v.transaction_partitions = std::vector<txn_log_partitions>{{"orders", {0, 1, 2}}, {"mails", {3}}};
        }
        v.last_update_timestamp_ms = 1700000000000 + status;
        v.start_timestamp_ms = 1700000000000;
        out.push_back(encode_txn_value(v));
    }
    std::vector<storage::aborted_txn> entries;
    for (int i = 0; i < 4; ++i) {
        entries.push_back({producer_id(7 + i), offset(100 * i), offset(100 * i + 50), offset(100 * i + 51)});
        out.push_back(storage::transaction_index::serialize(entries));
    }
    for (auto type : {record::control_type::commit, record::control_type::abort}) {
        out.push_back(record::build_end_txn_marker_batch(producer_id(7), producer_epoch(2), {type, 5},
                                                          timestamp_ms(1000)));
    }
    return out;
}

TEST(txn_state_fuzz, valid_inputs_round_trip) {
    for (const auto& s : seeds()) EXPECT_TRUE(fuzz::txn_state(s.data(), s.size()));
}

TEST(txn_state_fuzz, survives_mutated_records_indexes_and_markers) {
    auto inputs = seeds();
    ::samsa::testing::mutator m(20261203);
    constexpr int count = 20000;
    for (int i = 0; i < count; ++i) {
        bytes in = m.mutate(inputs[m.next() % inputs.size()]);
        ASSERT_TRUE(fuzz::txn_state(in.data(), in.size())) << "input " << i;
    }
}

}  // namespace
}  // namespace samsa::broker::txn
