#pragma once
// uuid: a topic id, 16 bytes. Its text form is Kafka's Uuid.toString(): the
// 16 bytes in base64url (RFC 4648 section 5, alphabet A-Z a-z 0-9 - _)
// without padding, always 22 characters.
//
// Worked example: the bytes 00 01 02 ... 0f print as "AAECAwQFBgcICQoLDA0ODw".
// The all-zero uuid (Kafka's ZERO_UUID, "AAAAAAAAAAAAAAAAAAAAAA") means
// "no topic id".

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace samsa::storage {

struct uuid {
    std::array<uint8_t, 16> bytes{};

    // Random version-4 uuid from the OS's entropy. Like Kafka, never returns
    // the zero uuid nor one whose text starts with '-'.
    static uuid random();
    // Parses Kafka's 22-character text form; nullopt when it is not one.
    static std::optional<uuid> parse(std::string_view text);

    std::string to_string() const;
    bool is_zero() const { return bytes == std::array<uint8_t, 16>{}; }
    auto operator<=>(const uuid&) const = default;
};

}  // namespace samsa::storage
