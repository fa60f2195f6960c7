// Records inside batches: the builder with every codec, decoding back,
// LogValidator-like checks, CRC and decompression-bomb handling.

#include "samsa/protocol/records.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include "samsa/bytes/byte_writer.h"
#include "samsa/bytes/crc32c.h"
#include "samsa/protocol/compression.h"
#include "samsa/protocol/control_record.h"

namespace samsa::protocol {
namespace {

constexpr size_t cap = 16 * 1024 * 1024;

const compression_codec all_codecs[] = {compression_codec::none, compression_codec::gzip, compression_codec::snappy,
                                        compression_codec::lz4, compression_codec::zstd};

std::string str(std::optional<bytes_view> b) { return b ? std::string(as_chars(*b)) : std::string("<null>"); }

// Rewrites a batch's records_count (and its CRC) to build inconsistent input.
void patch_count(bytes& batch, int32_t count) {
    byte_writer w(std::move(batch));
    w.patch_i32(57, count);
    batch = w.release();
    byte_writer c(std::move(batch));
    c.patch_i32(17, static_cast<int32_t>(compute_batch_crc(c.buffer())));
    batch = c.release();
}

TEST(records, worked_example_record_bytes) {
    bytes out;
    record r{to_bytes("k"), to_bytes("v"), timestamp_ms(0), {}};
    write_record(out, r, 0, 0);
    EXPECT_EQ(out, (bytes{0x10, 0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00}));
    bytes batch = record_batch_builder().add("k", "v", timestamp_ms(0)).build();
    EXPECT_EQ(batch.size(), 70u);
}

TEST(records, builder_round_trips_with_every_codec) {
    for (auto codec : all_codecs) {
        SCOPED_TRACE(name(codec));
        record_batch_builder b(codec, offset(100));
        b.add("key-1", "value-1", timestamp_ms(1000), {{"h1", to_bytes("x")}, {"h2", std::nullopt}});
        b.add(std::nullopt, "no key", timestamp_ms(1005));
        b.add("tombstone", std::nullopt, timestamp_ms(999));
        for (int i = 0; i < 200; ++i) b.add("k" + std::to_string(i), std::string(100, 'a' + i % 26), timestamp_ms(2000 + i));
        b.producer({producer_id(7), producer_epoch(1), 42, false});
        bytes batch = b.build();

        ASSERT_TRUE(validate_batch(batch));
        auto st = validate_records(batch, cap);
        ASSERT_TRUE(st) << st.error().message;
        auto decoded = batch_records::decode(batch, cap);
        ASSERT_TRUE(decoded) << decoded.error().message;
        const auto& h = decoded->header();
        EXPECT_EQ(h.codec(), codec);
        EXPECT_EQ(h.base_offset, 100);
        EXPECT_EQ(h.records_count, 203);
        EXPECT_EQ(h.last_offset_delta, 202);
        EXPECT_EQ(h.base_timestamp, 1000);
        EXPECT_EQ(h.max_timestamp, 2199);
        EXPECT_EQ(h.producer_id, 7);
        EXPECT_EQ(h.base_sequence, 42);
        const auto& rs = decoded->records();
        ASSERT_EQ(rs.size(), 203u);
        EXPECT_EQ(str(rs[0].key), "key-1");
        EXPECT_EQ(str(rs[0].value), "value-1");
        ASSERT_EQ(rs[0].headers.size(), 2u);
        EXPECT_EQ(rs[0].headers[0].key, "h1");
        EXPECT_EQ(str(rs[0].headers[0].value), "x");
        EXPECT_FALSE(rs[0].headers[1].value);
        EXPECT_FALSE(rs[1].key);
        EXPECT_FALSE(rs[2].value);
        EXPECT_EQ(decoded->timestamp_of(rs[2]), timestamp_ms(999));
        EXPECT_EQ(decoded->offset_of(rs[202]), offset(302));
        EXPECT_EQ(str(rs[202].value), std::string(100, 'a' + 199 % 26));
        if (codec != compression_codec::none) {
            EXPECT_LT(batch.size(), 203u * 100u);
        }
    }
}

TEST(records, crc_mismatch_is_detected) {
    bytes batch = record_batch_builder(compression_codec::none).add("k", "v", timestamp_ms(1)).build();
    ASSERT_TRUE(validate_batch(batch));
    batch[batch.size() - 2] ^= 0x01;
    auto st = validate_batch(batch);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, errc::corrupt);
}

TEST(records, count_mismatch_is_detected) {
    bytes batch = record_batch_builder().add("a", "1", timestamp_ms(1)).add("b", "2", timestamp_ms(1)).build();
    patch_count(batch, 3);
    EXPECT_FALSE(validate_records(batch, cap));
    patch_count(batch, 1);
    EXPECT_FALSE(validate_records(batch, cap));  // trailing record bytes
    patch_count(batch, 0x7fffffff);
    EXPECT_FALSE(validate_records(batch, cap));
}

TEST(records, offset_deltas_must_be_sequential) {
    bytes batch = record_batch_builder().add("a", "1", timestamp_ms(1)).add("b", "2", timestamp_ms(1)).build();
    // Rebuild the records with deltas 0 and 5 behind the same header.
    bytes recs;
    write_record(recs, record{to_bytes("a"), to_bytes("1"), timestamp_ms(1), {}}, 0, 0);
    write_record(recs, record{to_bytes("b"), to_bytes("2"), timestamp_ms(1), {}}, 0, 5);
    batch.resize(record_batch_header::size);
    batch.insert(batch.end(), recs.begin(), recs.end());
    byte_writer w(std::move(batch));
    w.patch_i32(8, static_cast<int32_t>(w.size() - 12));
    w.patch_i32(17, static_cast<int32_t>(compute_batch_crc(w.buffer())));
    batch = w.release();
    ASSERT_TRUE(validate_batch(batch));
    auto st = validate_records(batch, cap);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("offset delta"), std::string::npos);
}

