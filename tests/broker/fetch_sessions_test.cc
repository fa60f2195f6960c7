// Fetch sessions (KIP-227): the cache's rules (handlers/fetch_sessions.h)
// without a network, then a raw client's fetch sequence against the broker:
// full fetch, incremental with no change (empty answer), new data (only that
// partition), forgotten partitions, and the session errors.

#include <gtest/gtest.h>

#include "samsa/broker/handlers/fetch_sessions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/api_fixture.h"

namespace samsa::broker::testing {
namespace {

using protocol::error_code;

protocol::fetch_request fetch_of(const std::string& topic, std::vector<std::pair<int32_t, int64_t>> parts,
                                 int32_t session_id, int32_t epoch) {
    protocol::fetch_request req;
    req.max_wait_ms = 0;
    req.min_bytes = 0;
    req.max_bytes = 1 << 20;
    req.session_id = session_id;
    req.session_epoch = epoch;
    if (!parts.empty()) {
        protocol::fetch_topic t;
        t.topic = topic;
        for (auto [p, off] : parts) {
            t.partitions.push_back({partition_id(p), leader_epoch(-1), offset(off), leader_epoch(-1), offset(-1), 1 << 20});
        }
        req.topics.push_back(t);
    }
    return req;
}

protocol::fetch_response answer_of(const protocol::fetch_request& req, std::vector<int64_t> hws) {
    protocol::fetch_response resp;
    for (const auto& t : req.topics) {
        auto& rt = resp.responses.emplace_back();
        rt.topic = t.topic;
        for (const auto& p : t.partitions) {
            auto& rp = rt.partitions.emplace_back();
            rp.partition_index = p.partition;
            rp.high_watermark = offset(hws.at(static_cast<size_t>(p.partition())));
            rp.records = protocol::raw_records(bytes_view{});
        }
    }
    return resp;
}

// Full fetch at epoch 0 -> a session; the same request must carry epoch 1.
int32_t open_session(fetch_session_cache& cache, int64_t now, int partitions = 2, bool privileged = false) {
    std::vector<std::pair<int32_t, int64_t>> parts;
    for (int p = 0; p < partitions; ++p) parts.push_back({p, 0});
    auto req = fetch_of("t", parts, 0, 0);
    auto plan = plan_fetch_session(cache, req, false, privileged, now);
    EXPECT_TRUE(plan.create_session);
    auto resp = answer_of(req, std::vector<int64_t>(static_cast<size_t>(partitions), 0));
    finish_fetch_session(cache, plan, req, resp, false, privileged, now);
    return resp.session_id;
}

TEST(fetch_session_cache, full_then_incremental_answers_only_changes) {
    fetch_session_cache cache(10, 1);
    int32_t id = open_session(cache, 0);
    ASSERT_NE(id, 0);

    auto inc = fetch_of("t", {}, id, 1);
    auto plan = plan_fetch_session(cache, inc, false, false, 1);
    ASSERT_EQ(plan.error, error_code::none);
    ASSERT_EQ(inc.topics.size(), 1u);  // the session's partitions are read
    EXPECT_EQ(inc.topics[0].partitions.size(), 2u);
    auto resp = answer_of(inc, {0, 0});
    finish_fetch_session(cache, plan, inc, resp, false, false, 1);
    EXPECT_EQ(resp.session_id, id);
    EXPECT_TRUE(resp.responses.empty());  // nothing changed

    auto again = fetch_of("t", {}, id, 2);
    plan = plan_fetch_session(cache, again, false, false, 2);
    ASSERT_EQ(plan.error, error_code::none);
    resp = answer_of(again, {0, 5});  // partition 1 grew
    finish_fetch_session(cache, plan, again, resp, false, false, 2);
    ASSERT_EQ(resp.responses.size(), 1u);
    ASSERT_EQ(resp.responses[0].partitions.size(), 1u);
    EXPECT_EQ(resp.responses[0].partitions[0].partition_index, partition_id(1));
}

TEST(fetch_session_cache, session_errors_and_closing) {
    fetch_session_cache cache(10, 2);
    int32_t id = open_session(cache, 0);
    auto unknown = fetch_of("t", {}, id + 1, 1);
    EXPECT_EQ(plan_fetch_session(cache, unknown, false, false, 0).error, error_code::fetch_session_id_not_found);
    auto stale = fetch_of("t", {}, id, 5);
    EXPECT_EQ(plan_fetch_session(cache, stale, false, false, 0).error, error_code::invalid_fetch_session_epoch);
    auto by_id = fetch_of("t", {}, id, 1);
    EXPECT_EQ(plan_fetch_session(cache, by_id, true, false, 0).error, error_code::fetch_session_topic_id_error);

    auto close = fetch_of("t", {{0, 0}}, id, -1);  // final epoch: closes, no new session
    auto plan = plan_fetch_session(cache, close, false, false, 0);
    EXPECT_FALSE(plan.create_session);
    EXPECT_EQ(cache.find(id), nullptr);
    auto resp = answer_of(close, {0});
    finish_fetch_session(cache, plan, close, resp, false, false, 0);
    EXPECT_EQ(resp.session_id, 0);
}

TEST(fetch_session_cache, incremental_adds_moves_and_forgets_partitions) {
    fetch_session_cache cache(10, 3);
    int32_t id = open_session(cache, 0, 2);
    auto inc = fetch_of("t", {{2, 7}, {0, 3}}, id, 1);
    inc.forgotten_topics_data.push_back({"t", {1}, {}});
    auto plan = plan_fetch_session(cache, inc, false, false, 0);
    ASSERT_EQ(plan.error, error_code::none);
    ASSERT_EQ(inc.topics.size(), 1u);
    ASSERT_EQ(inc.topics[0].partitions.size(), 2u);
    EXPECT_EQ(inc.topics[0].partitions[0].partition, partition_id(0));
    EXPECT_EQ(inc.topics[0].partitions[0].fetch_offset, offset(3));
    EXPECT_EQ(inc.topics[0].partitions[1].partition, partition_id(2));
    EXPECT_EQ(inc.topics[0].partitions[1].fetch_offset, offset(7));
}

TEST(fetch_session_cache, eviction_follows_kafkas_rules) {
    fetch_session_cache cache(2, 4);
    int32_t small = open_session(cache, 0, 1);
    int32_t big = open_session(cache, 0, 5);
    ASSERT_NE(small, 0);
    ASSERT_NE(big, 0);
    // Full, nothing stale, and the newcomer is no larger than the smallest: no session.
    EXPECT_EQ(open_session(cache, 1000, 1), 0);
    EXPECT_EQ(cache.size(), 2u);
    // A larger newcomer evicts the smallest consumer session.
    int32_t larger = open_session(cache, 1000, 3);
    EXPECT_NE(larger, 0);
    EXPECT_EQ(cache.find(small), nullptr);
    EXPECT_NE(cache.find(big), nullptr);
    // After 120 s unused, any newcomer evicts the least recently used.
    int32_t late = open_session(cache, 1000 + fetch_session_cache::eviction_ms + 1, 1);
    EXPECT_NE(late, 0);
    EXPECT_EQ(cache.find(big), nullptr);
    EXPECT_EQ(cache.size(), 2u);
    // No slots at all: never a session.
    fetch_session_cache none(0, 5);
    auto req = fetch_of("t", {{0, 0}}, 0, 0);
    EXPECT_FALSE(plan_fetch_session(none, req, false, false, 0).create_session);
}

// The broker itself, through a raw client.
class fetch_sessions_e2e : public api_fixture {};

TEST_F(fetch_sessions_e2e, full_then_empty_incremental_then_only_the_partition_that_grew) {
    raw_client c(port());
    ASSERT_FALSE(create_topic("sess", 3).is_zero());

    auto full = fetch_of("sess", {{0, 0}, {1, 0}, {2, 0}}, 0, 0);
    auto r = call<protocol::fetch_response>(c, full, 12);
    EXPECT_EQ(r.error_code, error_code::none);
    ASSERT_NE(r.session_id, 0);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].partitions.size(), 3u);
    const int32_t id = r.session_id;

