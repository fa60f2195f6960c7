// libFuzzer entry point for the targets whose body is named by
// SAMSA_FUZZ_BODY (a function of fuzz/*_targets.h, set per executable in
// fuzz/CMakeLists.txt). A violated oracle traps, so libFuzzer keeps the input.

#include <cstddef>
#include <cstdint>

#include SAMSA_FUZZ_HEADER

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!samsa::fuzz::SAMSA_FUZZ_BODY(data, size)) __builtin_trap();
    return 0;
}
