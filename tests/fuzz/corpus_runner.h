#pragma once
// corpus_runner: what every fuzz corpus test does with one fuzz target body:
// run it over the committed seed corpus fuzz/corpus/<target>/ (valid inputs
// the encoders made, hand-made broken ones, and the inputs of bugs fuzzing
// found), then over deterministic mutations of those files (the byte
// mutator of tests/protocol), so that every test run, and the sanitizer
// build, replays what libFuzzer starts from.
//
// SAMSA_FUZZ_SEED_DIR=<dir>: the seed builders' inputs are also written to
// <dir>/<target>/<name>, to refresh the committed corpus.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "samsa/bytes/bytes.h"
#include "tests/protocol/byte_mutator.h"

namespace samsa::fuzz::testing {

using body_fn = bool (*)(const uint8_t*, size_t);

// A seed: file name in the corpus ("valid-..." or "broken-...") and bytes.
using named_input = std::pair<std::string, bytes>;

inline std::filesystem::path corpus_dir(const std::string& target) {
    return std::filesystem::path(SAMSA_FUZZ_CORPUS_DIR) / target;
}

inline bytes read_whole(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline std::vector<named_input> read_corpus(const std::string& target) {
    std::vector<named_input> out;
    for (const auto& e : std::filesystem::directory_iterator(corpus_dir(target))) {
        if (e.is_regular_file()) out.emplace_back(e.path().filename().string(), read_whole(e.path()));
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline void maybe_write_seeds(const std::string& target, const std::vector<named_input>& seeds) {
    const char* dir = std::getenv("SAMSA_FUZZ_SEED_DIR");
    if (!dir) return;
    auto p = std::filesystem::path(dir) / target;
    std::filesystem::create_directories(p);
    for (const auto& [name, data] : seeds) {
        std::ofstream f(p / name, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    }
}

inline bool run_body(body_fn body, const bytes& in) { return body(in.data(), in.size()); }

// The seeds pass, every committed corpus file passes, and `mutations`
// mutated corpus files pass.
inline void check_corpus(const std::string& target, body_fn body, const std::vector<named_input>& seeds,
                         int mutations, uint64_t seed) {
    maybe_write_seeds(target, seeds);
    for (const auto& [name, data] : seeds) EXPECT_TRUE(run_body(body, data)) << "seed " << name;
    auto corpus = read_corpus(target);
    ASSERT_FALSE(corpus.empty()) << corpus_dir(target);
    for (const auto& [name, data] : corpus) EXPECT_TRUE(run_body(body, data)) << "corpus file " << name;
    ::samsa::testing::mutator m(seed);
    for (int i = 0; i < mutations; ++i) {
        bytes in = m.mutate(corpus[m.next() % corpus.size()].second);
        ASSERT_TRUE(run_body(body, in)) << target << " mutated input " << i;
    }
}

}  // namespace samsa::fuzz::testing
