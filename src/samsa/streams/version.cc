#include "samsa/streams/version.h"

#include "samsa/version.h"

namespace samsa::streams {

std::string_view version() { return samsa::version_string; }

}  // namespace samsa::streams
