#pragma once
// The bodies of Samsa's fuzz targets, shared by the libFuzzer executables in
// this folder (built with SAMSA_FUZZ=ON and clang) and by
// tests/protocol/fuzz_corpus_test.cc, which replays a fixed set of mutated
// inputs through them in every test run (under ASan in CI) without clang.
//
// Each returns false when an oracle is violated (a message that decodes but
// does not survive encode -> decode unchanged); crashes, leaks and undefined
// behaviour are the sanitizers' to report.

#include <cstddef>
#include <cstdint>

namespace samsa::fuzz {

// A request frame (the bytes after the size field): header, then the body
// decoded as the request of that api/version, and as its response too (the
// test client decodes responses). Decoded messages must re-encode to bytes
// that decode to the same message.
bool request_decoder(const uint8_t* data, size_t size);

// A record batch (or several): validate_batch, validate_records, record
// iteration, the batch splitter, and each codec's decompressor on the raw
// bytes.
bool record_batch(const uint8_t* data, size_t size);

}  // namespace samsa::fuzz
