// The admin APIs through a raw socket: CreateTopics, DeleteTopics,
// CreatePartitions, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs,
// DeleteRecords — Kafka's error codes and messages, and that changes stick.

#include <chrono>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/alter_configs.h"
#include "samsa/protocol/messages/create_partitions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/delete_records.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "samsa/protocol/messages/describe_configs.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/records.h"
#include "tests/broker/broker_fixture.h"
#include "tests/support/raw_client.h"

namespace samsa::broker::testing {
namespace {

using test_support::raw_client;
using protocol::error_code;

class admin : public broker_fixture {
protected:
    std::vector<std::string> overrides() const override { return {"num.partitions=2"}; }

    template<class Response, class Request>
    Response call(const Request& req, int16_t version) {
        raw_client c(port());
        EXPECT_TRUE(c.send_request(req, version, ++cid_));
        auto r = c.read_response<Response>(version, cid_);
        EXPECT_TRUE(r) << "no answer";
        return r ? std::move(*r) : Response{};
    }

    protocol::create_topics_response create(std::string name, int32_t partitions, int16_t rf, int16_t version = 5,
                                            std::vector<protocol::creatable_topic_config> configs = {},
                                            bool validate_only = false) {
        protocol::create_topics_request req;
        protocol::creatable_topic t;
        t.name = std::move(name);
        t.num_partitions = partitions;
        t.replication_factor = rf;
        t.configs = std::move(configs);
        req.topics.push_back(t);
        req.validate_only = validate_only;
        return call<protocol::create_topics_response>(req, version);
    }

    int32_t partitions_of(const std::string& topic) {
        protocol::metadata_request req;
        req.topics.emplace();
        protocol::metadata_request_topic t;
        t.name = topic;
        req.topics->push_back(t);
        req.allow_auto_topic_creation = false;
        auto r = call<protocol::metadata_response>(req, 9);
        if (r.topics.empty() || r.topics[0].error_code != error_code::none) return -1;
        return static_cast<int32_t>(r.topics[0].partitions.size());
    }

    std::map<std::string, protocol::describe_configs_resource_result> describe(const std::string& topic) {
        protocol::describe_configs_request req;
        req.resources.push_back({protocol::config_resource_type::topic, topic, std::nullopt});
        req.include_synonyms = true;
        auto r = call<protocol::describe_configs_response>(req, 3);
        std::map<std::string, protocol::describe_configs_resource_result> out;
        if (r.results.empty()) return out;
        for (auto& c : r.results[0].configs) out[c.name] = c;
        return out;
    }

