// Two of Kafka 3.8's produce rules that a single node makes easy to get
// wrong, over the wire against an in-process broker:
//
// min.insync.replicas: Kafka 3.8 (KAFKA-15583, since 3.7) enforces
// min(min.insync.replicas, replication factor) (Partition.effectiveMinIsr), so
// on one node, where every partition has one replica, always in sync, an
// acks=all produce is never NOT_ENOUGH_REPLICAS whatever the topic or broker
// sets; the value is still checked (>= 1) and kept.
//
// A batch the producer marked LogAppendTime (LogValidator.validateTimestamp):
// refused with INVALID_TIMESTAMP on a LogAppendTime topic and, when its
// max timestamp is -1, on a CreateTime topic; otherwise accepted on a
// CreateTime topic, its records read as its max timestamp for the
// message.timestamp.before/after.max.ms checks, and stored as CreateTime
// with a new CRC.
#include <gtest/gtest.h>

#include <chrono>

#include "samsa/bytes/big_endian.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"
#include "samsa/record/record_batch.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

int64_t wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Two records at ts and ts + 5; with `log_append_time` the attributes say
// LogAppendTime and the max timestamp is `max_timestamp`, CRC redone, as a
// (misbehaving) producer would send it.
bytes batch_at(int64_t ts, bool log_append_time = false, int64_t max_timestamp = 0) {
    record::record_batch_builder b;
    b.add("k1", "v1", timestamp_ms(ts));
    b.add("k2", "v2", timestamp_ms(ts + 5));
    bytes batch = b.build();
    if (log_append_time) {
        const uint16_t attributes = static_cast<uint16_t>((batch[21] << 8 | batch[22]) | 0x08);
        put_be16(batch.data() + 21, attributes);
        put_be64(batch.data() + 35, static_cast<uint64_t>(max_timestamp));
        put_be32(batch.data() + 17, record::compute_batch_crc(batch));
    }
    return batch;
}

class produce_rules : public api_fixture {
protected:
    void create_with(const std::string& name, std::vector<protocol::creatable_topic_config> configs) {
        protocol::create_topics_request req;
        req.topics.push_back({name, 1, 1, {}, std::move(configs)});
        auto r = call<protocol::create_topics_response>(req, 7);
        ASSERT_EQ(r.topics.size(), 1u);
        ASSERT_EQ(r.topics[0].error_code, error_code::none) << r.topics[0].error_message.value_or("");
    }
    protocol::partition_produce_response produce(const std::string& topic, const bytes& batch, int16_t acks) {
        protocol::produce_request req;
        req.acks = acks;
        req.timeout_ms = 5000;
        req.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(batch)}}});
        auto r = call<protocol::produce_response>(req, 9);
        if (r.responses.empty() || r.responses[0].partition_responses.empty()) return {};
        return r.responses[0].partition_responses[0];
    }
    error_code set_config(const std::string& topic, std::string key, std::string value) {
        protocol::incremental_alter_configs_request req;
        protocol::incremental_alter_configs_resource res;
        res.resource_type = protocol::config_resource_type::topic;
        res.resource_name = topic;
        res.configs.push_back({std::move(key), protocol::config_operation::set, std::move(value)});
        req.resources.push_back(std::move(res));
        auto r = call<protocol::incremental_alter_configs_response>(req, 1);
        return r.responses.empty() ? error_code::unknown_server_error : r.responses[0].error_code;
    }
    // The stored batches of partition 0 from offset 0, as a consumer gets them.
    bytes fetch_all(const std::string& topic) {
        raw_client c(port());
        protocol::fetch_request req;
        req.max_wait_ms = 0;
        req.min_bytes = 0;
        req.max_bytes = 1 << 20;
        protocol::fetch_topic t;
        t.topic = topic;
        t.partitions.push_back({partition_id(0), leader_epoch(-1), offset(0), leader_epoch(-1), offset(-1), 1 << 20});
        req.topics.push_back(t);
        auto r = call<protocol::fetch_response>(c, req, 11);
        if (r.responses.empty() || r.responses[0].partitions.empty()) return {};
        auto view = r.responses[0].partitions[0].records.view();
        return bytes(view.begin(), view.end());  // copied before `c` and its buffer go
    }
};

