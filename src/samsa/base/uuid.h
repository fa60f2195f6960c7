#pragma once
// uuid: Kafka's 16-byte identifier (topic ids). On the wire it is 16 raw bytes
// (most significant long first); in text Kafka prints it as URL-safe base64
// without padding (22 characters), e.g. "AAAAAAAAAAAAAAAAAAAAAA" for zero.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace samsa {

struct uuid {
    std::array<uint8_t, 16> data{};

    bool is_zero() const { return *this == uuid{}; }
    auto operator<=>(const uuid&) const = default;

    // A random version-4 uuid (std::random_device seeded); never zero and never
    // Kafka's reserved metadata topic id (0...01).
    static uuid random();
};

std::string to_string(const uuid& id);
std::optional<uuid> uuid_from_string(std::string_view text);

}  // namespace samsa
