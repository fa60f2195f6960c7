// The request path end to end, in process, through a raw socket: ApiVersions,
// Metadata, Produce then Fetch back, ListOffsets, ordering of pipelined
// responses, long polling, acks=0, and bad input that must close only the
// offending connection.

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/broker_fixture.h"
#include "tests/support/auto_create.h"
#include "tests/support/raw_client.h"

namespace samsa::broker::testing {
namespace {

using test_support::raw_client;
using namespace std::chrono_literals;
using protocol::error_code;

bytes make_batch(int n, std::string_view prefix = "v") {
    record::record_batch_builder builder;
    for (int i = 0; i < n; ++i) {
        std::string k = "k" + std::to_string(i);
        std::string v = std::string(prefix) + std::to_string(i);
        builder.add(k, v, timestamp_ms(1'700'000'000'000 + i));
    }
    return builder.build();
}

protocol::produce_request produce_of(const std::string& topic, int32_t partition, const bytes& batch,
                                     int16_t acks = 1) {
    protocol::produce_request req;
    req.acks = acks;
    req.timeout_ms = 5000;
    protocol::topic_produce_data t;
    t.name = topic;
    t.partition_data.push_back({partition_id(partition), protocol::raw_records(batch)});
    req.topic_data.push_back(std::move(t));
    return req;
}

protocol::fetch_request fetch_of(const std::string& topic, int32_t partition, int64_t from, int32_t max_wait_ms = 0,
                                 int32_t min_bytes = 1) {
    protocol::fetch_request req;
    req.max_wait_ms = max_wait_ms;
    req.min_bytes = min_bytes;
    req.max_bytes = 1 << 20;
    protocol::fetch_topic t;
    t.topic = topic;
    protocol::fetch_partition p;
    p.partition = partition_id(partition);
    p.fetch_offset = offset(from);
    p.partition_max_bytes = 1 << 20;
    t.partitions.push_back(p);
    req.topics.push_back(std::move(t));
    return req;
}

protocol::metadata_request metadata_of(std::vector<std::string> topics, bool allow_auto_create = true) {
    protocol::metadata_request req;
    req.topics.emplace();
    for (auto& t : topics) {
        protocol::metadata_request_topic rt;
        rt.name = t;
        req.topics->push_back(rt);
    }
    req.allow_auto_topic_creation = allow_auto_create;
    return req;
}

// Asks for ApiVersions on a fresh connection: the broker still serves.
void expect_broker_serves(uint16_t port) {
    raw_client c(port);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send_request(protocol::api_versions_request{}, 0, 77));
    auto r = c.read_response<protocol::api_versions_response>(0, 77);
    ASSERT_TRUE(r) << "the broker stopped answering";
    EXPECT_EQ(r->error_code, error_code::none);
}

class request_path : public broker_fixture {
protected:
    std::vector<std::string> overrides() const override {
        return {"socket.request.max.bytes=100000", "samsa.partial.frame.timeout.ms=300", "message.max.bytes=20000"};
    }
};

TEST_F(request_path, api_versions_v0_and_v3_list_the_table) {
    raw_client c(port());
    for (int16_t v : {0, 1, 2, 3}) {
        ASSERT_TRUE(c.send_request(protocol::api_versions_request{"raw", "1.0"}, v, 10 + v));
        auto r = c.read_response<protocol::api_versions_response>(v, 10 + v);
        ASSERT_TRUE(r) << "v" << v;
        EXPECT_EQ(r->error_code, error_code::none);
        bool produce = false, fetch = false, metadata = false;
        for (const auto& k : r->api_keys) {
            if (k.api_key == protocol::api_key::produce) produce = k.min_version <= 3 && k.max_version >= 7;
            if (k.api_key == protocol::api_key::fetch) fetch = k.min_version <= 4 && k.max_version >= 11;
            if (k.api_key == protocol::api_key::metadata) metadata = k.min_version == 0 && k.max_version >= 6;
        }
        EXPECT_TRUE(produce && fetch && metadata);
    }
}

TEST_F(request_path, api_versions_unknown_version_falls_back_to_v0) {
    raw_client c(port());
    protocol::request_header h;
    h.key = protocol::api_key::api_versions;
    h.api_version = 42;
    h.correlation_id = 5;
    h.client_id = "future";
    // A v42 body we cannot know: send v3's and expect a v0 answer.
    byte_writer w;
    size_t at = w.reserve_i32();
    protocol::write_request_header(w, h);
    w.write_u8(0);  // empty tagged fields, as a flexible body would start
    w.patch_i32(at, static_cast<int32_t>(w.size() - 4));
    ASSERT_TRUE(c.send(w.buffer()));
    auto r = c.read_response<protocol::api_versions_response>(0, 5);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->error_code, error_code::unsupported_version);
    EXPECT_FALSE(r->api_keys.empty());
}

