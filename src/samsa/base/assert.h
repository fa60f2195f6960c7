#pragma once
// SAMSA_ASSERT: invariants checked in every build, release included.
//
// Programmer errors (STYLE.md, tier three) must not turn into undefined
// behaviour when NDEBUG compiles <cassert> out: a broken invariant in the
// broker would otherwise corrupt a log or read freed memory silently. A
// failed assertion logs the expression, the place and an optional message to
// stderr (unbuffered, no allocation on the way) and aborts, so a core dump or
// the test runner shows where.
//
//   SAMSA_ASSERT(segments_.size() > 1);
//   SAMSA_ASSERT(has_value(), "result::value() on an error");
//
// Keep asserted expressions cheap: they run in release builds. Use
// SAMSA_DEBUG_ASSERT for checks too costly for the hot path (compiled out
// with NDEBUG, like assert()).
//
// Thread: any.

namespace samsa::detail {

[[noreturn]] void assertion_failed(const char* expression, const char* file, int line, const char* message) noexcept;

}  // namespace samsa::detail

#define SAMSA_ASSERT_1(expr) \
    (static_cast<bool>(expr) ? void(0) : ::samsa::detail::assertion_failed(#expr, __FILE__, __LINE__, nullptr))
#define SAMSA_ASSERT_2(expr, message) \
    (static_cast<bool>(expr) ? void(0) : ::samsa::detail::assertion_failed(#expr, __FILE__, __LINE__, message))
#define SAMSA_ASSERT_PICK(_1, _2, name, ...) name
#define SAMSA_ASSERT(...) SAMSA_ASSERT_PICK(__VA_ARGS__, SAMSA_ASSERT_2, SAMSA_ASSERT_1, unused)(__VA_ARGS__)

#ifdef NDEBUG
#define SAMSA_DEBUG_ASSERT(...) void(0)
#else
#define SAMSA_DEBUG_ASSERT(...) SAMSA_ASSERT(__VA_ARGS__)
#endif
