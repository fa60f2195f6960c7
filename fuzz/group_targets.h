#pragma once
// Fuzz target bodies for the bytes the group coordinator reads back: the
// consumer protocol's subscription inside a member's metadata, and the
// records of `__consumer_offsets` replayed at start-up. Shared by the
// libFuzzer executables consumer_subscription_fuzz and consumer_offsets_fuzz
// (fuzz/CMakeLists.txt) and by tests/fuzz/fuzz_corpus_files_test.cc, which
// runs them over the committed corpora in fuzz/corpus/ in every test run.
// Each returns false when an oracle is violated; crashes, leaks and
// undefined behaviour are the sanitizers' to report.

#include <cstddef>
#include <cstdint>

namespace samsa::fuzz {

// ConsumerProtocolSubscription bytes (any version) through
// subscribed_topics(), as the coordinator reads them for OffsetDelete.
bool consumer_subscription(const uint8_t* data, size_t size);

// The whole input as an offsets key and as each kind of value (what decodes
// must re-encode stably), then the input read as a list of records
// (consumer_offsets_records below) replayed into a group coordinator on a
// fake clock, whose restored groups are described, heartbeated, rejoined by
// their static members and left to expire.
bool consumer_offsets(const uint8_t* data, size_t size);

}  // namespace samsa::fuzz
