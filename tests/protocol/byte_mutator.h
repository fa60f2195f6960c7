#pragma once
// mutator: a seeded, deterministic byte mutator for the fuzz corpus tests
// (tests/protocol/fuzz_corpus_test.cc, tests/broker/txn/txn_state_fuzz_test.cc):
// bit flips, interesting bytes and int32s, truncation, deleted, inserted and
// duplicated ranges, a few per input, as libFuzzer's mutators do.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>

#include "samsa/bytes/bytes.h"

namespace samsa::testing {

class mutator {
public:
    explicit mutator(uint64_t seed) : rng_(seed) {}

    bytes mutate(bytes in) {
        int ops = 1 + static_cast<int>(rng_() % 4);
        for (int i = 0; i < ops; ++i) one(in);
        return in;
    }
    uint64_t next() { return rng_(); }

private:
    void one(bytes& b) {
        const size_t n = b.size();
        switch (rng_() % 7) {
            case 0:  // flip a bit
                if (n) b[rng_() % n] ^= static_cast<uint8_t>(1u << (rng_() % 8));
                break;
            case 1: {  // an interesting byte
                static const uint8_t v[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
                if (n) b[rng_() % n] = v[rng_() % std::size(v)];
                break;
            }
            case 2: {  // an interesting int32, big-endian
                static const uint32_t v[] = {0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0x00010000, 0};
                if (n >= 4) {
                    size_t at = rng_() % (n - 3);
                    uint32_t x = v[rng_() % std::size(v)];
                    for (int k = 0; k < 4; ++k) b[at + k] = static_cast<uint8_t>(x >> (24 - 8 * k));
                }
                break;
            }
            case 3:  // truncate
                if (n) b.resize(rng_() % n);
                break;
            case 4: {  // delete a range
                if (n) {
                    size_t at = rng_() % n;
                    size_t len = 1 + rng_() % std::min<size_t>(16, n - at);
                    b.erase(b.begin() + static_cast<ptrdiff_t>(at), b.begin() + static_cast<ptrdiff_t>(at + len));
                }
                break;
            }
            case 5: {  // insert random bytes
                size_t at = n ? rng_() % n : 0;
                size_t len = 1 + rng_() % 8;
                for (size_t k = 0; k < len; ++k)
                    b.insert(b.begin() + static_cast<ptrdiff_t>(at), static_cast<uint8_t>(rng_()));
                break;
            }
            default: {  // duplicate a range
                if (n) {
                    size_t at = rng_() % n;
                    size_t len = 1 + rng_() % std::min<size_t>(32, n - at);
                    bytes piece(b.begin() + static_cast<ptrdiff_t>(at), b.begin() + static_cast<ptrdiff_t>(at + len));
                    b.insert(b.begin() + static_cast<ptrdiff_t>(at), piece.begin(), piece.end());
                }
                break;
            }
        }
    }

    std::mt19937_64 rng_;
};

}  // namespace samsa::testing
