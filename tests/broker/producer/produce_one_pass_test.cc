// One-pass produce (issue 16): the Produce path reads each batch's header
// once, in the handler's validation, and hands that reading
// (protocol::validated_batch) to the transaction and sequence checks, the
// topic's recompression, partition_log::append and the producer-state update.
// protocol::batch_header_parses() counts every header read in the process;
// against an in-process broker (tests/broker/broker_fixture.h) that serves
// nothing else meanwhile, producing N batches must move it by exactly N —
// plain, idempotent (a resend included) and transactional batches, in every
// codec, several batches in one record set, to a compacted topic and to a
// topic whose compression.type rewrites them.
#include <gtest/gtest.h>

#include "samsa/protocol/messages/add_partitions_to_txn.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/record_batch.h"
#include "samsa/protocol/records.h"
#include "tests/broker/broker_fixture.h"
#include "tests/support/raw_client.h"

namespace samsa::broker::testing {
namespace {

using test_support::raw_client;
using protocol::compression_codec;
using protocol::error_code;

struct batch_spec {
    compression_codec codec = compression_codec::none;
    protocol::batch_producer producer;
    int records = 3;
};

bytes batch_of(const batch_spec& spec) {
    protocol::record_batch_builder b(spec.codec);
    b.producer(spec.producer);
    for (int i = 0; i < spec.records; ++i)
        b.add("k" + std::to_string(i), std::string(100, 'v'), timestamp_ms(1'700'000'000'000 + i));
    return b.build();
}

// Several batches one after the other: one partition's record set.
bytes record_set(std::initializer_list<bytes> batches) {
    bytes out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
}

class produce_one_pass_test : public broker_fixture {
protected:
    template<class Response, class Request>
    Response call(const Request& req, int16_t version) {
        raw_client c(port());
        EXPECT_TRUE(c.send_request(req, version, ++correlation_));
        auto r = c.read_response<Response>(version, correlation_);
        EXPECT_TRUE(r) << "no answer at v" << version;
        return r ? std::move(*r) : Response{};
    }

    void create_topic(const std::string& name, std::vector<protocol::creatable_topic_config> configs = {}) {
        protocol::create_topics_request req;
        req.topics.push_back({name, 1, 1, {}, std::move(configs)});
        auto r = call<protocol::create_topics_response>(req, 7);
        ASSERT_EQ(r.topics.size(), 1u);
        ASSERT_EQ(r.topics[0].error_code, error_code::none) << name;
    }

    protocol::init_producer_id_response init_producer(std::optional<std::string> transactional_id = std::nullopt) {
        protocol::init_producer_id_request req;
        req.transactional_id = std::move(transactional_id);
        req.transaction_timeout_ms = 60000;
        auto r = call<protocol::init_producer_id_response>(req, 4);
        EXPECT_EQ(r.error_code, error_code::none);
        return r;
    }

    void add_partition_to_txn(const std::string& txn_id, const protocol::init_producer_id_response& p,
                              const std::string& topic) {
        protocol::add_partitions_to_txn_request req;
        req.transactional_id = txn_id;
        req.producer_id = p.producer_id;
        req.producer_epoch = p.producer_epoch;
        req.topics.push_back({topic, {0}});
        auto r = call<protocol::add_partitions_to_txn_response>(req, 3);
        ASSERT_EQ(r.results_by_topic.size(), 1u);
        ASSERT_EQ(r.results_by_topic[0].results_by_partition.size(), 1u);
        ASSERT_EQ(r.results_by_topic[0].results_by_partition[0].partition_error_code, error_code::none);
    }

    // Produces one partition's record set (acks=all) and answers its result.
    protocol::partition_produce_response produce(const std::string& topic, const bytes& records,
                                                 std::optional<std::string> transactional_id = std::nullopt) {
        protocol::produce_request req;
        req.transactional_id = std::move(transactional_id);
        req.acks = -1;
        req.timeout_ms = 5000;
        req.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(records)}}});
        auto r = call<protocol::produce_response>(req, 9);
        if (r.responses.empty() || r.responses[0].partition_responses.empty()) {
            ADD_FAILURE() << "no partition answer for " << topic;
            return {};
        }
        return r.responses[0].partition_responses[0];
    }

    int32_t correlation_ = 0;
};

