// record_stream_check (issue 16): compressed batches are validated record by
// record while decompressing, stop at the first bad record (a bomb costs one
// chunk), and hold at most one record plus one chunk in memory.

#include "samsa/record/record_stream_check.h"

#include <gtest/gtest.h>

#include "samsa/bytes/big_endian.h"
#include "samsa/record/compression.h"
#include "samsa/record/records.h"

namespace samsa::record {
namespace {

constexpr compression_codec codecs[] = {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                                        compression_codec::zstd};

// A batch whose records section is `records` compressed, claiming `count` records.
bytes batch_around(compression_codec codec, bytes_view records, int32_t count) {
    bytes batch = record_batch_builder(codec).add("k", "v", timestamp_ms(0)).build();
    batch.resize(record_batch_header::size);
    bytes packed = compress(codec, records);
    batch.insert(batch.end(), packed.begin(), packed.end());
    put_be32(batch.data() + 8, static_cast<uint32_t>(batch.size() - 12));
    put_be32(batch.data() + 57, static_cast<uint32_t>(count));
    put_be32(batch.data() + 23, static_cast<uint32_t>(count - 1));  // last offset delta
    put_be32(batch.data() + 17, compute_batch_crc(batch));
    return batch;
}

TEST(record_stream_check, memory_stays_one_record_and_one_chunk_for_a_large_batch) {
    for (auto codec : codecs) {
        SCOPED_TRACE(name(codec));
        record_batch_builder b(codec);
        const std::string value(1000, 'v');
        constexpr int count = 16 * 1024;  // ~16 MiB of records
        for (int i = 0; i < count; ++i) b.add("key-" + std::to_string(i), value, timestamp_ms(i));
        bytes batch = b.build();
        auto header = read_batch_header(batch);
        ASSERT_TRUE(header);
        record_stream_check check(*header, 64u << 20);
        bytes_view body = bytes_view(batch).subspan(record_batch_header::size);
        ASSERT_TRUE(decompress_chunks(codec, body, 64 * 1024, [&](bytes_view c) { return check.feed(c); }));
        ASSERT_TRUE(check.finish());
        EXPECT_EQ(check.records_checked(), count);
        EXPECT_LE(check.peak_buffered_bytes(), 64u * 1024u + 2048u);
        EXPECT_TRUE(validate_records(batch, 64u << 20));
    }
}

TEST(record_stream_check, a_bomb_of_zeros_stops_at_its_first_record) {
    const bytes zeros(64u << 20, 0);  // 64 MiB of zeros: every codec packs it small
    for (auto codec : codecs) {
        SCOPED_TRACE(name(codec));
        bytes bomb = batch_around(codec, zeros, 1000);
        auto header = read_batch_header(bomb);
        ASSERT_TRUE(header);
        record_stream_check check(*header, 128u << 20);
        size_t decompressed = 0;
        auto st = decompress_chunks(codec, bytes_view(bomb).subspan(record_batch_header::size), 64 * 1024,
                                    [&](bytes_view c) {
                                        decompressed += c.size();
                                        return check.feed(c);
                                    });
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, errc::corrupt);
        EXPECT_NE(st.error().message.find("record 0"), std::string::npos) << st.error().message;
        // It stopped after the first piece (a snappy block at most), not 64 MiB later.
        EXPECT_LE(decompressed, 2u << 20);
        auto v = validate_records(bomb, 128u << 20);
        ASSERT_FALSE(v);
        EXPECT_NE(v.error().message.find("record 0"), std::string::npos) << v.error().message;
    }
}

TEST(record_stream_check, a_cut_stream_and_a_wrong_count_are_corrupt) {
    for (auto codec : codecs) {
        SCOPED_TRACE(name(codec));
        bytes good = record_batch_builder(codec).add("a", "1", timestamp_ms(0)).add("b", "2", timestamp_ms(1)).build();
        // One record more announced than present.
        bytes more = good;
        put_be32(more.data() + 57, 3);
        put_be32(more.data() + 17, compute_batch_crc(more));
        EXPECT_FALSE(validate_records(more, 1 << 20));
        // The compressed stream cut short (the batch length follows the cut).
        bytes cut = good;
        cut.resize(cut.size() - 3);
        put_be32(cut.data() + 8, static_cast<uint32_t>(cut.size() - 12));
        put_be32(cut.data() + 17, compute_batch_crc(cut));
        EXPECT_FALSE(validate_records(cut, 1 << 20));
        EXPECT_TRUE(validate_records(good, 1 << 20));
    }
}

}  // namespace
}  // namespace samsa::record
