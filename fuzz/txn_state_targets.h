#pragma once
// Fuzz target bodies for the transaction state the broker reads back from
// disk: __transaction_state records (key and value), the .txnindex file
// format and transaction markers (control batches). Shared by the libFuzzer
// executable txn_state_fuzz and tests/broker/txn/txn_state_fuzz_test.cc.
// Returns false when an oracle is violated (what decodes does not survive
// encode -> decode unchanged).

#include <cstddef>
#include <cstdint>

namespace samsa::fuzz {

bool txn_state(const uint8_t* data, size_t size);

}  // namespace samsa::fuzz
