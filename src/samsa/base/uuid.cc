#include "samsa/base/uuid.h"

#include <random>

namespace samsa {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

uuid uuid::random() {
    static thread_local std::mt19937_64 gen{std::random_device{}()};
    uuid id;
    do {
        for (size_t i = 0; i < 16; i += 8) {
            uint64_t v = gen();
            for (size_t j = 0; j < 8; ++j) id.data[i + j] = static_cast<uint8_t>(v >> (8 * j));
        }
        id.data[6] = static_cast<uint8_t>((id.data[6] & 0x0f) | 0x40);  // version 4
        id.data[8] = static_cast<uint8_t>((id.data[8] & 0x3f) | 0x80);  // IETF variant
    } while (id.is_zero());
    return id;
}

std::string to_string(const uuid& id) {
    std::string out;
    out.reserve(22);
    // 16 bytes = 5 groups of 3 plus one trailing byte.
    size_t i = 0;
    for (; i + 3 <= 16; i += 3) {
        uint32_t v = (uint32_t{id.data[i]} << 16) | (uint32_t{id.data[i + 1]} << 8) | id.data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    uint32_t v = uint32_t{id.data[15]} << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    return out;
}

std::optional<uuid> uuid_from_string(std::string_view text) {
    if (text.size() != 22) return std::nullopt;
    uuid id;
    uint32_t acc = 0;
    int bits = 0;
    size_t out = 0;
    for (char c : text) {
        int d = decode_char(c);
        if (d < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out < 16) id.data[out++] = static_cast<uint8_t>(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (out != 16 || acc != 0) return std::nullopt;  // trailing bits must be zero
    return id;
}

}  // namespace samsa
