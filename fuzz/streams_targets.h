#pragma once
// Fuzz target bodies for what samsa::streams reads back from Kafka and from
// its state directory: the serde of change<V> (old and new value) on the
// repartition topics of ktable::group_by, and a task's `.checkpoint` file.
// Shared by the libFuzzer executables change_serde_fuzz and
// streams_checkpoint_fuzz (fuzz/CMakeLists.txt) and by
// tests/fuzz/fuzz_corpus_files_test.cc. Each returns false when an oracle is
// violated; crashes and undefined behaviour are the sanitizers' to report.

#include <cstddef>
#include <cstdint>

namespace samsa::fuzz {

// The bytes through change_serde over a byte serde (every value is valid,
// so what decodes must re-encode to exactly the input) and over an int32
// serde (values of the wrong size throw serde_error, never anything else).
bool change_serde(const uint8_t* data, size_t size);

// The bytes as a task's `.checkpoint` file, read as the task does; what
// reads must write back to a file that reads the same.
bool streams_checkpoint(const uint8_t* data, size_t size);

}  // namespace samsa::fuzz
