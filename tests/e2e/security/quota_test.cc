// Client quotas against the real samsa-broker: AlterClientQuotas /
// DescribeClientQuotas (filters, Kafka's errors, the quotas surviving a
// restart, CLUSTER_AUTHORIZATION_FAILED under an authorizer), and
// enforcement: a producer and a consumer over their byte rate get
// throttle_time_ms > 0 and, muted for that time, move no more than the quota
// allows over a bounded run (asserted generously on bytes, not on timing).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "samsa/protocol/messages/alter_client_quotas.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/describe_client_quotas.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"
#include "tests/e2e/security/acl_client.h"
#include "tests/support/broker_process.h"

namespace samsa::e2e::security {
namespace {

using namespace std::chrono_literals;
using protocol::error_code;

protocol::alter_client_quotas_response alter(raw_client& c, std::vector<protocol::quota_entity_data> entity,
                                             std::vector<protocol::quota_op_data> ops, bool validate_only = false) {
    protocol::alter_client_quotas_request r;
    r.entries.push_back({std::move(entity), std::move(ops)});
    r.validate_only = validate_only;
    return call<protocol::alter_client_quotas_response>(c, r, 1);
}

protocol::describe_client_quotas_response describe(raw_client& c, std::vector<protocol::quota_filter_component> f,
                                                   bool strict = false) {
    protocol::describe_client_quotas_request r;
    r.components = std::move(f);
    r.strict = strict;
    return call<protocol::describe_client_quotas_response>(c, r, 1);
}

bytes batch_of(size_t value_bytes) {
    record::record_batch_builder b;
    // Now: an old timestamp would let retention (7 days) delete the records mid-test.
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    b.add("k", std::string(value_bytes, 'x'), timestamp_ms(now.count()));
    return b.build();
}

void create_topic(raw_client& c, const std::string& name) {
    protocol::create_topics_request r;
    protocol::creatable_topic t;
    t.name = name;
    t.num_partitions = 1;
    t.replication_factor = 1;
    r.topics.push_back(t);
    auto resp = call<protocol::create_topics_response>(c, r, 5);
    ASSERT_EQ(resp.topics.at(0).error_code, error_code::none);
}

TEST(client_quotas, alter_and_describe_with_kafkas_filters_and_errors_and_a_restart) {
    test_support::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    {
        raw_client c(broker.port());
        auto r = alter(c, {{"user", "alice"}, {"client-id", std::nullopt}}, {{"producer_byte_rate", 1024, false}});
        ASSERT_EQ(r.entries.at(0).error_code, error_code::none);
        r = alter(c, {{"user", std::nullopt}}, {{"consumer_byte_rate", 2048, false}, {"request_percentage", 25, false}});
        ASSERT_EQ(r.entries.at(0).error_code, error_code::none);
        r = alter(c, {{"client-id", "tool"}}, {{"producer_byte_rate", 10, false}}, true);  // validate only
        ASSERT_EQ(r.entries.at(0).error_code, error_code::none);
        // Kafka's INVALID_REQUEST cases.
        EXPECT_EQ(alter(c, {{"ip", "1.2.3.4"}}, {{"producer_byte_rate", 1, false}}).entries.at(0).error_code,
                  error_code::invalid_request);
        EXPECT_EQ(alter(c, {{"user", "a"}, {"user", "b"}}, {{"producer_byte_rate", 1, false}}).entries.at(0).error_code,
                  error_code::invalid_request);
        EXPECT_EQ(alter(c, {{"user", "a"}}, {{"fly_rate", 1, false}}).entries.at(0).error_code,
                  error_code::invalid_request);
        EXPECT_EQ(alter(c, {{"user", "a"}}, {{"producer_byte_rate", 1.5, false}}).entries.at(0).error_code,
                  error_code::invalid_request);
    }
    ASSERT_TRUE(broker.restart()) << broker.failure();
    raw_client c(broker.port());
    auto all = describe(c, {});
    ASSERT_EQ(all.error_code, error_code::none);
    ASSERT_TRUE(all.entries);
    EXPECT_EQ(all.entries->size(), 2u) << "quotas lost in the restart (or the validate-only one stored)";
    // EXACT user alice: the (alice, default client) entity; strict refuses it.
    auto alice = describe(c, {{"user", 0, "alice"}});
    ASSERT_EQ(alice.entries->size(), 1u);
    EXPECT_EQ(alice.entries->at(0).values.at(0).key, "producer_byte_rate");
    EXPECT_DOUBLE_EQ(alice.entries->at(0).values.at(0).value, 1024);
    EXPECT_TRUE(describe(c, {{"user", 0, "alice"}}, true).entries->empty());
    // DEFAULT user, strict: the default-user entity with its two values.
    auto defaults = describe(c, {{"user", 1, std::nullopt}}, true);
    ASSERT_EQ(defaults.entries->size(), 1u);
    EXPECT_EQ(defaults.entries->at(0).values.size(), 2u);
    // SPECIFIED client-id: none named.
    EXPECT_TRUE(describe(c, {{"client-id", 2, std::nullopt}}).entries->empty());
    EXPECT_EQ(describe(c, {{"user", 0, "a"}, {"user", 0, "b"}}).error_code, error_code::invalid_request);
    // Removing a key.
    ASSERT_EQ(alter(c, {{"user", std::nullopt}}, {{"request_percentage", 0, true}}).entries.at(0).error_code,
              error_code::none);
    EXPECT_EQ(describe(c, {{"user", 1, std::nullopt}}).entries->at(0).values.size(), 1u);
}

TEST(client_quotas, need_cluster_describe_configs_and_alter_configs_under_an_authorizer) {
    test_support::broker_options o;
    o.overrides = {{"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"}};
    test_support::broker_process broker(o);
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client c(broker.port());
    EXPECT_EQ(describe(c, {}).error_code, error_code::cluster_authorization_failed);
    EXPECT_EQ(alter(c, {{"user", std::nullopt}}, {{"producer_byte_rate", 1, false}}).entries.at(0).error_code,
              error_code::cluster_authorization_failed);
}

// Short windows (2 samples of 1 s) so that the quota bites within a bounded
// run; Kafka's defaults (11 x 1 s) would let a 10 s burst through first.
test_support::broker_options quota_broker() {
    test_support::broker_options o;
    o.overrides = {{"quota.window.num", "2"}, {"quota.window.size.seconds", "1"}};
    return o;
}

TEST(client_quotas, a_producer_over_its_byte_rate_is_throttled_and_capped) {
    test_support::broker_process broker(quota_broker());
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client c(broker.port(), 15s);
    create_topic(c, "q");
    constexpr double quota = 100'000;  // bytes per second
    ASSERT_EQ(alter(c, {{"client-id", "raw-client"}}, {{"producer_byte_rate", quota, false}}).entries.at(0).error_code,
              error_code::none);

    bytes batch = batch_of(20'000);
    const auto start = std::chrono::steady_clock::now();
    double accepted = 0;
    int throttled = 0;
    int requests = 0;
    // Bounded: at most 400 requests and about 4 s of sending.
    while (requests < 400 && std::chrono::steady_clock::now() - start < 4s) {
        protocol::produce_request r;
        r.acks = 1;
        r.timeout_ms = 5000;
        r.topic_data.push_back({"q", {{partition_id(0), protocol::raw_records(batch)}}});
        auto resp = call<protocol::produce_response>(c, r, 8);
        ++requests;
        ASSERT_FALSE(resp.responses.empty());
        ASSERT_EQ(resp.responses[0].partition_responses.at(0).error_code, error_code::none);
        accepted += static_cast<double>(batch.size());
        if (resp.throttle_time_ms > 0) ++throttled;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GT(throttled, 0) << "no produce answer carried throttle_time_ms";
    // Unthrottled this loop moves tens of MB/s; muted, it moves about the
    // quota. Generous: the quota over the run plus two windows of burst.
    EXPECT_LE(accepted, quota * (seconds + 2.0) + static_cast<double>(batch.size()))
        << accepted << " bytes in " << seconds << " s";
}

TEST(client_quotas, a_consumer_over_its_byte_rate_gets_empty_throttled_answers_and_is_capped) {
    test_support::broker_process broker(quota_broker());
    ASSERT_TRUE(broker.start()) << broker.failure();
    raw_client c(broker.port(), 15s);
    create_topic(c, "q");
    bytes batch = batch_of(50'000);
    for (int i = 0; i < 40; ++i) {  // 2 MB to read
        protocol::produce_request r;
        r.acks = 1;
        r.timeout_ms = 5000;
        r.topic_data.push_back({"q", {{partition_id(0), protocol::raw_records(batch)}}});
        ASSERT_EQ(call<protocol::produce_response>(c, r, 8).responses.at(0).partition_responses.at(0).error_code,
                  error_code::none);
    }
    constexpr double quota = 100'000;
    ASSERT_EQ(alter(c, {{"client-id", "raw-client"}}, {{"consumer_byte_rate", quota, false}}).entries.at(0).error_code,
              error_code::none);

    const auto start = std::chrono::steady_clock::now();
    double received = 0;
    int throttled_empty = 0;
    const int64_t next = 0;  // the same records again: only the bytes matter here
    int requests = 0;
    while (requests < 400 && std::chrono::steady_clock::now() - start < 4s) {
        protocol::fetch_request r;
        r.max_wait_ms = 0;
        r.min_bytes = 0;
        r.max_bytes = 64 * 1024;
        protocol::fetch_partition p;
        p.partition = partition_id(0);
        p.fetch_offset = offset(next);
        p.partition_max_bytes = 64 * 1024;
        r.topics.push_back({"q", {p}});
        auto resp = call<protocol::fetch_response>(c, r, 11);
        ++requests;
        if (resp.throttle_time_ms > 0) {
            EXPECT_TRUE(resp.responses.empty()) << "a throttled fetch answer carries data";
            ++throttled_empty;
            continue;
        }
        ASSERT_FALSE(resp.responses.empty());
        const auto& part = resp.responses[0].partitions.at(0);
        ASSERT_EQ(part.error_code, error_code::none) << "request " << requests;
        received += static_cast<double>(part.records.view().size());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GT(throttled_empty, 0);
    EXPECT_GT(received, 0);
    EXPECT_LE(received, quota * (seconds + 2.0) + 64 * 1024) << received << " bytes in " << seconds << " s";
}

}  // namespace
}  // namespace samsa::e2e::security
