// Consumed messages from the real samsa-broker through librdkafka: whether a
// message has headers is answered without librdkafka's parse
// (certainly_without_headers, rdkafka_messages.cc: librdkafka allocates and
// frees a buffer per rd_kafka_message_headers() call, also for a record with
// none), and the answer agrees with librdkafka's for records with and
// without headers, before and after librdkafka parsed them; to_record keeps
// the headers a record has.
#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "samsa/kafka/config.h"
#include "samsa/streams/internal/kafka/rdkafka_messages.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams::internal::kafka {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;

// The header count librdkafka itself finds in m (0 for none).
size_t librdkafkas_header_count(rd_kafka_message_t* m) {
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR || headers == nullptr) return 0;
    return rd_kafka_header_cnt(headers);
}

// Messages read with librdkafka's own consumer (assigned: no group joined), and that
// consumer: it must outlive them.
struct read_messages {
    samsa::kafka::handle_ptr consumer;
    std::vector<rd_kafka_message_t*> messages;
};

// Reads `count` messages of partition 0 of `topic` from its start.
read_messages read_from_start(const std::string& bs, const std::string& topic, size_t count) {
    read_messages out;
    const samsa::kafka::properties config{{"bootstrap.servers", bs}, {"group.id", "rdkafka-messages-test"}};
    auto conf = samsa::kafka::make_conf(config);
    EXPECT_TRUE(conf);
    if (!conf) return out;
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::consumer, std::move(*conf));
    EXPECT_TRUE(rk);
    if (!rk) return out;
    out.consumer = std::move(*rk);
    samsa::kafka::partition_list_ptr assignment(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    EXPECT_EQ(rd_kafka_assign(out.consumer.get(), assignment.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (out.messages.size() < count && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(out.consumer.get(), 100);
        if (m == nullptr) continue;
        if (m->err) {
            rd_kafka_message_destroy(m);
            continue;
        }
        out.messages.push_back(m);
    }
    return out;
}

TEST(rdkafka_messages, a_record_without_headers_is_known_to_have_none_without_librdkafkas_parse) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string bs = broker.bootstrap();
    ASSERT_TRUE(ts::create_topic(bs, "headers", 1));
    std::vector<ts::record> records(3);
    records[0] = {"k0", "no headers", {}};
    records[1] = {"k1", "two headers", {{"h1", "v1"}, {"h2", ""}}};
    records[2] = {"k2", "", {}};  // an empty value: the header count follows the value's length
    for (auto& r : records) r.partition = 0;
    ASSERT_TRUE(ts::produce(bs, "headers", records));

    // Declared before the records that take the messages: destroyed after them.
    read_messages consumed = read_from_start(bs, "headers", 3);
    std::vector<rd_kafka_message_t*>& read = consumed.messages;
    ASSERT_EQ(read.size(), 3u);

    // The question answered from the record's bytes: only for the versions
    // whose layout was checked (Debian's 2.0.2 here).
    const int major_minor = rd_kafka_version() >> 16;
    ASSERT_TRUE(major_minor == 0x0200 || major_minor == 0x0109)
        << "librdkafka " << rd_kafka_version_str() << ": check its rd_kafka_msg_t layout (rdkafka_messages.cc)";
    EXPECT_TRUE(certainly_without_headers(read[0]));
    EXPECT_FALSE(certainly_without_headers(read[1]));
    EXPECT_TRUE(certainly_without_headers(read[2]));

    // librdkafka agrees, and parsing does not change the answers.
    EXPECT_EQ(librdkafkas_header_count(read[0]), 0u);
    EXPECT_EQ(librdkafkas_header_count(read[1]), 2u);
    EXPECT_EQ(librdkafkas_header_count(read[2]), 0u);
    EXPECT_TRUE(certainly_without_headers(read[0]));
    EXPECT_FALSE(certainly_without_headers(read[1]));

    // The records keep what they have.
    consumed_record none = to_record(read[0]);
    consumed_record two = to_record(read[1]);
    consumed_record empty = to_record(read[2]);
    EXPECT_TRUE(none.headers.empty());
    EXPECT_TRUE(empty.headers.empty());
    ASSERT_EQ(two.headers.size(), 2u);
    EXPECT_EQ(two.headers[0].key, "h1");
    ASSERT_TRUE(two.headers[0].value);
    EXPECT_EQ(std::string(two.headers[0].value->begin(), two.headers[0].value->end()), "v1");
    EXPECT_EQ(two.headers[1].key, "h2");
}

}  // namespace
}  // namespace samsa::streams::internal::kafka
