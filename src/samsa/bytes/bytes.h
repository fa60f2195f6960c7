#pragma once
// Owned and borrowed byte sequences. Wire data is bytes, not text: uint8_t.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace samsa {

using bytes = std::vector<uint8_t>;
using bytes_view = std::span<const uint8_t>;

inline bytes_view as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

}  // namespace samsa
