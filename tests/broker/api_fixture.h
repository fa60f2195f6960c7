#pragma once
// api_fixture: a broker_fixture with the calls the API tests share: one
// request and its answer on a fresh raw connection, and topic creation.
//
// Thread: the test's thread.

#include <string>

#include <gtest/gtest.h>

#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/records.h"
#include "tests/broker/broker_fixture.h"
#include "tests/support/raw_client.h"

namespace samsa::broker::testing {

using test_support::raw_client;

class api_fixture : public broker_fixture {
protected:
    template<class Response, class Request>
    Response call(const Request& req, int16_t version) {
        raw_client c(port());
        return call<Response>(c, req, version);
    }

    template<class Response, class Request>
    Response call(raw_client& c, const Request& req, int16_t version) {
        EXPECT_TRUE(c.send_request(req, version, ++cid_));
        auto r = c.read_response<Response>(version, cid_);
        EXPECT_TRUE(r) << "no answer at v" << version;
        return r ? std::move(*r) : Response{};
    }

    // Creates a topic with one replica; its id (zero on failure).
    protocol::uuid create_topic(const std::string& name, int32_t partitions) {
        protocol::create_topics_request req;
        req.topics.push_back({name, partitions, 1, {}, {}});
        auto r = call<protocol::create_topics_response>(req, 7);
        EXPECT_EQ(r.topics.size(), 1u);
        if (r.topics.empty()) return {};
        EXPECT_EQ(r.topics[0].error_code, protocol::error_code::none) << name;
        return r.topics[0].topic_id;
    }

    // n records to partition 0 of `topic` in one batch.
    protocol::produce_response produce(const std::string& topic, int n, int16_t version) {
        protocol::record_batch_builder builder;
        for (int i = 0; i < n; ++i) builder.add("k", "v" + std::to_string(i), timestamp_ms(1'700'000'000'000 + i));
        bytes batch = builder.build();
        protocol::produce_request req;
        req.acks = 1;
        req.timeout_ms = 5000;
        req.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(batch)}}});
        return call<protocol::produce_response>(req, version);  // encoded before `batch` goes
    }

private:
    int32_t cid_ = 0;
};

}  // namespace samsa::broker::testing