TEST_F(produce_one_pass_test, each_produced_batch_header_is_read_exactly_once) {
    create_topic("plain");
    create_topic("idem");
    create_topic("txn");
    create_topic("compacted", {{"cleanup.policy", "compact"}});
    create_topic("recompressed", {{"compression.type", "zstd"}});
    auto idem = init_producer();
    auto txn = init_producer("one-pass");
    add_partition_to_txn("one-pass", txn, "txn");
    const protocol::batch_producer idempotent{idem.producer_id, idem.producer_epoch, 0};
    auto idempotent_from = [&](int32_t seq) {
        auto p = idempotent;
        p.base_sequence = seq;
        return p;
    };
    auto transactional_from = [&](int32_t seq) {
        return protocol::batch_producer{txn.producer_id, txn.producer_epoch, seq, true};
    };

    // Warm-up: a first batch to each partition loads its producer state
    // (which reads the log) before counting starts.
    ASSERT_EQ(produce("plain", batch_of({})).error_code, error_code::none);
    ASSERT_EQ(produce("idem", batch_of({.producer = idempotent_from(0)})).error_code, error_code::none);
    ASSERT_EQ(produce("txn", batch_of({.producer = transactional_from(0)}), "one-pass").error_code, error_code::none);
    ASSERT_EQ(produce("compacted", batch_of({})).error_code, error_code::none);
    ASSERT_EQ(produce("recompressed", batch_of({})).error_code, error_code::none);

    const uint64_t before = protocol::batch_header_parses();
    int batches = 0;
    auto expect_appended = [&](const protocol::partition_produce_response& r, int n, int64_t base) {
        EXPECT_EQ(r.error_code, error_code::none) << r.error_message.value_or("");
        EXPECT_EQ(r.base_offset, offset(base));
        batches += n;
    };
    // Plain: three codecs in one record set, then one more on its own.
    expect_appended(produce("plain", record_set({batch_of({}), batch_of({.codec = compression_codec::gzip}),
                                                 batch_of({.codec = compression_codec::zstd})})),
                    3, 3);
    expect_appended(produce("plain", batch_of({.codec = compression_codec::lz4})), 1, 12);
    // Idempotent: two batches in one record set (each checked against the
    // state the one before leaves), then a resend answered with its offsets.
    const bytes idem_pair = record_set({batch_of({.producer = idempotent_from(3)}),
                                        batch_of({.codec = compression_codec::snappy, .producer = idempotent_from(6)})});
    expect_appended(produce("idem", idem_pair), 2, 3);
    const bytes idem_next = batch_of({.codec = compression_codec::zstd, .producer = idempotent_from(9)});
    expect_appended(produce("idem", idem_next), 1, 9);
    expect_appended(produce("idem", idem_next), 1, 9);  // the resend
    // Transactional, compressed and not.
    expect_appended(produce("txn", batch_of({.codec = compression_codec::zstd, .producer = transactional_from(3)}),
                            "one-pass"),
                    1, 3);
    expect_appended(produce("txn", batch_of({.producer = transactional_from(6)}), "one-pass"), 1, 6);
    // A compacted topic (its records' keys are checked) and a topic that
    // stores zstd (the uncompressed batch is rewritten before the append).
    expect_appended(produce("compacted", batch_of({.codec = compression_codec::gzip})), 1, 3);
    expect_appended(produce("recompressed", batch_of({})), 1, 3);

    EXPECT_EQ(batches, 12);
    EXPECT_EQ(protocol::batch_header_parses() - before, static_cast<uint64_t>(batches));
}

// The counter itself: read_batch_header counts every call, failed ones too,
// so a path that re-reads a header cannot hide.
TEST(produce_one_pass_counter, counts_every_header_read) {
    const bytes batch = batch_of({});
    const uint64_t before = protocol::batch_header_parses();
    EXPECT_TRUE(protocol::read_batch_header(batch));
    EXPECT_FALSE(protocol::read_batch_header(bytes_view(batch).first(10)));
    EXPECT_TRUE(protocol::validate_batch(batch));  // reads the header itself
    EXPECT_EQ(protocol::batch_header_parses() - before, 3u);
}

}  // namespace
}  // namespace samsa::broker::testing
