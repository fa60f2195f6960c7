// Unprefixed client settings (issue 14): as Kafka 3.8's StreamsConfig, every
// key a client knows reaches that client (security.protocol, ssl.*, sasl.*,
// client.rack, ...), prefixed keys win, Streams' own keys stay out, and the
// settings Streams forces are forced. "Knows" is librdkafka's property table.
#include <librdkafka/rdkafka.h>

#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_common.h"
#include "samsa/streams/internal/kafka/rdkafka_properties.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_config.h"
#include "tests/streams/runtime/fake_clients.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/temp_dir.h"

namespace samsa::streams {
namespace {

using namespace internal;
using namespace testing_fakes;

std::map<std::string, std::string> sasl_ssl_properties() {
    return {{"application.id", "app"},
            {"bootstrap.servers", "b:1"},
            {"security.protocol", "SASL_SSL"},
            {"sasl.mechanisms", "PLAIN"},
            {"sasl.username", "app-user"},
            {"sasl.password", "app-secret"},
            {"ssl.ca.location", "/tmp/ca.pem"},
            {"client.rack", "rack-1"}};
}

TEST(streams_config_clients, unprefixed_security_settings_reach_every_client) {
    auto c = streams_config::parse(sasl_ssl_properties());
    ASSERT_TRUE(c) << c.error().message;
    for (const auto* client : {&c->consumer, &c->producer, &c->admin}) {
        EXPECT_EQ(client->at("security.protocol"), "SASL_SSL");
        EXPECT_EQ(client->at("sasl.mechanisms"), "PLAIN");
        EXPECT_EQ(client->at("sasl.username"), "app-user");
        EXPECT_EQ(client->at("sasl.password"), "app-secret");
        EXPECT_EQ(client->at("ssl.ca.location"), "/tmp/ca.pem");
        EXPECT_EQ(client->at("client.rack"), "rack-1");
        // Streams' own keys are not client settings.
        EXPECT_FALSE(client->count("application.id"));
        EXPECT_FALSE(client->count("bootstrap.servers"));
    }
}

TEST(streams_config_clients, prefixed_keys_win_whatever_the_order) {
    auto p = sasl_ssl_properties();
    // "admin." and "consumer." sort before "ssl.", "producer." after "client.rack".
    p["admin.ssl.ca.location"] = "/admin-ca.pem";
    p["consumer.ssl.ca.location"] = "/consumer-ca.pem";
    p["producer.client.rack"] = "rack-p";
    p["restore.consumer.sasl.username"] = "restorer";
    auto c = streams_config::parse(p);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->admin.at("ssl.ca.location"), "/admin-ca.pem");
    EXPECT_EQ(c->consumer.at("ssl.ca.location"), "/consumer-ca.pem");
    EXPECT_EQ(c->producer.at("ssl.ca.location"), "/tmp/ca.pem");
    EXPECT_EQ(c->producer.at("client.rack"), "rack-p");
    EXPECT_EQ(c->consumer.at("client.rack"), "rack-1");
    EXPECT_EQ(c->restore_consumer.at("sasl.username"), "restorer");
    EXPECT_EQ(c->consumer.at("sasl.username"), "app-user");
}

TEST(streams_config_clients, each_client_gets_only_the_keys_of_its_kind) {
    auto p = sasl_ssl_properties();
    p["acks"] = "all";                    // producer only
    p["auto.offset.reset"] = "latest";    // consumer only
    p["request.timeout.ms"] = "20000";    // Streams' own bound, and a producer setting
    auto c = streams_config::parse(p);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->producer.at("acks"), "all");
    EXPECT_FALSE(c->consumer.count("acks"));
    EXPECT_FALSE(c->admin.count("acks"));
    EXPECT_EQ(c->consumer.at("auto.offset.reset"), "latest");
    EXPECT_FALSE(c->producer.count("auto.offset.reset"));
    EXPECT_FALSE(c->admin.count("auto.offset.reset"));
    EXPECT_EQ(c->request_timeout, std::chrono::milliseconds(20000));
    EXPECT_EQ(c->producer.at("request.timeout.ms"), "20000");
}

