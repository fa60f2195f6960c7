#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with CTest.
#   scripts/test.sh            everything (unit, integration, e2e with real clients)
#   scripts/test.sh -L unit    any extra arguments go to ctest
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

bash scripts/install-deps.sh
jobs=$(nproc)

# -O1 without debug info: the quickest build on CI's two cores, still fast enough
# for the end-to-end tests. (Developers' own builds use the default flags.)
# Warnings are errors here (SAMSA_WERROR).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g0 -DNDEBUG" \
  -DSAMSA_WERROR=ON
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" "$@"

# The parsers of untrusted input, again under AddressSanitizer and UBSan (the unit
# tests only; -g1: line tables for the reports, not the cost of full debug info).
# -O0: the template-heavy streams tests compile in half the CPU time of -O1 (a cold
# build of this stage was ~45 of CI's 90 minutes); the unit tests still run in
# about a minute, and ASan/UBSan check the same code at -O0.
if [ "${SAMSA_SKIP_SANITIZERS:-0}" != 1 ] && [ $# -eq 0 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DSAMSA_SANITIZE=ON -DSAMSA_BENCH=OFF
  cmake --build build-asan -j "$jobs"
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit -LE nosan
fi

# The tests that run helper threads (label tsan), again under ThreadSanitizer:
# the storage flusher, cleaner and checkpointer, durable acks, the in-process
# broker's I/O thread beside them, and the streams runtime's stream threads
# over fake clients. A data race there shows up only rarely under load (a lost
# count, a torn recovery point), so the ordinary runs cannot be trusted to
# catch it. Only those binaries and the libraries they link are built (~100
# files: about 11 CPU-minutes cold, so ~6 minutes on two idle cores; the tests
# run in ~25 s). halt_on_error=0: every race of a test is reported, and the
# test still fails (TSan's exit code 66). No suppressions file: no race has
# been found in a third-party library (docs/thread-sanitizer.md).
if [ "${SAMSA_SKIP_SANITIZERS:-0}" != 1 ] && [ $# -eq 0 ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DSAMSA_TSAN=ON -DSAMSA_BENCH=OFF
  cmake --build build-tsan -j "$jobs"
  TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" ctest --test-dir build-tsan --output-on-failure -j "$jobs" -L tsan
fi
