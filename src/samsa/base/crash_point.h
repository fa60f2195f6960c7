#pragma once
// crash_point: a kill -9 at a named point of the code, for the crash tests
// that must hit one exact moment (a transaction between its decision and
// its markers, say) rather than wherever an outside SIGKILL happens to land.
// When the environment variable SAMSA_CRASH_POINT equals the point's name,
// the process sends itself SIGKILL there: nothing is flushed or closed, so
// what is left on disk is what an outside kill -9 at that moment leaves.
// Otherwise it costs one comparison with a string read once at start-up.
//
// Thread: any.

#include <string_view>

namespace samsa {

void crash_point(std::string_view name);

}  // namespace samsa
