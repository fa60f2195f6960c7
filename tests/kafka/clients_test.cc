// samsa::kafka's producer and consumer without a broker: what they refuse
// locally, what a delivery to nobody reports, and that every wait is bounded.
#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "samsa/kafka/consumer.h"
#include "samsa/kafka/producer.h"

namespace samsa::kafka {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// A port nothing listens on: librdkafka keeps trying, nothing answers.
constexpr const char* nobody = "127.0.0.1:1";

producer_record value_to_t() {
    producer_record r;
    r.topic = "t";
    r.value = "v";
    return r;
}

TEST(kafka_producer, a_bad_property_is_named) {
    auto p = producer::create(properties{{"bootstrap.servers", nobody}, {"acks", "sometimes"}});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, errc::invalid_argument);
    EXPECT_THAT(p.error().message, HasSubstr("acks=sometimes"));
}

TEST(kafka_producer, an_undeliverable_record_is_reported_retriable_with_its_token) {
    std::vector<delivery_report> reports;
    std::vector<std::string> errors;
    producer_options options;
    options.on_delivery = [&](const delivery_report& d) {
        reports.push_back(d);
        if (!d.result) errors.push_back(d.result.error().message);
    };
    auto p = producer::create(properties{{"bootstrap.servers", nobody}, {"message.timeout.ms", "300"}},
                              std::move(options));
    ASSERT_TRUE(p) << p.error().message;

    std::vector<header_view> headers{{"h", std::string_view("v")}, {"null", std::nullopt}};
    producer_record r;
    r.topic = "t";
    r.key = "k";
    r.value = "v";
    r.headers = headers;
    r.token = 42;
    ASSERT_TRUE((*p)->send(r));
    record owned;
    owned.topic = "t";
    owned.partition = partition_id(3);
    owned.value = "w";
    ASSERT_TRUE((*p)->send(owned, 43));
    EXPECT_GE((*p)->in_flight(), 2);  // and librdkafka's own requests

    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE((*p)->flush(10s));  // every record has its report, failed or not
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    ASSERT_EQ(reports.size(), 2u);
    std::vector<uint64_t> tokens{reports[0].token, reports[1].token};
    EXPECT_THAT(tokens, ::testing::UnorderedElementsAre(42u, 43u));
    for (const auto& d : reports) {
        ASSERT_FALSE(d.result);
        EXPECT_TRUE(d.result.error().retriable) << d.result.error().message;  // Kafka's TimeoutException
        EXPECT_FALSE(d.result.error().fatal);
        EXPECT_EQ(d.topic, "t");
        EXPECT_EQ(d.offset, offset(-1));
    }
    EXPECT_THAT(errors[0], HasSubstr("_MSG_TIMED_OUT"));
}

TEST(kafka_producer, flush_is_bounded_and_says_how_many_are_left) {
    auto p = producer::create(properties{{"bootstrap.servers", nobody}, {"message.timeout.ms", "60000"}});
    ASSERT_TRUE(p) << p.error().message;
    auto r = value_to_t();
    ASSERT_TRUE((*p)->send(r));
    auto start = std::chrono::steady_clock::now();
    auto flushed = (*p)->flush(200ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error().code, errc::timed_out);
    EXPECT_TRUE(flushed.error().retriable);
    EXPECT_THAT(flushed.error().message, HasSubstr("1 records"));
}

TEST(kafka_producer, a_full_queue_blocks_at_most_max_block) {
    producer_options options;
    options.max_block = 200ms;
    auto p = producer::create(properties{{"bootstrap.servers", nobody}, {"queue.buffering.max.messages", "1"}},
                              std::move(options));
    ASSERT_TRUE(p) << p.error().message;
    auto r = value_to_t();
    ASSERT_TRUE((*p)->send(r));
    auto start = std::chrono::steady_clock::now();
    auto second = (*p)->send(r);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    ASSERT_FALSE(second);
    EXPECT_THAT(second.error().message, HasSubstr("_QUEUE_FULL"));
}

TEST(kafka_producer, transactions_need_a_transactional_id) {
    auto p = producer::create(properties{{"bootstrap.servers", nobody}});
    ASSERT_TRUE(p) << p.error().message;
    auto init = (*p)->init_transactions(200ms);
    ASSERT_FALSE(init);
    EXPECT_THAT(init.error().message, HasSubstr("InitProducerId"));
    EXPECT_FALSE((*p)->begin_transaction());
}

TEST(kafka_producer, client_errors_reach_the_hook_on_the_owners_thread) {
    std::vector<client_error> errors;
    producer_options options;
    options.hooks.on_error = [&](const client_error& e) { errors.push_back(e); };
    auto p = producer::create(properties{{"bootstrap.servers", nobody}}, std::move(options));
    ASSERT_TRUE(p) << p.error().message;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (errors.empty() && std::chrono::steady_clock::now() < deadline) (*p)->poll(100ms);
    ASSERT_FALSE(errors.empty());  // connection refused, all brokers down
    EXPECT_TRUE(errors[0].retriable) << errors[0].message;
}

TEST(kafka_consumer, the_mode_follows_group_id) {
    auto free = consumer::create(properties{{"bootstrap.servers", nobody}});
    ASSERT_TRUE(free) << free.error().message;
    EXPECT_FALSE((*free)->has_group());
    auto subscribed = (*free)->subscribe({"t"});
    ASSERT_FALSE(subscribed);
    EXPECT_EQ(subscribed.error().code, errc::invalid_argument);
    EXPECT_THAT(subscribed.error().message, HasSubstr("group.id"));
    EXPECT_FALSE((*free)->commit(100ms));
    EXPECT_FALSE((*free)->store_offset({{"t", 0}, offset(1)}));

    auto member = consumer::create(property_list{{"bootstrap.servers", nobody}, {"group.id", "g"}});
    ASSERT_TRUE(member) << member.error().message;
    EXPECT_TRUE((*member)->has_group());
    EXPECT_TRUE((*member)->subscribe({"t"}));
    // Nothing consumed, nothing stored: nothing to commit is success.
    EXPECT_TRUE((*member)->commit(500ms));
}

TEST(kafka_consumer, polls_and_closes_within_their_bounds) {
    for (bool group : {false, true}) {
        property_list config{{"bootstrap.servers", nobody}};
        if (group) config.emplace_back("group.id", "g");
        auto c = consumer::create(config);
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE((*c)->assign({{{"t", 0}, offset_beginning}, {{"t", 1}, offset(5)}}));
        auto start = std::chrono::steady_clock::now();
        auto m = (*c)->poll(200ms);
        ASSERT_TRUE(m || m.error().retriable) << m.error().message;
        if (m) {
            EXPECT_FALSE(m->has_value());
        }
        auto w = (*c)->query_watermarks({"t", 0}, 200ms);
        ASSERT_FALSE(w);  // timed out, or all brokers down: either way within the bound
        auto closed = (*c)->close(2s);
        EXPECT_TRUE(closed) << closed.error().message;
        EXPECT_TRUE((*c)->close(2s));  // twice is fine
        EXPECT_LT(std::chrono::steady_clock::now() - start, 6s);
    }
}

}  // namespace
}  // namespace samsa::kafka
