// InitProducerId and Produce over the wire, against an in-process broker
// (tests/broker/broker_fixture.h): the error codes and offsets a client sees
// for resends, gaps, fencing and unknown producers, and the state kept
// across a clean restart and across restarts of the id counter; what
// DescribeProducers reports of it.
#include <gtest/gtest.h>

#include "samsa/protocol/messages/describe_producers.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"
#include "tests/broker/broker_fixture.h"
#include "tests/support/auto_create.h"
#include "tests/support/raw_client.h"

namespace samsa::broker::testing {
namespace {

using test_support::raw_client;
using protocol::error_code;

bytes batch_of(int64_t pid, int16_t epoch, int32_t first_seq, int records) {
    record::record_batch_builder b;
    b.producer({producer_id(pid), producer_epoch(epoch), first_seq});
    for (int i = 0; i < records; ++i) b.add("k", "v" + std::to_string(first_seq + i), timestamp_ms(1'700'000'000'000));
    return b.build();
}

class produce_path_test : public broker_fixture {
protected:
    // The topic every test writes to, auto-created as a client would.
    void SetUp() override {
        broker_fixture::SetUp();
        raw_client c(port());
        auto made = test_support::metadata_until_created(c, {"idem"});
        ASSERT_TRUE(made) << made.error().message;
    }

    protocol::init_producer_id_response init_producer_id(int16_t version,
                                                         std::optional<std::string> transactional_id = std::nullopt) {
        raw_client c(port());
        protocol::init_producer_id_request req;
        req.transactional_id = std::move(transactional_id);
        req.transaction_timeout_ms = 60000;
        EXPECT_TRUE(c.send_request(req, version, ++correlation_));
        auto resp = c.read_response<protocol::init_producer_id_response>(version, correlation_);
        EXPECT_TRUE(resp);
        return resp ? std::move(*resp) : protocol::init_producer_id_response{};
    }

    protocol::partition_produce_response produce(const bytes& batch, int16_t acks = -1) {
        raw_client c(port());
        protocol::produce_request req;
        req.acks = acks;
        req.timeout_ms = 5000;
        protocol::topic_produce_data t;
        t.name = "idem";
        t.partition_data.push_back({partition_id(0), protocol::raw_records(batch)});
        req.topic_data.push_back(std::move(t));
        EXPECT_TRUE(c.send_request(req, 9, ++correlation_));
        auto resp = c.read_response<protocol::produce_response>(9, correlation_);
        EXPECT_TRUE(resp);
        if (!resp || resp->responses.empty() || resp->responses[0].partition_responses.empty()) return {};
        return resp->responses[0].partition_responses[0];
    }

