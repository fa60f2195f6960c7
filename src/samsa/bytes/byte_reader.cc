#include "samsa/bytes/byte_reader.h"

namespace samsa {

uint64_t byte_reader::read_uvarlong(int max_bytes) {
    uint64_t v = 0;
    for (int i = 0; i < max_bytes; ++i) {
        if (at_end()) {
            fail();
            return 0;
        }
        uint8_t b = data_[pos_++];
        v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) return v;
    }
    fail();  // a varint longer than its type allows: not Kafka's encoding
    return 0;
}

uint32_t byte_reader::read_uvarint() { return static_cast<uint32_t>(read_uvarlong(5)); }

int32_t byte_reader::read_varint() {
    auto u = static_cast<uint32_t>(read_uvarlong(5));
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t byte_reader::read_varlong() {
    uint64_t u = read_uvarlong(10);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

}  // namespace samsa