    int32_t cid_ = 0;
};

TEST_F(admin, create_topics_checks_like_kafka) {
    auto ok = create("created", -1, -1, 7);
    ASSERT_EQ(ok.topics.size(), 1u);
    EXPECT_EQ(ok.topics[0].error_code, error_code::none);
    EXPECT_FALSE(ok.topics[0].topic_id.is_zero());
    EXPECT_EQ(ok.topics[0].num_partitions, 2);  // num.partitions
    EXPECT_EQ(ok.topics[0].replication_factor, 1);
    EXPECT_EQ(partitions_of("created"), 2);

    auto again = create("created", 1, 1);
    EXPECT_EQ(again.topics[0].error_code, error_code::topic_already_exists);

    auto rf = create("replicated", 1, 3);
    EXPECT_EQ(rf.topics[0].error_code, error_code::invalid_replication_factor);
    EXPECT_EQ(rf.topics[0].error_message,
              "samsa-broker is a single node and keeps one replica per partition; use a Kafka cluster for "
              "replication factor 3");

    EXPECT_EQ(create("bad name", 1, 1).topics[0].error_code, error_code::invalid_topic_exception);
    EXPECT_EQ(create("zero", 0, 1).topics[0].error_code, error_code::invalid_partitions);
    EXPECT_EQ(create("cfg", 1, 1, 5, {{"retention.ms", "soon"}}).topics[0].error_code, error_code::invalid_config);
    EXPECT_EQ(create("cfg", 1, 1, 5, {{"no.such.config", "1"}}).topics[0].error_code, error_code::invalid_config);

    auto dry = create("dry", 3, 1, 5, {}, true);
    EXPECT_EQ(dry.topics[0].error_code, error_code::none);
    EXPECT_EQ(partitions_of("dry"), -1);
}

TEST_F(admin, delete_topics_by_name_and_id) {
    auto a = create("del-a", 1, 1, 7);
    auto b = create("del-b", 1, 1, 7);
    protocol::delete_topics_request by_name;
    by_name.topic_names = {"del-a", "missing"};
    auto r = call<protocol::delete_topics_response>(by_name, 4);
    ASSERT_EQ(r.responses.size(), 2u);
    EXPECT_EQ(r.responses[0].error_code, error_code::none);
    EXPECT_EQ(r.responses[1].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(partitions_of("del-a"), -1);

    protocol::delete_topics_request by_id;
    by_id.topics.push_back({std::nullopt, b.topics[0].topic_id});
    auto r2 = call<protocol::delete_topics_response>(by_id, 6);
    ASSERT_EQ(r2.responses.size(), 1u);
    EXPECT_EQ(r2.responses[0].error_code, error_code::none);
    EXPECT_EQ(r2.responses[0].name, "del-b");
    EXPECT_EQ(partitions_of("del-b"), -1);
    // The name can be used again.
    EXPECT_EQ(create("del-a", 1, 1).topics[0].error_code, error_code::none);
}

TEST_F(admin, create_partitions_only_grows) {
    create("grow", 1, 1);
    protocol::create_partitions_request req;
    req.topics.push_back({"grow", 3, std::nullopt});
    auto r = call<protocol::create_partitions_response>(req, 1);
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].error_code, error_code::none);
    EXPECT_EQ(partitions_of("grow"), 3);
    req.topics[0].count = 2;
    EXPECT_EQ(call<protocol::create_partitions_response>(req, 1).results[0].error_code,
              error_code::invalid_partitions);
    req.topics[0] = {"nope", 2, std::nullopt};
    EXPECT_EQ(call<protocol::create_partitions_response>(req, 1).results[0].error_code,
              error_code::unknown_topic_or_partition);
}

TEST_F(admin, configs_are_described_altered_and_kept) {
    create("conf", 1, 1, 5, {{"retention.ms", "60000"}});
    auto d = describe("conf");
    ASSERT_TRUE(d.contains("retention.ms"));
    EXPECT_EQ(d["retention.ms"].value, "60000");
    EXPECT_EQ(d["retention.ms"].config_source, protocol::config_source::dynamic_topic_config);
    EXPECT_EQ(d["cleanup.policy"].value, "delete");
    EXPECT_EQ(d["cleanup.policy"].config_source, protocol::config_source::default_config);
    EXPECT_EQ(d["segment.bytes"].config_type, 3);  // INT

    protocol::incremental_alter_configs_request inc;
    protocol::incremental_alter_configs_resource res;
    res.resource_type = protocol::config_resource_type::topic;
    res.resource_name = "conf";
    res.configs.push_back({"cleanup.policy", protocol::config_operation::append, "compact"});
    res.configs.push_back({"retention.ms", protocol::config_operation::del, std::nullopt});
    res.configs.push_back({"segment.bytes", protocol::config_operation::set, "100000"});
    inc.resources.push_back(res);
    auto r = call<protocol::incremental_alter_configs_response>(inc, 1);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].error_code, error_code::none) << r.responses[0].error_message.value_or("");
    d = describe("conf");
    EXPECT_EQ(d["cleanup.policy"].value, "delete,compact");
    EXPECT_EQ(d["retention.ms"].config_source, protocol::config_source::default_config);
    EXPECT_EQ(d["segment.bytes"].value, "100000");

    // Bad values are refused and change nothing.
    inc.resources[0].configs = {{"segment.bytes", protocol::config_operation::set, "tiny"}};
    EXPECT_EQ(call<protocol::incremental_alter_configs_response>(inc, 1).responses[0].error_code,
              error_code::invalid_config);
    EXPECT_EQ(describe("conf")["segment.bytes"].value, "100000");

    // AlterConfigs replaces the whole set.
    protocol::alter_configs_request alter;
    alter.resources.push_back({protocol::config_resource_type::topic, "conf", {{"retention.bytes", "1000"}}});
    EXPECT_EQ(call<protocol::alter_configs_response>(alter, 1).responses[0].error_code, error_code::none);
    d = describe("conf");
    EXPECT_EQ(d["retention.bytes"].value, "1000");
    EXPECT_EQ(d["segment.bytes"].config_source, protocol::config_source::default_config);

    // They survive a restart.
    EXPECT_EQ(stop(), 0);
    start();
    EXPECT_EQ(describe("conf")["retention.bytes"].value, "1000");
}