TEST_F(request_path, metadata_auto_creates_and_reports_errors) {
    raw_client c(port());
    // Answered at once, before the topic exists; created in the background.
    ASSERT_TRUE(c.send_request(metadata_of({"auto-topic"}), 1, 1));
    auto first = c.read_response<protocol::metadata_response>(1, 1);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->topics.size(), 1u);
    EXPECT_EQ(first->topics[0].error_code, error_code::leader_not_available);
    EXPECT_TRUE(first->topics[0].partitions.empty());
    auto r = test_support::metadata_until_created(c, {"auto-topic"});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->brokers.size(), 1u);
    EXPECT_EQ(r->brokers[0].port, port());
    EXPECT_EQ(r->brokers[0].host, "127.0.0.1");
    EXPECT_EQ(r->controller_id(), 1);
    ASSERT_EQ(r->topics.size(), 1u);
    EXPECT_EQ(r->topics[0].error_code, error_code::none);
    ASSERT_EQ(r->topics[0].partitions.size(), 1u);
    EXPECT_EQ(r->topics[0].partitions[0].leader_id(), 1);
    EXPECT_EQ(r->topics[0].partitions[0].replica_nodes, std::vector<int32_t>{1});

    ASSERT_TRUE(c.send_request(metadata_of({"not-created", "bad name!"}, false), 12, 2));
    auto r2 = c.read_response<protocol::metadata_response>(12, 2);
    ASSERT_TRUE(r2);
    ASSERT_TRUE(r2->cluster_id);
    EXPECT_EQ(r2->cluster_id->size(), 22u);
    ASSERT_EQ(r2->topics.size(), 2u);
    EXPECT_EQ(r2->topics[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(r2->topics[1].error_code, error_code::invalid_topic_exception);

    // All topics (null list), v12 with topic ids.
    protocol::metadata_request all;
    ASSERT_TRUE(c.send_request(all, 12, 3));
    auto r3 = c.read_response<protocol::metadata_response>(12, 3);
    ASSERT_TRUE(r3);
    ASSERT_EQ(r3->topics.size(), 1u);
    EXPECT_EQ(r3->topics[0].name, "auto-topic");
    EXPECT_FALSE(r3->topics[0].topic_id.is_zero());
}

TEST_F(request_path, produce_then_fetch_back_then_list_offsets) {
    raw_client c(port());
    ASSERT_TRUE(test_support::metadata_until_created(c, {"orders"}));
    bytes b1 = make_batch(3, "first");
    bytes b2 = make_batch(2, "second");
    ASSERT_TRUE(c.send_request(produce_of("orders", 0, b1), 7, 1));
    auto p1 = c.read_response<protocol::produce_response>(7, 1);
    ASSERT_TRUE(p1);
    ASSERT_EQ(p1->responses.at(0).partition_responses.at(0).error_code, error_code::none);
    EXPECT_EQ(p1->responses[0].partition_responses[0].base_offset(), 0);
    EXPECT_EQ(p1->responses[0].partition_responses[0].log_append_time_ms(), -1);
    ASSERT_TRUE(c.send_request(produce_of("orders", 0, b2), 9, 2));
    auto p2 = c.read_response<protocol::produce_response>(9, 2);
    ASSERT_TRUE(p2);
    EXPECT_EQ(p2->responses.at(0).partition_responses.at(0).base_offset(), 3);

    for (int16_t v : {4, 11, 12}) {
        ASSERT_TRUE(c.send_request(fetch_of("orders", 0, 0), v, 100 + v));
        auto f = c.read_response<protocol::fetch_response>(v, 100 + v);
        ASSERT_TRUE(f) << "fetch v" << v;
        const auto& pd = f->responses.at(0).partitions.at(0);
        EXPECT_EQ(pd.error_code, error_code::none);
        EXPECT_EQ(pd.high_watermark(), 5);
        EXPECT_EQ(pd.last_stable_offset(), 5);
        bytes_view data = pd.records.view();
        record::batch_splitter split(data);
        std::vector<std::string> values;
        while (auto batch = split.next()) {
            ASSERT_TRUE(record::validate_batch(*batch));
            auto recs = record::batch_records::decode(*batch, 1 << 20);
            ASSERT_TRUE(recs);
            for (const auto& r : recs->records()) {
                values.emplace_back(as_chars(*r.value));
                EXPECT_EQ(recs->offset_of(r)(), static_cast<int64_t>(values.size() - 1));
            }
        }
        EXPECT_EQ(values, (std::vector<std::string>{"first0", "first1", "first2", "second0", "second1"}));
    }

    // From the middle: the whole batch holding offset 4 comes back.
    ASSERT_TRUE(c.send_request(fetch_of("orders", 0, 4), 11, 200));
    auto mid = c.read_response<protocol::fetch_response>(11, 200);
    ASSERT_TRUE(mid);
    auto hdr = record::read_batch_header(mid->responses[0].partitions[0].records.view());
    ASSERT_TRUE(hdr);
    EXPECT_EQ(hdr->base_offset, 3);

    // Out of range.
    ASSERT_TRUE(c.send_request(fetch_of("orders", 0, 6), 11, 201));
    auto oor = c.read_response<protocol::fetch_response>(11, 201);
    ASSERT_TRUE(oor);
    EXPECT_EQ(oor->responses[0].partitions[0].error_code, error_code::offset_out_of_range);

    auto list = [&](int16_t v, int64_t ts, int32_t cid) {
        protocol::list_offsets_request req;
        protocol::list_offsets_topic t;
        t.name = "orders";
        protocol::list_offsets_partition p;
        p.partition_index = partition_id(0);
        p.timestamp = timestamp_ms(ts);
        t.partitions.push_back(p);
        req.topics.push_back(t);
        EXPECT_TRUE(c.send_request(req, v, cid));
        return c.read_response<protocol::list_offsets_response>(v, cid);
    };
    auto latest = list(1, -1, 300);
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->topics[0].partitions[0].offset(), 5);
    auto earliest = list(5, -2, 301);
    ASSERT_TRUE(earliest);
    EXPECT_EQ(earliest->topics[0].partitions[0].offset(), 0);
    auto v0 = list(0, -1, 302);
    ASSERT_TRUE(v0);
    EXPECT_EQ(v0->topics[0].partitions[0].old_style_offsets, std::vector<int64_t>{5});
    auto by_time = list(2, 1'700'000'000'001, 303);
    ASSERT_TRUE(by_time);
    EXPECT_EQ(by_time->topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(by_time->topics[0].partitions[0].offset(), 1);  // the first record at or after the time
}

TEST_F(request_path, produce_errors_use_kafka_codes) {
    raw_client c(port());
    ASSERT_TRUE(test_support::metadata_until_created(c, {"errs"}));
    // Bad CRC.
    bytes bad = make_batch(2);
    bad.back() ^= 0xff;
    ASSERT_TRUE(c.send_request(produce_of("errs", 0, bad), 7, 1));
    auto r1 = c.read_response<protocol::produce_response>(7, 1);
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->responses[0].partition_responses[0].error_code, error_code::corrupt_message);
    // Over message.max.bytes (20000 here).
    bytes big = make_batch(1, std::string(30000, 'x'));
    ASSERT_TRUE(c.send_request(produce_of("errs", 0, big), 7, 2));
    auto r2 = c.read_response<protocol::produce_response>(7, 2);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->responses[0].partition_responses[0].error_code, error_code::message_too_large);
    // Unknown partition of an existing topic; invalid topic name.
    ASSERT_TRUE(c.send_request(produce_of("errs", 5, make_batch(1)), 7, 3));
    auto r3 = c.read_response<protocol::produce_response>(7, 3);
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->responses[0].partition_responses[0].error_code, error_code::unknown_topic_or_partition);
    ASSERT_TRUE(c.send_request(produce_of("bad/name", 0, make_batch(1)), 7, 4));
    auto r4 = c.read_response<protocol::produce_response>(7, 4);
    ASSERT_TRUE(r4);
    EXPECT_EQ(r4->responses[0].partition_responses[0].error_code, error_code::invalid_topic_exception);
    // Old magic: Kafka's ProduceRequest.validateRecords (v3+) answers INVALID_RECORD.
    bytes old = make_batch(1);
    old[16] = 1;
    ASSERT_TRUE(c.send_request(produce_of("errs", 0, old), 7, 5));
    auto r5 = c.read_response<protocol::produce_response>(7, 5);
    ASSERT_TRUE(r5);
    EXPECT_EQ(r5->responses[0].partition_responses[0].error_code, error_code::invalid_record);
}

