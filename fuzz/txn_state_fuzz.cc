// libFuzzer target: __transaction_state records, .txnindex files and
// transaction markers. See txn_state_targets.h.

#include <cstddef>
#include <cstdint>

#include "txn_state_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!samsa::fuzz::txn_state(data, size)) __builtin_trap();
    return 0;
}
