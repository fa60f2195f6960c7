#include "samsa/bytes/byte_reader.h"

namespace samsa {

uint64_t byte_reader::read_long_uvarlong(int max_bytes) {
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

}  // namespace samsa
