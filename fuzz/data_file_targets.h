#pragma once
// Fuzz target bodies for the files the broker reads back from its data
// directory at start-up or on first use: producer-state snapshots
// (`<offset>.snapshot`), a segment's offset, time and transaction indexes
// (`.index`, `.timeindex`, `.txnindex`) and the offset checkpoint files
// (recovery-point, log-start and cleaner-offset checkpoints). Shared by the
// libFuzzer executables producer_snapshot_fuzz, index_file_fuzz and
// checkpoint_file_fuzz (fuzz/CMakeLists.txt) and by
// tests/fuzz/fuzz_corpus_files_test.cc. Each returns false when an oracle is
// violated; crashes and undefined behaviour are the sanitizers' to report.

#include <cstddef>
#include <cstdint>

namespace samsa::fuzz {

// The bytes as a snapshot, as is and with their CRC made right (so the
// decoder past the checksum meets the damage). What decodes must re-encode
// stably and be consistent (the last stable offset bound is the oldest open
// transaction); the decoded state then checks and records a batch and a
// marker for each producer, as the broker does after loading it.
bool producer_snapshot(const uint8_t* data, size_t size);

// The bytes written to a temporary directory as each index file of segment
// 100, opened and loaded as the broker does, then looked up and truncated.
bool index_file(const uint8_t* data, size_t size);

// The bytes as an offset checkpoint file: parse_checkpoint, and the file
// read through read_checkpoint. What parses must format back to text that
// parses to the same entries.
bool checkpoint_file(const uint8_t* data, size_t size);

}  // namespace samsa::fuzz
