// libFuzzer target: record batches through validation, record decoding and
// decompression. See fuzz_targets.h.

#include <cstddef>
#include <cstdint>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!samsa::fuzz::record_batch(data, size)) __builtin_trap();
    return 0;
}