// Kafka 3.8's Produce never auto-creates (KafkaApis.handleProduceRequest:
// a topic not in the metadata cache is UNKNOWN_TOPIC_OR_PARTITION); the
// client's Metadata does.
TEST_F(request_path, produce_to_an_unknown_topic_does_not_create_it) {
    raw_client c(port());
    ASSERT_TRUE(c.send_request(produce_of("never-made", 0, make_batch(1)), 9, 1));
    auto r = c.read_response<protocol::produce_response>(9, 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->responses.at(0).partition_responses.at(0).error_code, error_code::unknown_topic_or_partition);
    ASSERT_TRUE(c.send_request(metadata_of({"never-made"}, false), 12, 2));
    auto md = c.read_response<protocol::metadata_response>(12, 2);
    ASSERT_TRUE(md);
    EXPECT_EQ(md->topics.at(0).error_code, error_code::unknown_topic_or_partition);
    EXPECT_FALSE(std::filesystem::exists(dir() / "data" / "never-made-0"));
}

class no_auto_create : public broker_fixture {
protected:
    std::vector<std::string> overrides() const override { return {"auto.create.topics.enable=false"}; }
};

TEST_F(no_auto_create, metadata_answers_unknown_topics_and_creates_nothing) {
    raw_client c(port());
    ASSERT_TRUE(c.send_request(metadata_of({"off"}), 9, 1));
    auto r = c.read_response<protocol::metadata_response>(9, 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->topics.at(0).error_code, error_code::unknown_topic_or_partition);
    ASSERT_TRUE(c.send_request(metadata_of({"off"}), 9, 2));
    auto again = c.read_response<protocol::metadata_response>(9, 2);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->topics.at(0).error_code, error_code::unknown_topic_or_partition);
    EXPECT_FALSE(std::filesystem::exists(dir() / "data" / "off-0"));
}

