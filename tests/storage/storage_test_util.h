#pragma once
// Fixture builders for the storage tests: a temporary directory, record
// batches built with protocol::record_batch_builder, and helpers to look into
// what a read returned.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/bytes/bytes.h"
#include "samsa/protocol/record_batch.h"
#include "samsa/protocol/records.h"
#include "tests/support/temp_dir.h"

namespace samsa::storage::testing {

// The tests' one temp-dir helper (tests/support/temp_dir.h).
using test_support::temp_dir;

// One uncompressed batch of `count` records with values of `value_size` bytes,
// timestamps ts, ts + 1, ...
inline bytes make_batch(int count, int64_t ts = 1000, size_t value_size = 10) {
    protocol::record_batch_builder builder;
    for (int i = 0; i < count; ++i) {
        std::string key = "k" + std::to_string(i);
        std::string value(value_size, static_cast<char>('a' + i % 26));
        builder.add(key, value, timestamp_ms(ts + i));
    }
    return builder.build();
}

inline bytes concat(const std::vector<bytes>& parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The headers of the whole batches in `data`.
inline std::vector<protocol::record_batch_header> headers_of(bytes_view data) {
    std::vector<protocol::record_batch_header> out;
    protocol::batch_splitter splitter(data);
    while (auto batch = splitter.next()) {
        auto h = protocol::read_batch_header(*batch);
        EXPECT_TRUE(h.has_value());
        if (h) out.push_back(*h);
    }
    EXPECT_FALSE(splitter.truncated());
    return out;
}

// Every batch in `data` passes validate_batch.
inline bool all_valid(bytes_view data) {
    protocol::batch_splitter splitter(data);
    while (auto batch = splitter.next()) {
        if (!protocol::validate_batch(*batch)) return false;
    }
    return !splitter.truncated();
}

inline std::vector<std::string> files_in(const std::filesystem::path& dir, std::string_view ext) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ext) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// A snapshot of a directory tree as a crash would leave it: what is on disk
// (page cache included) while the process still has the files open.
inline void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

}  // namespace samsa::storage::testing
