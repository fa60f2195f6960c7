#include "samsa/protocol/header.h"

#include <gtest/gtest.h>

#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"

namespace samsa::protocol {
namespace {

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(header, versions_follow_flexibility) {
    EXPECT_EQ(request_header_version(api_key::produce, 8), 1);
    EXPECT_EQ(request_header_version(api_key::produce, 9), 2);
    EXPECT_EQ(response_header_version(api_key::produce, 9), 1);
    EXPECT_EQ(response_header_version(api_key::metadata, 8), 0);
    EXPECT_EQ(request_header_version(api_key::api_versions, 3), 2);
    EXPECT_EQ(response_header_version(api_key::api_versions, 3), 0);  // always v0
    EXPECT_EQ(request_header_version(api_key::controlled_shutdown, 0), 0);
    EXPECT_EQ(request_header_version(api_key::sasl_handshake, 1), 1);  // never flexible
    EXPECT_EQ(request_header_version(static_cast<api_key>(999), 5), 1);
}

TEST(header, api_versions_v0_request_as_kafka_python_sends_it) {
    // api_key 18, version 0, correlation 1, client_id "kafka-python", no body.
    bytes frame = concat({{0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0c}, to_bytes("kafka-python")});
    auto parsed = parse_request(frame);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header.key, api_key::api_versions);
    EXPECT_EQ(parsed->header.api_version, 0);
    EXPECT_EQ(parsed->header.correlation_id, 1);
    EXPECT_EQ(parsed->header.client_id, "kafka-python");
    EXPECT_TRUE(parsed->body.empty());
    EXPECT_TRUE(decode<api_versions_request>(parsed->body, 0));
}

TEST(header, api_versions_v3_request_as_librdkafka_sends_it) {
    // Header v2 (client_id is still a classic string, then an empty tag
    // section), then a compact body: "librdkafka", "2.0.2", no tags.
    bytes frame = concat({{0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x07},
                          to_bytes("rdkafka"),
                          {0x00, 0x0b},
                          to_bytes("librdkafka"),
                          {0x06},
                          to_bytes("2.0.2"),
                          {0x00}});
    auto parsed = parse_request(frame);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header_version, 2);
    EXPECT_EQ(parsed->header.client_id, "rdkafka");
    auto req = decode<api_versions_request>(parsed->body, 3);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->client_software_name, "librdkafka");
    EXPECT_EQ(req->client_software_version, "2.0.2");
    // And the encoder produces the very same frame.
    bytes again = encode_request_frame(parsed->header, *req);
    EXPECT_EQ(bytes(again.begin() + 4, again.end()), frame);
}

TEST(header, null_client_id) {
    bytes frame{0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00};
    auto parsed = parse_request(frame);
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->header.client_id);
    EXPECT_EQ(parsed->body.size(), 4u);
}

TEST(header, truncated_headers_fail) {
    EXPECT_FALSE(parse_request(bytes{0x00, 0x12, 0x00}));
    EXPECT_FALSE(parse_request(bytes{0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09, 'a'}));
    // Flexible header without its tag section.
    EXPECT_FALSE(parse_request(bytes{0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff}));
}

TEST(header, unknown_api_versions_still_parse_the_header) {
    // ApiVersions v9 (unknown to us, flexible): the broker needs the
    // correlation id to answer with UNSUPPORTED_VERSION.
    bytes frame{0x00, 0x12, 0x00, 0x09, 0x00, 0x00, 0x00, 0x05, 0xff, 0xff, 0x00};
    auto parsed = parse_request(frame);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->header.correlation_id, 5);
    auto body = decode<api_versions_request>(parsed->body, 9);
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().code, errc::unsupported);
}

TEST(header, api_versions_response_frame_uses_header_v0_even_at_v3) {
    api_versions_response resp;
    resp.api_keys.push_back({api_key::produce, 3, 9});
    bytes frame = encode_response_frame(42, 3, resp);
    // size, correlation id, then the body directly: no tag byte after the id.
    bytes expected{0, 0, 0, 19, 0, 0, 0, 42, 0, 0, 0x02, 0, 0, 0, 3, 0, 9, 0x00, 0, 0, 0, 0, 0x00};
    EXPECT_EQ(frame, expected);
    int32_t cid = 0;
    auto back = decode_response_frame<api_versions_response>(bytes_view(frame).subspan(4), 3, cid);
    ASSERT_TRUE(back);
    EXPECT_EQ(cid, 42);
    EXPECT_EQ(*back, resp);
}

TEST(header, flexible_response_frame_has_tag_section) {
    metadata_response resp;
    bytes frame = encode_response_frame(7, 9, resp);
    EXPECT_EQ(frame[8], 0x00);  // header v1 tag section
    int32_t cid = 0;
    auto back = decode_response_frame<metadata_response>(bytes_view(frame).subspan(4), 9, cid);
    ASSERT_TRUE(back);
    EXPECT_EQ(cid, 7);
}

}  // namespace
}  // namespace samsa::protocol