TEST_F(request_path, acks_zero_gets_no_response) {
    raw_client c(port());
    ASSERT_TRUE(test_support::metadata_until_created(c, {"quiet"}));
    ASSERT_TRUE(c.send_request(produce_of("quiet", 0, make_batch(1), 0), 7, 1));
    ASSERT_TRUE(c.send_request(protocol::api_versions_request{}, 0, 2));
    // The next frame is the ApiVersions answer, not a produce response.
    auto r = c.read_response<protocol::api_versions_response>(0, 2);
    ASSERT_TRUE(r);
    ASSERT_TRUE(c.send_request(fetch_of("quiet", 0, 0), 11, 3));
    auto f = c.read_response<protocol::fetch_response>(11, 3);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->responses[0].partitions[0].high_watermark(), 1);
}

TEST_F(request_path, responses_keep_request_order_behind_a_long_poll) {
    raw_client c(port());
    ASSERT_TRUE(test_support::metadata_until_created(c, {"poll"}));
    auto began = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.send_request(fetch_of("poll", 0, 0, 400, 1), 11, 2));
    ASSERT_TRUE(c.send_request(protocol::api_versions_request{}, 0, 3));
    auto f = c.read_response<protocol::fetch_response>(11, 2, 5s);
    ASSERT_TRUE(f) << "the fetch must come first";
    EXPECT_GE(std::chrono::steady_clock::now() - began, 350ms);
    EXPECT_TRUE(f->responses[0].partitions[0].records.view().empty());
    ASSERT_TRUE(c.read_response<protocol::api_versions_response>(0, 3));
}