    int32_t correlation_ = 0;
};

TEST_F(produce_path_test, init_producer_id_hands_out_new_ids_with_epoch_zero) {
    for (int16_t v = 0; v <= 4; ++v) {
        auto first = init_producer_id(v);
        auto second = init_producer_id(v);
        EXPECT_EQ(first.error_code, error_code::none) << "v" << v;
        EXPECT_EQ(first.producer_epoch, producer_epoch(0));
        EXPECT_GE(first.producer_id(), 0);
        EXPECT_GT(second.producer_id(), first.producer_id());
    }
    // A transactional id goes to the transaction coordinator (tests/broker/txn).
    auto txn = init_producer_id(4, "txn");
    EXPECT_EQ(txn.error_code, error_code::none);
    EXPECT_EQ(txn.producer_epoch, producer_epoch(0));
    EXPECT_EQ(init_producer_id(4, "txn").producer_epoch, producer_epoch(1));
}

TEST_F(produce_path_test, describe_producers_shows_each_partitions_producer_state) {
    auto id = init_producer_id(4).producer_id();
    ASSERT_EQ(produce(batch_of(id, 0, 0, 3)).error_code, error_code::none);
    raw_client c(port());
    protocol::describe_producers_request req;
    req.topics.push_back({"idem", {0, 7}});
    req.topics.push_back({"no-such-topic", {0}});
    ASSERT_TRUE(c.send_request(req, 0, ++correlation_));
    auto resp = c.read_response<protocol::describe_producers_response>(0, correlation_);
    ASSERT_TRUE(resp);
    ASSERT_EQ(resp->topics.size(), 2u);
    const auto& p0 = resp->topics[0].partitions.at(0);
    EXPECT_EQ(p0.error_code, error_code::none);
    ASSERT_EQ(p0.active_producers.size(), 1u);
    EXPECT_EQ(p0.active_producers[0].producer_id, producer_id(id));
    EXPECT_EQ(p0.active_producers[0].last_sequence, 2);
    EXPECT_EQ(p0.active_producers[0].current_txn_start_offset, -1);
    EXPECT_EQ(resp->topics[0].partitions.at(1).error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(resp->topics[1].partitions.at(0).error_code, error_code::unknown_topic_or_partition);
}

TEST_F(produce_path_test, ids_never_repeat_after_a_restart) {
    auto before = init_producer_id(4);
    stop();
    start();
    auto after = init_producer_id(4);
    EXPECT_GT(after.producer_id(), before.producer_id());
}

TEST_F(produce_path_test, resends_gaps_fencing_and_unknown_producers) {
    auto id = init_producer_id(4).producer_id();
    auto first = produce(batch_of(id, 0, 0, 3));
    ASSERT_EQ(first.error_code, error_code::none);
    EXPECT_EQ(first.base_offset, offset(0));
    ASSERT_EQ(produce(batch_of(id, 0, 3, 2)).base_offset, offset(3));

    // A resend: success with the ORIGINAL offset, nothing written.
    auto resent = produce(batch_of(id, 0, 0, 3));
    EXPECT_EQ(resent.error_code, error_code::none);
    EXPECT_EQ(resent.base_offset, offset(0));
    EXPECT_EQ(produce(batch_of(-1, -1, -1, 1), 1).base_offset, offset(5));  // the log end did not move

    EXPECT_EQ(produce(batch_of(id, 0, 9, 1)).error_code, error_code::out_of_order_sequence_number);
    EXPECT_EQ(produce(batch_of(id + 1000, 0, 7, 1)).error_code, error_code::unknown_producer_id);
    ASSERT_EQ(produce(batch_of(id, 1, 0, 1)).error_code, error_code::none);  // a new epoch starts at 0
    EXPECT_EQ(produce(batch_of(id, 0, 5, 1)).error_code, error_code::invalid_producer_epoch);
}

TEST_F(produce_path_test, producer_state_survives_a_clean_restart) {
    auto id = init_producer_id(4).producer_id();
    ASSERT_EQ(produce(batch_of(id, 0, 0, 3)).error_code, error_code::none);
    ASSERT_EQ(produce(batch_of(id, 0, 3, 3)).error_code, error_code::none);
    stop();
    start();
    auto resent = produce(batch_of(id, 0, 3, 3));
    EXPECT_EQ(resent.error_code, error_code::none);
    EXPECT_EQ(resent.base_offset, offset(3));
    EXPECT_EQ(produce(batch_of(id, 0, 7, 1)).error_code, error_code::out_of_order_sequence_number);
    EXPECT_EQ(produce(batch_of(id, 0, 6, 1)).base_offset, offset(6));
}

TEST_F(produce_path_test, transactional_and_control_batches_are_refused) {
    record::record_batch_builder txn;
    txn.producer({producer_id(1), producer_epoch(0), 0, true});
    txn.add("k", "v", timestamp_ms(1'700'000'000'000));
    EXPECT_EQ(produce(txn.build()).error_code, error_code::transactional_id_authorization_failed);

    bytes control = batch_of(-1, -1, -1, 1);
    control[22] |= 0x20;  // attributes bit 5, then a CRC that matches again
    uint32_t crc = record::compute_batch_crc(control);
    for (int i = 0; i < 4; ++i) control[17 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    EXPECT_EQ(produce(control).error_code, error_code::invalid_record);
    EXPECT_EQ(produce(batch_of(-1, -1, -1, 1), 1).base_offset, offset(0));  // nothing was written
}

class durable_produce_path_test : public produce_path_test {
protected:
    std::vector<std::string> overrides() const override { return {"samsa.durable.acks=true"}; }
};

TEST_F(durable_produce_path_test, acks_all_is_answered_after_the_sync) {
    auto id = init_producer_id(4).producer_id();
    for (int i = 0; i < 5; ++i) {
        auto r = produce(batch_of(id, 0, i * 2, 2));
        ASSERT_EQ(r.error_code, error_code::none);
        EXPECT_EQ(r.base_offset, offset(i * 2));
    }
    EXPECT_EQ(produce(batch_of(id, 0, 0, 2)).base_offset, offset(0));  // a resend waits for a sync too
    EXPECT_EQ(produce(batch_of(-1, -1, -1, 1), 1).base_offset, offset(10));
}

}  // namespace
}  // namespace samsa::broker::testing