TEST(records, malformed_records_fail_cleanly) {
    bytes batch = record_batch_builder().add("key", "value", timestamp_ms(1)).build();
    for (size_t at = record_batch_header::size; at < batch.size(); ++at) {
        for (uint8_t v : {uint8_t{0x00}, uint8_t{0x7f}, uint8_t{0xff}, uint8_t{0x01}}) {
            bytes copy = batch;
            copy[at] = v;
            (void)batch_records::decode(copy, cap);  // must not crash; may or may not fail
            (void)validate_records(copy, cap);
        }
    }
    // Truncated: the header says more bytes than given.
    EXPECT_FALSE(batch_records::decode(bytes_view(batch).first(batch.size() - 1), cap));
}

TEST(compression, every_codec_round_trips) {
    bytes data;
    for (int i = 0; i < 300000; ++i) data.push_back(static_cast<uint8_t>((i * 7) % 251));
    for (auto codec : all_codecs) {
        SCOPED_TRACE(name(codec));
        bytes packed = compress(codec, data);
        auto back = decompress(codec, packed, cap);
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(*back, data);
        auto empty = decompress(codec, compress(codec, bytes{}), cap);
        ASSERT_TRUE(empty) << empty.error().message;
        EXPECT_TRUE(empty->empty());
    }
}

TEST(compression, snappy_xerial_and_raw_are_both_read) {
    bytes data = to_bytes(std::string(100000, 'x') + "tail");
    bytes xerial = compress(compression_codec::snappy, data);
    ASSERT_GE(xerial.size(), 16u);
    EXPECT_EQ(xerial[0], 0x82);
    EXPECT_EQ(std::string(xerial.begin() + 1, xerial.begin() + 7), "SNAPPY");
    auto a = decompress(compression_codec::snappy, xerial, cap);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, data);

    std::string raw;
    snappy::Compress(reinterpret_cast<const char*>(data.data()), data.size(), &raw);
    auto b = decompress(compression_codec::snappy, to_bytes(raw), cap);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(*b, data);

    // A batch compressed with raw snappy (as librdkafka may send) validates.
    bytes plain;
    write_record(plain, record{to_bytes("k"), to_bytes("v"), timestamp_ms(5), {}}, 0, 0);
    std::string raw_records;
    snappy::Compress(reinterpret_cast<const char*>(plain.data()), plain.size(), &raw_records);
    bytes batch = record_batch_builder(compression_codec::snappy).add("k", "v", timestamp_ms(5)).build();
    batch.resize(record_batch_header::size);
    batch.insert(batch.end(), raw_records.begin(), raw_records.end());
    byte_writer w(std::move(batch));
    w.patch_i32(8, static_cast<int32_t>(w.size() - 12));
    w.patch_i32(17, static_cast<int32_t>(compute_batch_crc(w.buffer())));
    batch = w.release();
    ASSERT_TRUE(validate_batch(batch));
    EXPECT_TRUE(validate_records(batch, cap));
}

