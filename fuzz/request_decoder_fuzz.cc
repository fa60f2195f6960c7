// libFuzzer target: a request frame through header parsing and every
// supported request (and response) decoder. See fuzz_targets.h.

#include <cstddef>
#include <cstdint>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!samsa::fuzz::request_decoder(data, size)) __builtin_trap();
    return 0;
}
