// Round trips of every message Samsa encodes, at every supported version:
// fill all fields that exist at that version, encode, decode, compare; and the
// re-encoding must give the same bytes.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "samsa/protocol/messages/all.h"
#include "message_filler.h"

namespace samsa::protocol {
namespace {

template<class T>
void round_trip_all_versions() {
    for (int16_t v = T::api::min_version; v <= T::api::max_version; ++v) {
        for (uint64_t seed = 0; seed < 40; ++seed) {
            testing::message_filler filler(v, is_flexible(T::api::key, v), seed * 1000 + static_cast<uint64_t>(v));
            T msg{};
            serde(filler, msg);
            bytes encoded = encode(msg, v);
            auto decoded = decode<T>(encoded, v);
            ASSERT_TRUE(decoded) << name(T::api::key) << " v" << v << " seed " << seed << ": "
                                 << decoded.error().message;
            EXPECT_TRUE(*decoded == msg) << name(T::api::key) << " v" << v << " seed " << seed;
            EXPECT_EQ(encode(*decoded, v), encoded) << name(T::api::key) << " v" << v << " seed " << seed;
            // Every strict prefix must fail cleanly (or decode, for messages
            // that may end early); never crash.
            for (size_t cut = 0; cut < encoded.size(); cut += 1 + encoded.size() / 16)
                (void)decode<T>(bytes_view(encoded).first(cut), v);
        }
    }
}

TEST(messages, requests_round_trip_at_every_version) {
    for_each_type(all_requests{}, []<class T>() { round_trip_all_versions<T>(); });
}

TEST(messages, responses_round_trip_at_every_version) {
    for_each_type(all_responses{}, []<class T>() { round_trip_all_versions<T>(); });
}

TEST(messages, metadata_v0_empty_topic_list_means_all) {
    metadata_request all;
    bytes b0 = encode(all, 0);
    EXPECT_EQ(b0, (bytes{0, 0, 0, 0}));
    auto back0 = decode<metadata_request>(b0, 0);
    ASSERT_TRUE(back0);
    EXPECT_FALSE(back0->topics);
    bytes b1 = encode(all, 1);
    EXPECT_EQ(b1, (bytes{0xff, 0xff, 0xff, 0xff}));
    metadata_request none;
    none.topics.emplace();
    auto back1 = decode<metadata_request>(encode(none, 1), 1);
    ASSERT_TRUE(back1);
    ASSERT_TRUE(back1->topics);
    EXPECT_TRUE(back1->topics->empty());
}

TEST(messages, produce_records_are_borrowed_from_the_request) {
    bytes batch{1, 2, 3, 4, 5};
    produce_request req;
    req.acks = -1;
    req.timeout_ms = 1000;
    req.topic_data.push_back({"t", {{partition_id(0), raw_records(batch)}}});
    bytes encoded = encode(req, 7);
    auto back = decode<produce_request>(encoded, 7);
    ASSERT_TRUE(back);
    const auto& rec = back->topic_data[0].partition_data[0].records;
    ASSERT_FALSE(rec.is_null());
    EXPECT_GE(rec.view().data(), encoded.data());
    EXPECT_LT(rec.view().data(), encoded.data() + encoded.size());
    EXPECT_EQ(bytes(rec.view().begin(), rec.view().end()), batch);
}

// A Fetch response sent as parts (large RECORDS fields spliced, not copied)
// is byte for byte the frame encoded in one piece, at every version; spliced
// buffers are moved into the parts, smaller ones copied.
TEST(messages, fetch_response_parts_equal_the_whole_frame) {
    bytes big(10000), small(100);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
    for (size_t i = 0; i < small.size(); ++i) small[i] = static_cast<uint8_t>(i);
    for (int16_t v = fetch_response::api::min_version; v <= fetch_response::api::max_version; ++v) {
        fetch_response response;
        fetchable_topic_response topic;
        topic.topic = "t";
        for (int p = 0; p < 3; ++p) {
            fetch_partition_data pd;
            pd.partition_index = partition_id(p);
            pd.high_watermark = offset(42);
            pd.records = raw_records(p == 1 ? bytes_view(small) : bytes_view(big));
            topic.partitions.push_back(pd);
        }
        response.responses.push_back(topic);
        const bytes whole = encode_response_frame(7, v, response);

        int owned = 0;
        auto own = [&](const byte_writer::splice_point& s) -> std::optional<bytes> {
            EXPECT_EQ(s.data.data(), big.data());
            ++owned;
            return bytes(s.data.begin(), s.data.end());
        };
        std::vector<bytes> parts = encode_response_frame_parts(7, v, response, 4096, own);
        bytes joined;
        for (const auto& part : parts) joined.insert(joined.end(), part.begin(), part.end());
        EXPECT_EQ(joined, whole) << "v" << v;
        EXPECT_EQ(owned, 2) << "v" << v;  // the two large record sets, not the small one
        // piece, big, piece (the small set copied), big, then tagged fields (flexible versions)
        EXPECT_EQ(parts.size(), v >= 12 ? 5u : 4u) << "v" << v;
    }
}

TEST(messages, unsupported_versions_are_refused) {
    auto r = decode<produce_request>(bytes{}, 12);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unsupported);
    EXPECT_FALSE(decode<fetch_request>(bytes{}, 17));
}

}  // namespace
}  // namespace samsa::protocol
