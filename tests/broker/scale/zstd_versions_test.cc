// zstd came with Produce v7 and Fetch v10 (KIP-110). As Kafka 3.8 does:
// a Produce v3-v6 carrying a zstd batch is refused with
// UNSUPPORTED_COMPRESSION_TYPE (76) and nothing is written
// (ProduceRequest.validateRecords); a consumer fetching below v10 from a
// topic whose compression.type is zstd gets UNSUPPORTED_COMPRESSION_TYPE for
// its partitions (KafkaApis), whatever codec its batches are in.

#include <gtest/gtest.h>

#include "samsa/record/compression.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/scale/scale_client.h"
#include "tests/support/broker_process.h"

namespace samsa::broker::testing {
namespace {

using record::compression_codec;
using protocol::error_code;

bytes one_batch(compression_codec codec) {
    return record::record_batch_builder(codec).add("k", "v", timestamp_ms(1000)).build();
}

std::optional<protocol::partition_produce_response> produce_raw(uint16_t port, const std::string& topic,
                                                                bytes records, int16_t version) {
    protocol::produce_request p;
    p.acks = 1;
    p.timeout_ms = 5000;
    p.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(records)}}});
    raw_client c(port);
    if (!c.send_request(p, version, 7)) return std::nullopt;
    auto r = c.read_response<protocol::produce_response>(version, 7);
    if (!r || r->responses.size() != 1 || r->responses[0].partition_responses.size() != 1) return std::nullopt;
    return r->responses[0].partition_responses[0];
}

std::optional<protocol::fetch_partition_data> fetch_raw(uint16_t port, const std::string& topic, int16_t version) {
    protocol::fetch_request f;
    f.max_wait_ms = 0;
    f.min_bytes = 0;
    f.topics.push_back({topic, {protocol::fetch_partition{partition_id(0), leader_epoch(-1), offset(0), leader_epoch(-1),
                                                          offset(-1), 1 << 20}},
                        samsa::uuid{}});
    raw_client c(port);
    if (!c.send_request(f, version, 9)) return std::nullopt;
    auto r = c.read_response<protocol::fetch_response>(version, 9);
    if (!r || r->responses.size() != 1 || r->responses[0].partitions.size() != 1) return std::nullopt;
    return r->responses[0].partitions[0];
}

bool create_topic(uint16_t port, const std::string& name, const std::string& compression_type) {
    protocol::create_topics_request req;
    protocol::creatable_topic t;
    t.name = name;
    t.num_partitions = 1;
    t.replication_factor = 1;
    t.configs.push_back({"compression.type", compression_type});
    req.topics.push_back(std::move(t));
    raw_client c(port);
    if (!c.send_request(req, 5, 3)) return false;
    auto r = c.read_response<protocol::create_topics_response>(5, 3, std::chrono::seconds(30));
    return r && r->topics.size() == 1 && r->topics[0].error_code == error_code::none;
}

class zstd_versions : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        ASSERT_TRUE(create_topic(broker_.port(), "as-sent", "producer"));
        ASSERT_TRUE(create_topic(broker_.port(), "zstd-topic", "zstd"));
    }
    test_support::broker_process broker_;
};

TEST_F(zstd_versions, produce_below_v7_with_a_zstd_batch_is_unsupported_compression_type) {
    for (int16_t version : {3, 6}) {
        auto r = produce_raw(broker_.port(), "as-sent", one_batch(compression_codec::zstd), version);
        ASSERT_TRUE(r) << "v" << version;
        EXPECT_EQ(r->error_code, error_code::unsupported_compression_type) << "v" << version;
    }
    EXPECT_EQ(produce_some(broker_.port(), "as-sent", 1), 0) << "nothing was written before";
}

TEST_F(zstd_versions, produce_from_v7_with_zstd_and_below_v7_with_other_codecs_is_stored) {
    auto gzip_v6 = produce_raw(broker_.port(), "as-sent", one_batch(compression_codec::gzip), 6);
    ASSERT_TRUE(gzip_v6);
    EXPECT_EQ(gzip_v6->error_code, error_code::none);
    auto zstd_v7 = produce_raw(broker_.port(), "as-sent", one_batch(compression_codec::zstd), 7);
    ASSERT_TRUE(zstd_v7);
    EXPECT_EQ(zstd_v7->error_code, error_code::none);
    EXPECT_EQ(zstd_v7->base_offset(), 1);
}

// The one partition of `topic` fetched from offset 0 at `version`: its error
// and whether it carried batches.
void expect_fetch(uint16_t port, const std::string& topic, int16_t version, error_code error, bool batches) {
    SCOPED_TRACE(topic + " v" + std::to_string(version));
    auto p = fetch_raw(port, topic, version);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->error_code, error);
    EXPECT_EQ(p->records.size() > 0, batches);
}

TEST_F(zstd_versions, fetch_below_v10_from_a_zstd_topic_is_unsupported_compression_type) {
    // Produced uncompressed at v7, stored in zstd by the topic's compression.type.
    ASSERT_EQ(produce_some(broker_.port(), "zstd-topic", 2), 0);
    expect_fetch(broker_.port(), "zstd-topic", 9, error_code::unsupported_compression_type, false);
    expect_fetch(broker_.port(), "zstd-topic", 4, error_code::unsupported_compression_type, false);
    expect_fetch(broker_.port(), "zstd-topic", 10, error_code::none, true);
}

TEST_F(zstd_versions, fetch_below_v10_from_other_topics_is_served) {
    ASSERT_EQ(produce_some(broker_.port(), "as-sent", 2), 0);
    expect_fetch(broker_.port(), "as-sent", 4, error_code::none, true);
    expect_fetch(broker_.port(), "as-sent", 9, error_code::none, true);
}

}  // namespace
}  // namespace samsa::broker::testing