TEST_F(request_path, a_long_poll_wakes_up_on_produce) {
    raw_client consumer(port());
    raw_client producer(port());
    ASSERT_TRUE(test_support::metadata_until_created(producer, {"wake"}));
    auto began = std::chrono::steady_clock::now();
    ASSERT_TRUE(consumer.send_request(fetch_of("wake", 0, 0, 10000, 1), 11, 1));
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(producer.send_request(produce_of("wake", 0, make_batch(2)), 7, 2));
    ASSERT_TRUE(producer.read_response<protocol::produce_response>(7, 2));
    auto f = consumer.read_response<protocol::fetch_response>(11, 1, 5s);
    ASSERT_TRUE(f);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
    EXPECT_FALSE(f->responses[0].partitions[0].records.view().empty());
}

bytes frame_with_size(int32_t size, size_t body_bytes) {
    byte_writer w;
    w.write_i32(size);
    for (size_t i = 0; i < body_bytes; ++i) w.write_u8(0);
    return w.release();
}

TEST_F(request_path, negative_size_closes_only_that_connection) {
    raw_client bystander(port());
    raw_client c(port());
    ASSERT_TRUE(c.send(frame_with_size(-1, 8)));
    EXPECT_TRUE(c.closed_by_peer());
    ASSERT_TRUE(bystander.send_request(protocol::api_versions_request{}, 1, 9));
    EXPECT_TRUE(bystander.read_response<protocol::api_versions_response>(1, 9));
    expect_broker_serves(port());
}

TEST_F(request_path, frame_over_socket_request_max_bytes_is_refused) {
    raw_client c(port());
    ASSERT_TRUE(c.send(frame_with_size(100001, 0)));
    EXPECT_TRUE(c.closed_by_peer());
    raw_client huge(port());
    ASSERT_TRUE(huge.send(frame_with_size(0x7fffffff, 0)));
    EXPECT_TRUE(huge.closed_by_peer());
    expect_broker_serves(port());
}

TEST_F(request_path, frame_too_small_for_a_header_is_refused) {
    raw_client c(port());
    ASSERT_TRUE(c.send(frame_with_size(3, 3)));
    EXPECT_TRUE(c.closed_by_peer());
    raw_client zero(port());
    ASSERT_TRUE(zero.send(frame_with_size(0, 0)));
    EXPECT_TRUE(zero.closed_by_peer());
    expect_broker_serves(port());
}

TEST_F(request_path, truncated_frame_that_stalls_is_closed) {
    raw_client c(port());
    ASSERT_TRUE(c.send(frame_with_size(100, 10)));
    auto began = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
    // A stalled large frame (read in place) too.
    raw_client big(port());
    ASSERT_TRUE(big.send(frame_with_size(90000, 70000)));
    EXPECT_TRUE(big.closed_by_peer(5s));
    expect_broker_serves(port());
}

