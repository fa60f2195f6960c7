#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "samsa/kafka/admin.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/rdkafka.h"

namespace samsa::kafka {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string conf_value(rd_kafka_conf_t* conf, const char* key) {
    char value[256];
    size_t size = sizeof value;
    if (rd_kafka_conf_get(conf, key, value, &size) != RD_KAFKA_CONF_OK) return "<unset>";
    return value;
}

TEST(kafka_config, a_bad_key_or_value_is_named) {
    auto unknown = make_conf(properties{{"client.id", "x"}, {"no.such.setting", "1"}});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, errc::invalid_argument);
    EXPECT_THAT(unknown.error().message, HasSubstr("no.such.setting=1"));

    auto bad_value = make_conf(properties{{"acks", "sometimes"}});
    ASSERT_FALSE(bad_value);
    EXPECT_THAT(bad_value.error().message, HasSubstr("acks=sometimes"));
}

TEST(kafka_config, a_property_list_applies_in_order) {
    auto conf = make_conf(property_list{{"client.id", "ours"}, {"linger.ms", "5"}, {"client.id", "users"}});
    ASSERT_TRUE(conf) << conf.error().message;
    EXPECT_EQ(conf_value(conf->get(), "client.id"), "users");
    EXPECT_EQ(conf_value(conf->get(), "linger.ms"), "5");
}

// As the Java client, which always sets TCP_NODELAY: with Nagle on, a
// stream thread's requests waited for delayed ACKs (tens of ms at p99).
TEST(kafka_config, nagle_is_off_unless_the_caller_turns_it_on) {
    auto conf = make_conf(properties{{"client.id", "x"}});
    ASSERT_TRUE(conf) << conf.error().message;
    EXPECT_EQ(conf_value(conf->get(), "socket.nagle.disable"), "true");

    auto nagle = make_conf(properties{{"socket.nagle.disable", "false"}});
    ASSERT_TRUE(nagle) << nagle.error().message;
    EXPECT_EQ(conf_value(nagle->get(), "socket.nagle.disable"), "false");
}

TEST(kafka_config, clients_come_from_librdkafkas_property_table) {
    EXPECT_EQ(librdkafka_property_scope("security.protocol"), property_scope::any_client);
    EXPECT_EQ(librdkafka_property_scope("acks"), property_scope::producer);
    EXPECT_EQ(librdkafka_property_scope("auto.offset.reset"), property_scope::consumer);
    EXPECT_EQ(librdkafka_property_scope("sasl.jaas.config"), std::nullopt);  // Java only
}

TEST(kafka_error, a_code_keeps_its_name_kind_and_marks) {
    auto timed_out = to_error(RD_KAFKA_RESP_ERR__TIMED_OUT, "flush");
    EXPECT_EQ(timed_out.code, errc::timed_out);
    EXPECT_EQ(timed_out.kafka_code, static_cast<int32_t>(RD_KAFKA_RESP_ERR__TIMED_OUT));
    EXPECT_TRUE(timed_out.retriable);
    EXPECT_FALSE(timed_out.fatal);
    EXPECT_THAT(timed_out.message, HasSubstr("flush: "));
    EXPECT_THAT(timed_out.message, HasSubstr("(_TIMED_OUT)"));

    auto exists = to_error(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "cannot create topic 't'");
    EXPECT_EQ(exists.code, errc::already_exists);
    EXPECT_FALSE(exists.retriable);

    EXPECT_TRUE(to_error(RD_KAFKA_RESP_ERR__FATAL, "poll").fatal);
    EXPECT_EQ(to_error(RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND, "x").code, errc::not_found);
    EXPECT_EQ(to_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "x").code, errc::too_large);

    // A client_error is a samsa::error: any caller passes it on as one.
    status failed = to_error(RD_KAFKA_RESP_ERR__DESTROY, "x");
    samsa::status plain_status = plain(failed);
    ASSERT_FALSE(plain_status);
    EXPECT_EQ(plain_status.error().code, errc::closed);
}

TEST(kafka_error, an_error_object_says_what_librdkafka_says) {
    auto e = take_error(rd_kafka_error_new(RD_KAFKA_RESP_ERR_INVALID_CONFIG, "retention.ms is %s", "negative"),
                        "alter");
    EXPECT_EQ(e.code, errc::invalid_argument);
    EXPECT_EQ(e.message, "alter: retention.ms is negative (INVALID_CONFIG)");
    // rd_kafka_error_new marks nothing; librdkafka's own marks are copied as they are.
    EXPECT_FALSE(e.retriable);
    EXPECT_FALSE(e.fatal);
    EXPECT_FALSE(e.txn_requires_abort);
}

TEST(kafka_types, partition_lists_round_trip_in_order) {
    std::vector<topic_partition> partitions{{"b", 1}, {"a", 0}, {"a", 2}};
    auto list = to_list(partitions);
    ASSERT_EQ(list->cnt, 3);
    EXPECT_EQ(to_partitions(list.get()), partitions);
    EXPECT_EQ(to_partitions(nullptr), std::vector<topic_partition>{});
    EXPECT_EQ(topic_partition({"orders", 3}).to_string(), "orders-3");
    EXPECT_LT(topic_partition({"a", 2}), topic_partition({"b", 0}));
}

// An admin on a port where nothing listens (loopback port 1).
std::unique_ptr<admin> unreachable_admin(admin_config config) {
    auto conf = make_conf(properties{{"bootstrap.servers", "127.0.0.1:1"}, {"log_level", "0"}});
    EXPECT_TRUE(conf);
    auto rk = make_client(client_type::producer, std::move(*conf));
    EXPECT_TRUE(rk);
    return std::make_unique<admin>(std::move(*rk), std::move(config));
}

TEST(kafka_admin, no_answer_is_a_timeout_within_the_bound) {
    admin_config config;
    config.timeout = 300ms;
    auto a = unreachable_admin(config);
    auto start = std::chrono::steady_clock::now();
    auto probe = a->probe();
    ASSERT_FALSE(probe);
    EXPECT_EQ(probe.error().code, errc::timed_out) << probe.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);

    // The caller's wording when it has one (the CLI names the broker).
    a = unreachable_admin({300ms, [] { return make_client_error(errc::timed_out, "nobody home"); }});
    auto md = a->metadata();
    ASSERT_FALSE(md);
    EXPECT_EQ(md.error().message, "nobody home");
}

TEST(kafka_admin, a_topic_librdkafka_refuses_fails_every_topic_before_sending) {
    auto a = unreachable_admin({300ms, {}});
    EXPECT_TRUE(a->create_topics({}).empty());
    new_topic bad;
    bad.name = "t";
    bad.partitions = -5;  // librdkafka wants -1 (the broker default) or a count
    auto results = a->create_topics({new_topic{"ok", 1, -1, {}}, bad});
    ASSERT_EQ(results.size(), 2u);
    for (const auto& [name, s] : results) {
        ASSERT_FALSE(s) << name;
        EXPECT_EQ(s.error().code, errc::invalid_argument) << s.error().message;
    }
}

}  // namespace
}  // namespace samsa::kafka