TEST_F(admin, broker_configs_are_described_and_static) {
    protocol::describe_configs_request req;
    req.resources.push_back({protocol::config_resource_type::broker, "1", std::vector<std::string>{"num.partitions",
                                                                                                   "log.dir"}});
    auto r = call<protocol::describe_configs_response>(req, 1);
    ASSERT_EQ(r.results.size(), 1u);
    ASSERT_EQ(r.results[0].configs.size(), 2u);
    for (const auto& c : r.results[0].configs) {
        if (c.name == "num.partitions") {
            EXPECT_EQ(c.value, "2");
            EXPECT_EQ(c.config_source, protocol::config_source::static_broker_config);
        }
    }
    protocol::alter_configs_request alter;
    alter.resources.push_back({protocol::config_resource_type::broker, "1", {{"num.partitions", "3"}}});
    EXPECT_EQ(call<protocol::alter_configs_response>(alter, 0).responses[0].error_code, error_code::invalid_request);
}

TEST_F(admin, delete_records_moves_the_log_start) {
    create("trim", 1, 1);
    protocol::record_batch_builder builder;
    for (int i = 0; i < 5; ++i) builder.add("k", "v", timestamp_ms(1000 + i));
    bytes batch = builder.build();
    protocol::produce_request p;
    p.acks = 1;
    p.timeout_ms = 1000;
    p.topic_data.push_back({"trim", {{partition_id(0), protocol::raw_records(batch)}}});
    ASSERT_EQ(call<protocol::produce_response>(p, 7).responses[0].partition_responses[0].error_code,
              error_code::none);

    protocol::delete_records_request req;
    req.topics.push_back({"trim", {{partition_id(0), offset(3)}}});
    auto r = call<protocol::delete_records_response>(req, 1);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, error_code::none);
    EXPECT_EQ(r.topics[0].partitions[0].low_watermark(), 3);
    req.topics[0].partitions[0].offset = offset(99);
    EXPECT_EQ(call<protocol::delete_records_response>(req, 1).topics[0].partitions[0].error_code,
              error_code::offset_out_of_range);
    req.topics[0].partitions[0].offset = offset(-1);
    EXPECT_EQ(call<protocol::delete_records_response>(req, 1).topics[0].partitions[0].low_watermark(), 5);
}