TEST_F(request_path, unknown_api_key_and_unsupported_version_close) {
    raw_client c(port());
    byte_writer w;
    size_t at = w.reserve_i32();
    w.write_i16(999);  // api key
    w.write_i16(0);
    w.write_i32(1);
    w.write_i16(-1);  // null client id
    w.patch_i32(at, static_cast<int32_t>(w.size() - 4));
    ASSERT_TRUE(c.send(w.buffer()));
    EXPECT_TRUE(c.closed_by_peer());

    raw_client v(port());
    ASSERT_TRUE(v.send_request(metadata_of({"x"}), 12, 1));  // valid body...
    // ...then the same with a version we do not serve.
    protocol::request_header h;
    h.key = protocol::api_key::metadata;
    h.api_version = 99;
    h.correlation_id = 2;
    byte_writer w2;
    size_t at2 = w2.reserve_i32();
    protocol::write_request_header(w2, h);
    w2.patch_i32(at2, static_cast<int32_t>(w2.size() - 4));
    ASSERT_TRUE(v.send(w2.buffer()));
    // The first request is still answered, in order, before the close.
    EXPECT_TRUE(v.read_response<protocol::metadata_response>(12, 1));
    EXPECT_TRUE(v.closed_by_peer());
    expect_broker_serves(port());
}

TEST_F(request_path, garbage_is_survived) {
    uint32_t seed = 12345;
    for (int round = 0; round < 20; ++round) {
        raw_client c(port());
        bytes junk;
        size_t n = 8 + (seed % 200);
        for (size_t i = 0; i < n; ++i) {
            seed = seed * 1103515245 + 12345;
            junk.push_back(static_cast<uint8_t>(seed >> 16));
        }
        // A plausible size so the body is really parsed.
        junk[0] = 0;
        junk[1] = 0;
        junk[2] = 0;
        junk[3] = static_cast<uint8_t>(n - 4);
        // Known API keys, random versions and bodies.
        junk[4] = 0;
        junk[5] = static_cast<uint8_t>(round % 4 == 0 ? 18 : round % 4);
        junk[6] = 0;
        junk[7] = static_cast<uint8_t>(round % 13);
        ASSERT_TRUE(c.send(junk));
        (void)c.read_frame(200ms);  // an error answer or a close; either is fine
    }
    expect_broker_serves(port());
}

class idle_connections : public broker_fixture {
protected:
    std::vector<std::string> overrides() const override { return {"connections.max.idle.ms=300"}; }
};

TEST_F(idle_connections, are_closed_after_connections_max_idle_ms) {
    raw_client c(port());
    ASSERT_TRUE(c.send_request(protocol::api_versions_request{}, 0, 1));
    ASSERT_TRUE(c.read_response<protocol::api_versions_response>(0, 1));
    auto began = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(5s));
    EXPECT_GE(std::chrono::steady_clock::now() - began, 200ms);
}

TEST_F(request_path, topics_and_records_survive_a_clean_restart) {
    {
        raw_client c(port());
        ASSERT_TRUE(test_support::metadata_until_created(c, {"durable"}));
        ASSERT_TRUE(c.send_request(produce_of("durable", 0, make_batch(4)), 7, 1));
        ASSERT_TRUE(c.read_response<protocol::produce_response>(7, 1));
    }
    EXPECT_EQ(stop(), 0);
    EXPECT_TRUE(std::filesystem::exists(dir() / "data" / "meta.properties"));
    EXPECT_TRUE(std::filesystem::exists(dir() / "data" / "__samsa-topics.json"));
    start();
    raw_client c(port());
    ASSERT_TRUE(c.send_request(fetch_of("durable", 0, 0), 11, 2));
    auto f = c.read_response<protocol::fetch_response>(11, 2);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->responses[0].partitions[0].high_watermark(), 4);
}

}  // namespace
}  // namespace samsa::broker::testing