    auto inc = fetch_of("sess", {}, id, 1);
    r = call<protocol::fetch_response>(c, inc, 12);
    EXPECT_EQ(r.error_code, error_code::none);
    EXPECT_EQ(r.session_id, id);
    EXPECT_TRUE(r.responses.empty());

    record::record_batch_builder builder;
    builder.add("k", "v", timestamp_ms(1'700'000'000'000));
    bytes batch = builder.build();
    protocol::produce_request produce;
    produce.acks = 1;
    produce.timeout_ms = 5000;
    produce.topic_data.push_back({"sess", {{partition_id(1), protocol::raw_records(batch)}}});
    ASSERT_EQ(call<protocol::produce_response>(c, produce, 9).responses.at(0).partition_responses.at(0).error_code,
              error_code::none);

    inc.session_epoch = 2;
    r = call<protocol::fetch_response>(c, inc, 12);
    ASSERT_EQ(r.responses.size(), 1u);
    ASSERT_EQ(r.responses[0].partitions.size(), 1u);
    EXPECT_EQ(r.responses[0].partitions[0].partition_index, partition_id(1));
    EXPECT_EQ(r.responses[0].partitions[0].high_watermark, offset(1));
    ASSERT_TRUE(r.responses[0].partitions[0].records.data.has_value());
    EXPECT_FALSE(r.responses[0].partitions[0].records.data->empty());

    // A repeated epoch is refused; an unknown session too.
    r = call<protocol::fetch_response>(c, inc, 12);
    EXPECT_EQ(r.error_code, error_code::invalid_fetch_session_epoch);
    auto unknown = fetch_of("sess", {}, id ^ 0x5a5a, 1);
    r = call<protocol::fetch_response>(c, unknown, 12);
    EXPECT_EQ(r.error_code, error_code::fetch_session_id_not_found);
}

}  // namespace
}  // namespace samsa::broker::testing
