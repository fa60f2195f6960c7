// Produce v3+ carries exactly v2 record batches (Kafka's
// ProduceRequest.validateRecords): magic 0/1 and a cut batch are refused
// with INVALID_RECORD (87) and Kafka's message, at v3 as at v9, and nothing
// is written. Compressed "bombs" (zeros that expand past the 128 MiB cap)
// are refused at their first record, not at the cap.

#include <gtest/gtest.h>

#include "samsa/bytes/big_endian.h"
#include "samsa/protocol/compression.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/records.h"
#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

bytes one_batch() {
    protocol::record_batch_builder builder;
    builder.add("k", "v", timestamp_ms(1000));
    return builder.build();
}

std::optional<protocol::partition_produce_response> produce_raw(uint16_t port, bytes records, int16_t version) {
    protocol::produce_request p;
    p.acks = 1;
    p.timeout_ms = 5000;
    p.topic_data.push_back({"fmt", {{partition_id(0), protocol::raw_records(records)}}});
    raw_client c(port);
    if (!c.send_request(p, version, 7)) return std::nullopt;
    auto r = c.read_response<protocol::produce_response>(version, 7);
    if (!r || r->responses.size() != 1 || r->responses[0].partition_responses.size() != 1) return std::nullopt;
    return r->responses[0].partition_responses[0];
}

class produce_format : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        auto r = create_topics(broker_.port(), {"fmt"}, 1);
        ASSERT_TRUE(r && r->topics.size() == 1 && r->topics[0].error_code == error_code::none);
    }
    test_support::broker_process broker_;
};

TEST_F(produce_format, magic_zero_and_one_are_invalid_record_from_v3) {
    for (int16_t version : {3, 7, 9}) {
        for (uint8_t magic : {0, 1}) {
            bytes old = one_batch();
            old[16] = magic;
            auto r = produce_raw(broker_.port(), old, version);
            ASSERT_TRUE(r) << "v" << version;
            EXPECT_EQ(r->error_code, error_code::invalid_record) << "v" << version << " magic " << int(magic);
            if (version >= 8) {  // the message field exists from v8
                EXPECT_EQ(r->error_message.value_or(""), "Produce requests with version " + std::to_string(version) +
                                                             " are only allowed to contain record batches with magic "
                                                             "version 2");
            }
        }
    }
    EXPECT_EQ(produce_some(broker_.port(), "fmt", 1), 0) << "nothing was written before";
}

TEST_F(produce_format, a_cut_batch_is_invalid_record_from_v3) {
    for (int16_t version : {3, 9}) {
        bytes cut = one_batch();
        cut.resize(cut.size() - 5);
        auto r = produce_raw(broker_.port(), cut, version);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->error_code, error_code::invalid_record) << "v" << version;
        if (version >= 8) {
            EXPECT_EQ(r->error_message.value_or(""), "Produce requests with version " + std::to_string(version) +
                                                         " must have at least one record batch per partition");
        }
    }
    EXPECT_EQ(produce_some(broker_.port(), "fmt", 1), 0) << "nothing was written before";
}

// A v2 batch whose records section is `zeros` bytes of zeros, compressed.
bytes bomb(protocol::compression_codec codec, size_t zeros) {
    bytes batch = protocol::record_batch_builder(codec).add("k", "v", timestamp_ms(0)).build();
    batch.resize(protocol::record_batch_header::size);
    bytes packed = protocol::compress(codec, bytes(zeros, 0));
    batch.insert(batch.end(), packed.begin(), packed.end());
    put_be32(batch.data() + 8, static_cast<uint32_t>(batch.size() - 12));
    put_be32(batch.data() + 57, 1000);  // records
    put_be32(batch.data() + 23, 999);   // last offset delta
    put_be32(batch.data() + 17, protocol::compute_batch_crc(batch));
    return batch;
}

TEST_F(produce_format, compressed_bombs_are_refused_at_their_first_record) {
    using protocol::compression_codec;
    // Past the 128 MiB cap where the packed size allows (snappy packs ~21:1,
    // and a request holds at most max.message.bytes).
    const std::pair<compression_codec, size_t> bombs[] = {{compression_codec::zstd, 200u << 20},
                                                          {compression_codec::gzip, 200u << 20},
                                                          {compression_codec::lz4, 200u << 20},
                                                          {compression_codec::snappy, 16u << 20}};
    for (const auto& [codec, size] : bombs) {
        SCOPED_TRACE(protocol::name(codec));
        auto r = produce_raw(broker_.port(), bomb(codec, size), 9);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->error_code, error_code::invalid_record);
        EXPECT_NE(r->error_message.value_or("").find("record 0"), std::string::npos) << r->error_message.value_or("");
    }
    EXPECT_EQ(produce_some(broker_.port(), "fmt", 1), 0) << "nothing was written before";
}

}  // namespace
}  // namespace samsa::broker::testing
