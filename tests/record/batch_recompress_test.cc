// The broker's rewrite of a produced batch into the topic's compression.type
// (protocol/batch_recompress.h): every source codec into every target codec
// keeps records, keys, headers, timestamps and the producer fields; control
// batches and batches already in the target are left alone.

#include "samsa/record/batch_recompress.h"

#include <gtest/gtest.h>

#include "samsa/record/compression.h"
#include "samsa/record/records.h"

namespace samsa::record {
namespace {

constexpr size_t cap = 16 * 1024 * 1024;

const compression_codec codecs[] = {compression_codec::none, compression_codec::gzip, compression_codec::snappy,
                                    compression_codec::lz4, compression_codec::zstd};

std::vector<record> sample_records() {
    std::vector<record> out;
    out.push_back({to_bytes("key-1"), to_bytes("value-1"), timestamp_ms(1'700'000'000'000),
                   {{"h1", to_bytes("x")}, {"h2", std::nullopt}}});
    out.push_back({std::nullopt, to_bytes("no key"), timestamp_ms(1'700'000'000'007), {}});
    out.push_back({to_bytes("tombstone"), std::nullopt, timestamp_ms(1'699'999'999'990), {}});
    for (int i = 0; i < 300; ++i) {
        out.push_back({to_bytes("k" + std::to_string(i)), to_bytes(std::string(200, static_cast<char>('a' + i % 26))),
                       timestamp_ms(1'700'000'001'000 + i), {{"n", to_bytes(std::to_string(i))}}});
    }
    return out;
}

bytes build(compression_codec codec, const std::vector<record>& records, const batch_producer& producer) {
    record_batch_builder b(codec, offset(4242));
    b.producer(producer).partition_leader_epoch(5);
    for (const auto& r : records) b.add(r);
    return b.build();
}

// The records as the builder took them, read back from a batch.
std::vector<record> read_back(bytes_view batch) {
    auto decoded = batch_records::decode(batch, cap);
    EXPECT_TRUE(decoded) << decoded.error().message;
    std::vector<record> out;
    if (!decoded) return out;
    for (const auto& r : decoded->records()) {
        record owned;
        if (r.key) owned.key = bytes(r.key->begin(), r.key->end());
        if (r.value) owned.value = bytes(r.value->begin(), r.value->end());
        owned.timestamp = decoded->timestamp_of(r);
        for (const auto& h : r.headers) {
            record_header rh{std::string(h.key), std::nullopt};
            if (h.value) rh.value = bytes(h.value->begin(), h.value->end());
            owned.headers.push_back(std::move(rh));
        }
        out.push_back(std::move(owned));
    }
    return out;
}

void expect_same_header_but_codec(const record_batch_header& a, const record_batch_header& b) {
    EXPECT_EQ(a.base_offset, b.base_offset);
    EXPECT_EQ(a.partition_leader_epoch, b.partition_leader_epoch);
    EXPECT_EQ(a.attributes & ~0x07, b.attributes & ~0x07);
    EXPECT_EQ(a.last_offset_delta, b.last_offset_delta);
    EXPECT_EQ(a.base_timestamp, b.base_timestamp);
    EXPECT_EQ(a.max_timestamp, b.max_timestamp);
    EXPECT_EQ(a.producer_id, b.producer_id);
    EXPECT_EQ(a.producer_epoch, b.producer_epoch);
    EXPECT_EQ(a.base_sequence, b.base_sequence);
    EXPECT_EQ(a.records_count, b.records_count);
}

void check_every_pair(const batch_producer& producer) {
    const auto records = sample_records();
    for (auto source : codecs) {
        const bytes batch = build(source, records, producer);
        for (auto target : codecs) {
            SCOPED_TRACE(std::string(name(source)) + " -> " + name(target));
            auto before = read_batch_header(batch);
            ASSERT_TRUE(before);
            EXPECT_EQ(needs_recompression(*before, target), source != target);
            auto rewritten = recompress_batch(batch, target, target == compression_codec::lz4 ? 9 : 3, cap);
            ASSERT_TRUE(rewritten) << rewritten.error().message;
            auto st = validate_batch(*rewritten);  // length, magic and the recomputed CRC
            ASSERT_TRUE(st) << st.error().message;
            st = validate_records(*rewritten, cap);
            ASSERT_TRUE(st) << st.error().message;
            auto after = read_batch_header(*rewritten);
            ASSERT_TRUE(after);
            EXPECT_EQ(after->codec(), target);
            expect_same_header_but_codec(*before, *after);
            EXPECT_EQ(read_back(*rewritten), records);
        }
    }
}

TEST(batch_recompress, every_codec_into_every_codec_keeps_the_records) {
    check_every_pair(batch_producer{});
}

TEST(batch_recompress, idempotent_producer_fields_are_kept) {
    check_every_pair(batch_producer{producer_id(77), producer_epoch(3), 1000, false, false});
}

TEST(batch_recompress, transactional_flag_is_kept) {
    check_every_pair(batch_producer{producer_id(78), producer_epoch(0), 0, true, false});
}

TEST(batch_recompress, log_append_time_batch_keeps_its_stamp) {
    bytes batch = build(compression_codec::gzip, sample_records(), batch_producer{});
    batch[22] |= 0x08;  // LogAppendTime, as partition_log stamps it (low byte of the attributes)
    auto rewritten = recompress_batch(batch, compression_codec::zstd, 3, cap);
    ASSERT_TRUE(rewritten);
    auto h = read_batch_header(*rewritten);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->log_append_time());
    EXPECT_EQ(h->codec(), compression_codec::zstd);
    EXPECT_TRUE(validate_batch(*rewritten));
}

TEST(batch_recompress, control_batches_are_never_recompressed) {
    for (auto target : codecs) {
        SCOPED_TRACE(name(target));
        bytes marker = build(compression_codec::none, {{to_bytes("k"), to_bytes("v"), timestamp_ms(1), {}}},
                             batch_producer{producer_id(9), producer_epoch(1), -1, true, true});
        auto h = read_batch_header(marker);
        ASSERT_TRUE(h);
        ASSERT_TRUE(h->control());
        EXPECT_FALSE(needs_recompression(*h, target));
    }
}

TEST(batch_recompress, levels_change_the_output_and_still_round_trip) {
    bytes plain;
    uint32_t x = 12345;
    for (int i = 0; i < 20000; ++i) {
        x = x * 1103515245u + 12345u;  // varied text, so that the levels find different matches
        auto s = std::to_string(x % 100000) + ",";
        plain.insert(plain.end(), s.begin(), s.end());
    }
    const std::pair<compression_codec, std::pair<int, int>> cases[] = {
        {compression_codec::gzip, {1, 9}}, {compression_codec::lz4, {1, 17}}, {compression_codec::zstd, {1, 19}}};
    for (const auto& [codec, levels] : cases) {
        SCOPED_TRACE(name(codec));
        bytes low = compress(codec, plain, levels.first);
        bytes high = compress(codec, plain, levels.second);
        EXPECT_NE(low, high);
        for (const auto& c : {low, high}) {
            auto back = decompress(codec, c, cap);
            ASSERT_TRUE(back) << back.error().message;
            EXPECT_EQ(*back, plain);
        }
    }
}

}  // namespace
}  // namespace samsa::record
