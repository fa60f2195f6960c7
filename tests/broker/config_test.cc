// broker_config: the properties format, Kafka's keys and defaults, overrides
// and one-line errors.

#include <gtest/gtest.h>

#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/config/properties.h"

namespace samsa::broker {
namespace {

result<loaded_config> load(std::string_view text, std::vector<std::string> overrides = {}) {
    return load_broker_config(parse_properties(text), overrides);
}

TEST(properties, parses_java_properties_syntax) {
    auto p = parse_properties(
        "# comment\n"
        "! another comment\n"
        "  a = 1  \n"
        "b:2\n"
        "c 3\n"
        "d=x\\\n"
        "   y\n"
        "e=\n"
        "f=with \\= sign\n"
        "\n"
        "a=last wins\r\n");
    EXPECT_EQ(p.values.at("a"), "last wins");
    EXPECT_EQ(p.values.at("b"), "2");
    EXPECT_EQ(p.values.at("c"), "3");
    EXPECT_EQ(p.values.at("d"), "xy");
    EXPECT_EQ(p.values.at("e"), "");
    EXPECT_EQ(p.values.at("f"), "with = sign");
    EXPECT_EQ(p.order.front(), "a");
}

TEST(properties, override_needs_key_and_equals) {
    EXPECT_TRUE(parse_override("a=b"));
    EXPECT_TRUE(parse_override("a="));
    EXPECT_FALSE(parse_override("ab"));
    EXPECT_FALSE(parse_override("=b"));
    auto kv = parse_override("log.dirs=/tmp/x=y");
    ASSERT_TRUE(kv);
    EXPECT_EQ(kv->first, "log.dirs");
    EXPECT_EQ(kv->second, "/tmp/x=y");
}

TEST(broker_config, kafka_defaults) {
    auto c = load("");
    ASSERT_TRUE(c) << c.error().message;
    const auto& cfg = c->config;
    ASSERT_EQ(cfg.listeners.size(), 1u);
    EXPECT_EQ(cfg.listeners[0].host, "127.0.0.1");
    EXPECT_EQ(cfg.listeners[0].port, 9092);
    EXPECT_EQ(cfg.advertised_listeners[0].port, 9092);
    EXPECT_EQ(cfg.node(), 1);
    EXPECT_EQ(cfg.log_dirs, std::vector<std::string>{"./samsa-data"});
    EXPECT_EQ(cfg.num_partitions, 1);
    EXPECT_TRUE(cfg.auto_create_topics_enable);
    EXPECT_EQ(cfg.message_max_bytes, 1048588);
    EXPECT_EQ(cfg.socket_request_max_bytes, 104857600);
    EXPECT_EQ(cfg.log_segment_bytes, 1073741824);
    EXPECT_EQ(cfg.log_roll_ms, 168LL * 3600 * 1000);
    EXPECT_EQ(cfg.log_retention_ms, 168LL * 3600 * 1000);
    EXPECT_EQ(cfg.log_retention_bytes, -1);
    EXPECT_EQ(cfg.log_cleanup_policy, "delete");
    EXPECT_EQ(cfg.default_replication_factor, 1);
    EXPECT_EQ(cfg.connections_max_idle.count(), 600000);
    EXPECT_FALSE(cfg.log_flush_interval_ms);
    EXPECT_TRUE(c->warnings.empty());
}

TEST(broker_config, overrides_win_over_the_file) {
    auto c = load("num.partitions=3\nlog.dirs=/a,/b\n", {"num.partitions=6", "listeners=PLAINTEXT://127.0.0.1:0"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->config.num_partitions, 6);
    EXPECT_EQ(c->config.log_dirs, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(c->config.listeners[0].port, 0);
    EXPECT_TRUE(c->config.is_explicit("num.partitions"));
    EXPECT_EQ(*c->config.value_of("num.partitions"), "6");
}

TEST(broker_config, synonyms) {
    auto c = load("broker.id=7\nlog.dir=/data\nlog.roll.hours=2\nlog.retention.minutes=5\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->config.node(), 7);
    EXPECT_EQ(c->config.log_dirs, std::vector<std::string>{"/data"});
    EXPECT_EQ(c->config.log_roll_ms, 2 * 3600 * 1000);
    EXPECT_EQ(c->config.log_retention_ms, 5 * 60 * 1000);
    auto d = load("log.roll.ms=100\nlog.roll.hours=2\nlog.retention.ms=-1\n");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->config.log_roll_ms, 100);
    EXPECT_EQ(d->config.log_retention_ms, -1);
}

TEST(broker_config, advertised_listeners_default_to_listeners) {
    auto c = load("listeners=PLAINTEXT://0.0.0.0:19092\nadvertised.listeners=PLAINTEXT://kafka.example:9092\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->config.listeners[0].host, "0.0.0.0");
    EXPECT_EQ(c->config.advertised_listeners[0].host, "kafka.example");
    EXPECT_EQ(c->config.advertised_listeners[0].port, 9092);
}

TEST(broker_config, bad_values_are_one_line_errors_naming_the_key) {
    auto c = load("num.partitions=abc\n");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, "num.partitions: 'abc' is not an integer");
    EXPECT_EQ(load("auto.create.topics.enable=maybe").error().message,
              "auto.create.topics.enable: 'maybe' is not true or false");
    EXPECT_EQ(load("num.partitions=0").error().message, "num.partitions: '0' is below the minimum 1");
    EXPECT_EQ(load("message.max.bytes=99999999999").error().message,
              "message.max.bytes: '99999999999' is above the maximum 2147483647");
    EXPECT_FALSE(load("listeners=127.0.0.1:9092"));
    EXPECT_FALSE(load("listeners=SECRET://127.0.0.1:9092"));  // not in listener.security.protocol.map
    EXPECT_FALSE(load("listeners=PLAINTEXT://127.0.0.1:99999"));
    EXPECT_FALSE(load("log.cleanup.policy=shred"));
    EXPECT_FALSE(load("", {"novalue"}));
    for (const auto& e : {load("num.partitions=abc").error().message, load("log.cleanup.policy=x").error().message}) {
        EXPECT_EQ(e.find('\n'), std::string::npos);
    }
}

TEST(broker_config, connection_and_request_memory_limits) {
    auto d = load("");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->config.queued_max_request_bytes, 256LL << 20);
    EXPECT_EQ(d->config.max_connections, INT32_MAX);
    EXPECT_EQ(d->config.max_connections_per_ip, INT32_MAX);
    // The default follows a larger socket.request.max.bytes so one frame always fits.
    EXPECT_EQ(load("socket.request.max.bytes=500000000")->config.queued_max_request_bytes, 500000000);
    EXPECT_EQ(load("queued.max.request.bytes=-1")->config.queued_max_request_bytes, -1);
    EXPECT_EQ(load("queued.max.request.bytes=1000\nsocket.request.max.bytes=2000").error().message,
              "queued.max.request.bytes: must be larger than socket.request.max.bytes (2000) or -1");
    auto c = load("max.connections=10\nmax.connections.per.ip=2\n"
                  "max.connections.per.ip.overrides=127.0.0.1:5, broker.example:0\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->config.max_connections, 10);
    EXPECT_EQ(c->config.max_connections_per_ip, 2);
    EXPECT_EQ(c->config.max_connections_per_ip_overrides,
              (std::map<std::string, int32_t>{{"127.0.0.1", 5}, {"broker.example", 0}}));
    EXPECT_EQ(load("max.connections.per.ip.overrides=nohost").error().message,
              "max.connections.per.ip.overrides: 'nohost' is not host:count");
    EXPECT_FALSE(load("max.connections.per.ip=0"));
}

TEST(broker_config, unknown_and_ignored_keys_are_warnings) {
    auto c = load("no.such.key=1\nnum.network.threads=3\n");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->warnings.size(), 2u);
    EXPECT_NE(c->warnings[0].find("no.such.key"), std::string::npos);
    EXPECT_NE(c->warnings[1].find("num.network.threads"), std::string::npos);
}

TEST(broker_config, stock_kafka_server_properties_loads) {
    // The keys of Kafka's own config/kraft/server.properties.
    auto c = load(
        "process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@localhost:9093\n"
        "listeners=PLAINTEXT://127.0.0.1:9092\ninter.broker.listener.name=PLAINTEXT\n"
        "controller.listener.names=CONTROLLER\n"
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n"
        "num.network.threads=3\nnum.io.threads=8\nsocket.send.buffer.bytes=102400\n"
        "socket.receive.buffer.bytes=102400\nsocket.request.max.bytes=104857600\n"
        "log.dirs=/tmp/kraft-combined-logs\nnum.partitions=1\nnum.recovery.threads.per.data.dir=1\n"
        "offsets.topic.replication.factor=1\ntransaction.state.log.replication.factor=1\n"
        "transaction.state.log.min.isr=1\nlog.retention.hours=168\nlog.segment.bytes=1073741824\n"
        "log.retention.check.interval.ms=300000\n");
    ASSERT_TRUE(c) << c.error().message;
    for (const auto& w : c->warnings) EXPECT_EQ(w.find("unknown"), std::string::npos) << w;
}

}  // namespace
}  // namespace samsa::broker