// A topic's configs are typed into its properties when they change
// (topic_properties.h): an AlterConfigs or IncrementalAlterConfigs answer
// means the very next Produce follows the new values, and a restart builds
// them again from the stored configs.
TEST_F(admin, altered_configs_apply_to_the_next_produce) {
    ASSERT_EQ(create("props", 1, 1).topics[0].error_code, error_code::none);
    auto wall_ms = [] {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    };
    auto produce = [&](std::optional<std::string_view> key, size_t value_bytes, int64_t ts) {
        protocol::record_batch_builder builder;
        builder.add(key, std::string(value_bytes, 'v'), timestamp_ms(ts));
        bytes batch = builder.build();
        protocol::produce_request p;
        p.acks = 1;
        p.timeout_ms = 1000;
        p.topic_data.push_back({"props", {{partition_id(0), protocol::raw_records(batch)}}});
        auto r = call<protocol::produce_response>(p, 9);
        return r.responses.empty() ? protocol::partition_produce_response{} : r.responses[0].partition_responses[0];
    };
    auto incremental_set = [&](std::string key, std::string value) {
        protocol::incremental_alter_configs_request inc;
        protocol::incremental_alter_configs_resource res;
        res.resource_type = protocol::config_resource_type::topic;
        res.resource_name = "props";
        res.configs.push_back({std::move(key), protocol::config_operation::set, std::move(value)});
        inc.resources.push_back(res);
        return call<protocol::incremental_alter_configs_response>(inc, 1).responses[0].error_code;
    };

    EXPECT_EQ(produce("k", 2000, wall_ms()).error_code, error_code::none);
    // max.message.bytes lowered: the same batch is now too large.
    ASSERT_EQ(incremental_set("max.message.bytes", "1000"), error_code::none);
    EXPECT_EQ(produce("k", 2000, wall_ms()).error_code, error_code::message_too_large);
    EXPECT_EQ(produce("k", 10, wall_ms()).error_code, error_code::none);

    // A refused change leaves the properties as they were.
    EXPECT_EQ(incremental_set("max.message.bytes", "tiny"), error_code::invalid_config);
    EXPECT_EQ(produce("k", 2000, wall_ms()).error_code, error_code::message_too_large);

    // LogAppendTime: the broker's clock is the batch's timestamp.
    ASSERT_EQ(incremental_set("message.timestamp.type", "LogAppendTime"), error_code::none);
    const int64_t before = wall_ms();
    auto stamped = produce("k", 10, 1000);
    const int64_t after = wall_ms();
    EXPECT_EQ(stamped.error_code, error_code::none);
    EXPECT_GE(stamped.log_append_time_ms(), before);
    EXPECT_LE(stamped.log_append_time_ms(), after);

    // Back to CreateTime with KIP-937's bound one hour into the past.
    ASSERT_EQ(incremental_set("message.timestamp.type", "CreateTime"), error_code::none);
    EXPECT_EQ(produce("k", 10, 1000).log_append_time_ms(), -1);
    ASSERT_EQ(incremental_set("message.timestamp.before.max.ms", "3600000"), error_code::none);
    auto old = produce("k", 10, 1000);
    EXPECT_EQ(old.error_code, error_code::invalid_timestamp);  // 32
    EXPECT_NE(old.error_message.value_or("").find("Timestamp 1000 of message"), std::string::npos)
        << old.error_message.value_or("");
    EXPECT_EQ(produce("k", 10, wall_ms() + 24 * 3600 * 1000).error_code, error_code::none);  // after: unbounded
    // The deprecated difference key bounds the future side (before is set).
    ASSERT_EQ(incremental_set("message.timestamp.difference.max.ms", "60000"), error_code::none);
    EXPECT_EQ(produce("k", 10, wall_ms() + 24 * 3600 * 1000).error_code, error_code::invalid_timestamp);
    EXPECT_EQ(produce("k", 10, wall_ms()).error_code, error_code::none);

    // cleanup.policy=compact: keys are required from the next batch on.
    EXPECT_EQ(produce(std::nullopt, 10, wall_ms()).error_code, error_code::none);
    ASSERT_EQ(incremental_set("cleanup.policy", "compact"), error_code::none);
    EXPECT_EQ(produce(std::nullopt, 10, wall_ms()).error_code, error_code::invalid_record);

    // AlterConfigs replaces the set: back to the broker's defaults.
    protocol::alter_configs_request alter;
    alter.resources.push_back({protocol::config_resource_type::topic, "props", {{"max.message.bytes", "1500"}}});
    ASSERT_EQ(call<protocol::alter_configs_response>(alter, 1).responses[0].error_code, error_code::none);
    EXPECT_EQ(produce(std::nullopt, 1000, 1000).error_code, error_code::none);
    EXPECT_EQ(produce("k", 2000, wall_ms()).error_code, error_code::message_too_large);

    // After a restart the properties are built again from the stored configs.
    EXPECT_EQ(stop(), 0);
    start();
    EXPECT_EQ(produce("k", 2000, wall_ms()).error_code, error_code::message_too_large);
    EXPECT_EQ(produce("k", 1000, wall_ms()).error_code, error_code::none);
}

}  // namespace
}  // namespace samsa::broker::testing
