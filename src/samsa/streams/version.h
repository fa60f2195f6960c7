#pragma once
// version(): the samsa::streams library's version, e.g. "0.1.0" — the one the
// library was built as, which may differ from the headers an application
// compiled against (samsa/version.h) after an upgrade of the shared library.

#include <string_view>

#include "samsa/streams/export.h"

namespace samsa::streams {

// The version the library was built as, "major.minor.patch" (see above).
SAMSA_STREAMS_API std::string_view version();

}  // namespace samsa::streams
