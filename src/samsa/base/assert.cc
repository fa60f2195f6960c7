#include "samsa/base/assert.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace samsa::detail {

void assertion_failed(const char* expression, const char* file, int line, const char* message) noexcept {
    // stderr is unbuffered; fprintf keeps this free of allocations that a
    // damaged heap could make fail.
    std::fprintf(stderr, "samsa: assertion failed: %s at %s:%d%s%s\n", expression, file, line,
                 message ? ": " : "", message ? message : "");
    std::fflush(stderr);
    std::abort();
}

}  // namespace samsa::detail
