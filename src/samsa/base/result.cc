#include "samsa/base/result.h"

namespace samsa {

const char* to_string(errc code) {
    switch (code) {
    case errc::invalid_argument: return "invalid argument";
    case errc::corrupt: return "corrupt";
    case errc::too_large: return "too large";
    case errc::not_found: return "not found";
    case errc::already_exists: return "already exists";
    case errc::out_of_range: return "out of range";
    case errc::io_error: return "i/o error";
    case errc::unsupported: return "unsupported";
    case errc::timed_out: return "timed out";
    case errc::closed: return "closed";
    }
    return "unknown";
}

}  // namespace samsa
