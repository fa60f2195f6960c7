#include "fuzz_targets.h"

#include "samsa/record/compression.h"
#include "samsa/protocol/header.h"
#include "samsa/protocol/messages/all.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::fuzz {
namespace {

using namespace samsa::protocol;
using namespace samsa::record;

// Small enough that a bomb in a fuzz input costs milliseconds, large enough
// to decode anything a fuzzer builds.
constexpr size_t max_uncompressed = 1 << 20;

// Decodes `body` as T at `version`; if that works, checks the round trip.
template<class T>
bool check_message(bytes_view body, int16_t version) {
    auto msg = decode<T>(body, version);
    if (!msg) return true;
    bytes again = encode(*msg, version);
    auto back = decode<T>(again, version);
    if (!back) return false;
    return *back == *msg && encode(*back, version) == again;
}

template<class List>
bool check_all(List list, api_key key, int16_t version, bytes_view body) {
    bool ok = true;
    for_each_type(list, [&]<class T>() {
        if (T::api::key == key) ok = check_message<T>(body, version) && ok;
    });
    return ok;
}

}  // namespace

bool request_decoder(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    auto frame = parse_request(in);
    if (!frame) return true;
    const auto& h = frame->header;
    (void)name(h.key);
    (void)request_header_version(h.key, h.api_version);
    (void)response_header_version(h.key, h.api_version);
    bool ok = check_all(all_requests{}, h.key, h.api_version, frame->body);
    ok = check_all(all_responses{}, h.key, h.api_version, frame->body) && ok;
    return ok;
}

bool record_batch(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    (void)validate_batch(in);
    (void)validate_records(in, max_uncompressed);
    if (auto decoded = batch_records::decode(in, max_uncompressed)) {
        // Touch every byte the views point at, so a view past the buffer is
        // caught by ASan.
        uint64_t sum = 0;
        auto touch = [&](std::optional<bytes_view> b) {
            if (b)
                for (uint8_t c : *b) sum += c;
        };
        for (const auto& r : decoded->records()) {
            touch(r.key);
            touch(r.value);
            for (const auto& hd : r.headers) {
                for (char c : hd.key) sum += static_cast<uint8_t>(c);
                touch(hd.value);
            }
            (void)decoded->offset_of(r);
            (void)decoded->timestamp_of(r);
        }
        volatile uint64_t sink = sum;
        (void)sink;
    }
    batch_splitter splitter(in);
    while (auto batch = splitter.next()) {
        (void)validate_batch(*batch);
        (void)validate_records(*batch, max_uncompressed);
    }
    // Each decompressor on the raw bytes, past a one-byte selector.
    if (size > 0) {
        auto codec = static_cast<compression_codec>(1 + data[0] % 4);
        auto plain = decompress(codec, in.subspan(1), max_uncompressed);
        if (plain && plain->size() > max_uncompressed) return false;
    }
    return true;
}

}  // namespace samsa::fuzz