TEST(streams_config_clients, keys_librdkafka_does_not_know_and_streams_keys_are_not_passed) {
    auto p = sasl_ssl_properties();
    p["sasl.jaas.config"] = "org.apache.kafka.common.security.plain.PlainLoginModule required;";  // Java only
    p["no.such.setting"] = "1";
    p["client.id"] = "mine";
    p["num.stream.threads"] = "2";
    p["commit.interval.ms"] = "100";
    auto c = streams_config::parse(p);
    ASSERT_TRUE(c) << c.error().message;
    for (const auto* client : {&c->consumer, &c->producer, &c->admin}) {
        for (const char* name : {"sasl.jaas.config", "no.such.setting", "client.id", "num.stream.threads",
                                 "commit.interval.ms"}) {
            EXPECT_FALSE(client->count(name)) << name;
        }
    }
}

TEST(streams_config_clients, librdkafka_scopes_come_from_its_property_table) {
    using kafka::property_scope;
    EXPECT_EQ(kafka::librdkafka_property_scope("security.protocol"), property_scope::any_client);
    EXPECT_EQ(kafka::librdkafka_property_scope("sasl.mechanism"), property_scope::any_client);  // alias
    EXPECT_EQ(kafka::librdkafka_property_scope("acks"), property_scope::producer);
    EXPECT_EQ(kafka::librdkafka_property_scope("auto.offset.reset"), property_scope::consumer);
    EXPECT_EQ(kafka::librdkafka_property_scope("ssl.truststore.location"), std::nullopt);
}

// What the routing hands to librdkafka makes clients of each type without a
// warning-only key and without an error (nothing here connects).
TEST(streams_config_clients, routed_settings_create_librdkafka_clients) {
    auto p = sasl_ssl_properties();
    p.erase("ssl.ca.location");  // librdkafka checks that the file exists
    p["acks"] = "all";
    p["auto.offset.reset"] = "latest";
    p["sasl.jaas.config"] = "x";
    p["no.such.setting"] = "1";
    auto c = streams_config::parse(p);
    ASSERT_TRUE(c) << c.error().message;
    const std::pair<const client_config*, rd_kafka_type_t> clients[] = {
        {&c->consumer, RD_KAFKA_CONSUMER}, {&c->producer, RD_KAFKA_PRODUCER}, {&c->admin, RD_KAFKA_PRODUCER}};
    for (const auto& [settings, type] : clients) {
        auto conf = kafka::make_conf(*settings);
        ASSERT_TRUE(conf) << conf.error().message;
        auto client = kafka::make_client(type, std::move(*conf));
        ASSERT_TRUE(client) << client.error().message;
    }
}

// The runtime hands them to all five clients (main, restore and global
// consumers through the consumer settings) and still forces what Kafka
// Streams forces.
TEST(streams_config_clients, the_runtime_passes_them_to_every_client_and_forces_its_own) {
    test_support::temp_dir dir("config-clients");
    fake_cluster cluster;
    cluster.create("lines", 1);
    cluster.create("counts", 1);
    auto p = sasl_ssl_properties();
    p["state.dir"] = dir.string();
    p["poll.ms"] = "5";
    p["group.id"] = "not-the-app";  // not passed: group.id is the application.id
    p["enable.auto.commit"] = "true";
    auto supplier = std::make_unique<fake_supplier>(cluster);
    fake_supplier* s = supplier.get();
    std::vector<client_config> configs;
    {
        kafka_streams app(word_count_topology(), p, std::move(supplier));
        app.start();
        app.close(std::chrono::seconds(10));
        configs = s->configs;
    }
    ASSERT_GE(configs.size(), 4u);  // admin, consumer, producer, restore consumer
    for (const auto& c : configs) {
        EXPECT_EQ(c.at("security.protocol"), "SASL_SSL");
        EXPECT_EQ(c.at("sasl.username"), "app-user");
        EXPECT_EQ(c.at("bootstrap.servers"), "b:1");
        if (c.count("group.id")) {
            EXPECT_EQ(c.at("group.id"), "app");
            EXPECT_EQ(c.at("enable.auto.commit"), "false");
        }
    }
}

}  // namespace
}  // namespace samsa::streams
