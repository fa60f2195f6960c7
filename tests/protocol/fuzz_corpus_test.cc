// Replays a deterministic set of inputs through the fuzz targets' bodies
// (fuzz/fuzz_targets.h): valid requests, responses and record batches built
// from the codecs themselves, then mutated with a seeded PRNG. Runs in every
// test run (and under ASan/UBSan in CI) without clang or libFuzzer.
//
// SAMSA_FUZZ_SEED_DIR=<dir> also writes the unmutated inputs to
// <dir>/requests and <dir>/batches, as starting corpora for the fuzzers.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "fuzz_targets.h"
#include "byte_mutator.h"
#include "message_filler.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/protocol/messages/all.h"
#include "samsa/record/records.h"

namespace samsa::protocol {
namespace {

using namespace samsa::record;  // the batch seeds and checks
using ::samsa::testing::mutator;

std::vector<bytes> request_seeds() {
    std::vector<bytes> out;
    auto add = [&]<class T>(bool as_request) {
        for (int16_t v = T::api::min_version; v <= T::api::max_version; ++v) {
            for (uint64_t seed = 0; seed < 3; ++seed) {
                testing::message_filler filler(v, is_flexible(T::api::key, v), seed * 31 + static_cast<uint64_t>(v));
                T msg{};
                serde(filler, msg);
                request_header h{T::api::key, v, static_cast<int32_t>(seed), std::string("fuzz")};
                byte_writer w;
                write_request_header(w, h);
                encode(w, msg, v);
                out.push_back(w.release());
                (void)as_request;
            }
        }
    };
    for_each_type(all_requests{}, [&]<class T>() { add.template operator()<T>(true); });
    for_each_type(all_responses{}, [&]<class T>() { add.template operator()<T>(false); });
    return out;
}

std::vector<bytes> batch_seeds() {
    std::vector<bytes> out;
    const compression_codec codecs[] = {compression_codec::none, compression_codec::gzip, compression_codec::snappy,
                                        compression_codec::lz4, compression_codec::zstd};
    for (auto codec : codecs) {
        for (int n : {1, 3, 20}) {
            record_batch_builder b(codec, offset(n * 10));
            for (int i = 0; i < n; ++i) {
                std::vector<record_header> headers;
                if (i % 2) headers.push_back({"h" + std::to_string(i), to_bytes("hv")});
                b.add(i % 3 ? std::optional<std::string_view>("key" + std::to_string(i)) : std::nullopt,
                      std::string(static_cast<size_t>(i * 5), 'v'), timestamp_ms(1000 + i), std::move(headers));
            }
            out.push_back(b.build());
        }
    }
    // Two batches back to back, for the splitter.
    bytes two = out[0];
    two.insert(two.end(), out[4].begin(), out[4].end());
    out.push_back(std::move(two));
    return out;
}

void fix_crc(bytes& batch) {
    if (batch.size() < record_batch_header::size) return;
    byte_writer w(std::move(batch));
    w.patch_i32(17, static_cast<int32_t>(compute_batch_crc(w.buffer())));
    batch = w.release();
}

void maybe_write_seeds(const char* sub, const std::vector<bytes>& seeds) {
    const char* dir = std::getenv("SAMSA_FUZZ_SEED_DIR");
    if (!dir) return;
    std::filesystem::path p = std::filesystem::path(dir) / sub;
    std::filesystem::create_directories(p);
    for (size_t i = 0; i < seeds.size(); ++i) {
        std::ofstream f(p / ("seed-" + std::to_string(i)), std::ios::binary);
        f.write(reinterpret_cast<const char*>(seeds[i].data()), static_cast<std::streamsize>(seeds[i].size()));
    }
}

TEST(fuzz_corpus, request_decoder_survives_mutated_requests) {
    auto seeds = request_seeds();
    maybe_write_seeds("requests", seeds);
    for (const auto& s : seeds) ASSERT_TRUE(fuzz::request_decoder(s.data(), s.size()));
    mutator m(20261126);
    constexpr int inputs = 12000;
    for (int i = 0; i < inputs; ++i) {
        bytes in = m.mutate(seeds[m.next() % seeds.size()]);
        ASSERT_TRUE(fuzz::request_decoder(in.data(), in.size())) << "input " << i;
    }
}

TEST(fuzz_corpus, record_batch_survives_mutated_batches) {
    auto seeds = batch_seeds();
    maybe_write_seeds("batches", seeds);
    for (size_t i = 0; i < seeds.size(); ++i) {
        if (i + 1 < seeds.size()) {  // the last holds two batches
            ASSERT_TRUE(validate_batch(seeds[i]));
        }
        ASSERT_TRUE(fuzz::record_batch(seeds[i].data(), seeds[i].size()));
    }
    mutator m(42);
    constexpr int inputs = 8000;
    for (int i = 0; i < inputs; ++i) {
        bytes in = m.mutate(seeds[m.next() % seeds.size()]);
        // Half of the inputs get a correct CRC so that the record decoder,
        // not the checksum, meets the damage.
        if (m.next() % 2) fix_crc(in);
        ASSERT_TRUE(fuzz::record_batch(in.data(), in.size())) << "input " << i;
    }
}

}  // namespace
}  // namespace samsa::protocol