TEST(compression, decompression_bombs_are_capped) {
    bytes zeros(8 * 1024 * 1024, 0);
    for (auto codec : all_codecs) {
        SCOPED_TRACE(name(codec));
        bytes packed = compress(codec, zeros);
        auto r = decompress(codec, packed, 1024 * 1024);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::too_large);
    }
    // Through a batch: an 8 MiB value compressed into a small batch.
    bytes batch = record_batch_builder(compression_codec::zstd)
                      .add(record{std::nullopt, zeros, timestamp_ms(0), {}})
                      .build();
    EXPECT_LT(batch.size(), 64u * 1024u);
    auto st = validate_records(batch, 1024 * 1024);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, errc::too_large);
}

TEST(compression, garbage_and_truncated_input_fail_cleanly) {
    bytes data = to_bytes(std::string(5000, 'y') + "abcdefghijklmnopqrstuvwxyz");
    for (auto codec : all_codecs) {
        if (codec == compression_codec::none) continue;
        SCOPED_TRACE(name(codec));
        bytes packed = compress(codec, data);
        for (size_t cut = 0; cut < packed.size(); cut += 1 + packed.size() / 20) {
            auto r = decompress(codec, bytes_view(packed).first(cut), cap);
            if (r) {
                EXPECT_NE(*r, data);  // a prefix never silently yields everything
            }
        }
        bytes garbage{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
        EXPECT_FALSE(decompress(codec, garbage, cap));
        for (size_t at = 0; at < packed.size(); at += 3) {
            bytes copy = packed;
            copy[at] ^= 0x5a;
            (void)decompress(codec, copy, cap);  // must not crash
        }
    }
}


TEST(control_record, a_commit_marker_is_kafkas_control_batch) {
    bytes batch = build_end_txn_marker_batch(producer_id(7), producer_epoch(3), {control_type::commit, 5},
                                             timestamp_ms(1000));
    EXPECT_EQ(batch.size(), 78u);  // the worked example in control_record.h
    ASSERT_TRUE(validate_batch(batch));
    auto h = read_batch_header(batch);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->control());
    EXPECT_TRUE(h->transactional());
    EXPECT_EQ(h->producer_id, 7);
    EXPECT_EQ(h->producer_epoch, 3);
    EXPECT_EQ(h->base_sequence, -1);
    auto records = batch_records::decode(batch, 1 << 20);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->records().size(), 1u);
    EXPECT_EQ(bytes(records->records()[0].key->begin(), records->records()[0].key->end()), (bytes{0, 0, 0, 1}));
    auto m = read_end_txn_marker(batch);
    ASSERT_TRUE(m && *m);
    EXPECT_EQ(**m, (end_txn_marker{control_type::commit, 5}));
}

TEST(control_record, other_batches_are_not_markers) {
    record_batch_builder plain;
    plain.add("k", "v", timestamp_ms(1));
    EXPECT_FALSE(read_end_txn_marker(plain.build()));
    record_batch_builder leader_change;  // type 2 (KRaft): a control batch, not a marker
    leader_change.producer({producer_id(-1), producer_epoch(-1), -1, false, true});
    leader_change.add(record{bytes{0, 0, 0, 2}, bytes{0, 0}, timestamp_ms(1), {}});
    auto m = read_end_txn_marker(leader_change.build());
    ASSERT_TRUE(m);
    EXPECT_FALSE(*m);
}

}  // namespace
}  // namespace samsa::protocol