TEST_F(produce_rules, min_insync_replicas_above_the_replica_count_does_not_refuse_acks_all) {
    create_with("minisr", {{"min.insync.replicas", "3"}});
    for (int16_t acks : {int16_t(-1), int16_t(1)}) {
        auto r = produce("minisr", batch_at(wall_ms()), acks);
        EXPECT_EQ(r.error_code, error_code::none) << "acks=" << acks;  // not NOT_ENOUGH_REPLICAS (19)
    }
    // Raised further and lowered again: acks=all keeps working throughout.
    ASSERT_EQ(set_config("minisr", "min.insync.replicas", "5"), error_code::none);
    auto raised = produce("minisr", batch_at(wall_ms()), -1);
    EXPECT_EQ(raised.error_code, error_code::none);
    EXPECT_EQ(raised.base_offset, offset(4));
    ASSERT_EQ(set_config("minisr", "min.insync.replicas", "1"), error_code::none);
    EXPECT_EQ(produce("minisr", batch_at(wall_ms()), -1).base_offset, offset(6));
    // The value itself is still checked, as Kafka's atLeast(1).
    EXPECT_EQ(set_config("minisr", "min.insync.replicas", "0"), error_code::invalid_config);
}

// The broker's default applies to a topic that sets none.
class produce_rules_broker_min_isr : public produce_rules {
protected:
    std::vector<std::string> overrides() const override { return {"min.insync.replicas=2"}; }
};

TEST_F(produce_rules_broker_min_isr, the_broker_default_does_not_refuse_acks_all_either) {
    create_topic("defaults", 1);
    auto r = produce("defaults", batch_at(wall_ms()), -1);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.base_offset, offset(0));
}

TEST_F(produce_rules, a_log_append_time_batch_on_a_create_time_topic_is_stored_as_create_time) {
    create_topic("create-time", 1);
    const int64_t ts = wall_ms();
    auto r = produce("create-time", batch_at(ts, true, ts + 1000), 1);
    ASSERT_EQ(r.error_code, error_code::none) << r.error_message.value_or("");
    EXPECT_EQ(r.log_append_time_ms(), -1);  // CreateTime answers -1

    bytes stored = fetch_all("create-time");
    ASSERT_FALSE(stored.empty());
    ASSERT_TRUE(record::validate_batch(stored)) << "the CRC was redone";
    auto h = record::read_batch_header(stored);
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->log_append_time());
    EXPECT_EQ(h->max_timestamp, ts + 1000);  // the batch's own, unchanged
    // Read as CreateTime from now on: each record its own timestamp.
    auto records = record::batch_records::decode(stored, 1 << 20);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->records().size(), 2u);
    EXPECT_EQ(records->timestamp_of(records->records()[0]), timestamp_ms(ts));
    EXPECT_EQ(records->timestamp_of(records->records()[1]), timestamp_ms(ts + 5));
}

TEST_F(produce_rules, a_log_append_time_batch_without_a_timestamp_is_invalid_timestamp) {
    create_topic("no-ts", 1);
    auto refused = produce("no-ts", batch_at(wall_ms(), true, -1), 1);
    EXPECT_EQ(refused.error_code, error_code::invalid_timestamp);  // 32
    EXPECT_NE(refused.error_message.value_or("").find("Producer should not set timestamp type to LogAppendTime"),
              std::string::npos)
        << refused.error_message.value_or("");
    EXPECT_EQ(produce("no-ts", batch_at(wall_ms()), 1).base_offset, offset(0)) << "nothing was appended";
}

TEST_F(produce_rules, a_log_append_time_batch_on_a_log_append_time_topic_is_invalid_timestamp) {
    create_with("append-time", {{"message.timestamp.type", "LogAppendTime"}});
    const int64_t ts = wall_ms();
    auto refused = produce("append-time", batch_at(ts, true, ts), 1);
    EXPECT_EQ(refused.error_code, error_code::invalid_timestamp);
    EXPECT_NE(refused.error_message.value_or("").find("DefaultRecord(offset=0, timestamp=" + std::to_string(ts) +
                                                      ", key=2 bytes, value=2 bytes)"),
              std::string::npos)
        << refused.error_message.value_or("");
    // A CreateTime batch is stamped as usual.
    auto ok = produce("append-time", batch_at(1000), 1);
    EXPECT_EQ(ok.error_code, error_code::none);
    EXPECT_EQ(ok.base_offset, offset(0));
    EXPECT_GE(ok.log_append_time_ms(), ts);
}

TEST_F(produce_rules, a_log_append_time_batch_is_checked_by_its_max_timestamp) {
    create_with("bounded", {{"message.timestamp.before.max.ms", "3600000"}});
    const int64_t now = wall_ms();
    // Records an hour and more in the past, the batch's max timestamp now:
    // its records read as now, so it passes.
    auto accepted = produce("bounded", batch_at(now - 7'200'000, true, now), 1);
    EXPECT_EQ(accepted.error_code, error_code::none) << accepted.error_message.value_or("");
    // And the other way round: recent records, an old max timestamp.
    auto refused = produce("bounded", batch_at(now, true, 1000), 1);
    EXPECT_EQ(refused.error_code, error_code::invalid_timestamp);
    EXPECT_NE(refused.error_message.value_or("").find("Timestamp 1000 of message"), std::string::npos)
        << refused.error_message.value_or("");
}

}  // namespace
}  // namespace samsa::broker::testing
