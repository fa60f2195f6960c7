#include "samsa/storage/uuid.h"

#include <random>

namespace samsa::storage {
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
    std::random_device rd;
    for (;;) {
        uuid u;
        for (size_t i = 0; i < u.bytes.size(); i += 4) {
            uint32_t r = rd();
            for (size_t j = 0; j < 4; ++j) u.bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
        }
        u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
        u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // IETF variant
        // Kafka avoids ids whose text starts with '-' (it reads as a command-line flag).
        if (!u.is_zero() && u.to_string()[0] != '-') return u;
    }
}

std::string uuid::to_string() const {
    std::string out;
    out.reserve(22);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    // 16 = 5 * 3 + 1: one byte left, two characters, no padding.
    uint32_t v = uint32_t{bytes[i]} << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    return out;
}

std::optional<uuid> uuid::parse(std::string_view text) {
    if (text.size() != 22) return std::nullopt;
    uuid u;
    size_t out = 0;
    size_t i = 0;
    for (; i + 4 <= 20; i += 4) {
        uint32_t v = 0;
        for (size_t j = 0; j < 4; ++j) {
            int d = decode_char(text[i + j]);
            if (d < 0) return std::nullopt;
            v = (v << 6) | static_cast<uint32_t>(d);
        }
        u.bytes[out++] = static_cast<uint8_t>(v >> 16);
        u.bytes[out++] = static_cast<uint8_t>(v >> 8);
        u.bytes[out++] = static_cast<uint8_t>(v);
    }
    int a = decode_char(text[20]);
    int b = decode_char(text[21]);
    // The last character carries 2 bits of data and 4 bits that must be zero.
    if (a < 0 || b < 0 || (b & 0x0f) != 0) return std::nullopt;
    u.bytes[out] = static_cast<uint8_t>((a << 2) | (b >> 4));
    return u;
}

}  // namespace samsa::storage
