#pragma once
// SAMSA_STREAMS_API: what libsamsa-streams.so exports. The shared library is
// compiled with -fvisibility=hidden (cmake/shared_library.cmake), so a class
// or function of samsa::streams is visible to an application only when it is
// marked: the public API, and the detail/ classes and functions that the
// DSL's templates (instantiated in the application) call. The static
// libraries ignore the mark. On ELF the same attribute serves the library
// and its users, so there is no import/export switch.
//
// A class is marked as a whole (its out-of-line members, vtable and
// typeinfo, which exceptions and dynamic_cast across the library's boundary
// need); a free function on its declaration.

#if defined(__GNUC__) || defined(__clang__)
#define SAMSA_STREAMS_API __attribute__((visibility("default")))
#else
#define SAMSA_STREAMS_API
#endif
