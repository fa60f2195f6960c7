// Interactive queries in the runtime against the real samsa-broker: the
// word-count store queried while the application runs (record cache
// included: commits are rare, so the counts live only in the cache), per
// partition, and the errors of kafka_streams::store() before start, after
// close, for unknown names and wrong types. Every wait is bounded.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/bytes/murmur2.h"
#include "samsa/streams/kafka_streams.h"
#include "tests/streams/runtime/word_count.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using counts_view = read_only_key_value_store<std::string, int64_t>;

store_query_parameters<counts_view> counts_params() {
    return store_query_parameters<counts_view>::from_name_and_type(
        "counts-store", queryable_store_types::key_value_store<std::string, int64_t>(serdes::string(), serdes::int64()));
}

// Polls until f() is true or the limit passes; query errors while tasks
// move (restoring, rebalancing) count as not yet.
bool eventually(const std::function<bool()>& f, std::chrono::seconds limit = 60s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (f()) return true;
        } catch (const streams_exception&) {  // invalid_state_store_exception, a metadata call that failed
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

class iq_integration : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(broker_.start()) << broker_.failure();
        state_dir_ = broker_.data_dir() / "streams-state";
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "lines", 2));
        ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "counts", 2));
    }

    std::map<std::string, std::string> props(const std::string& app) const {
        return {{"application.id", app},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", state_dir_.string()},
                // The counts stay in the record cache: only reads that go
                // through the cache see them.
                {"commit.interval.ms", "600000"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    void produce_lines(const std::vector<std::string>& lines) {
        std::vector<ts::record> records;
        for (const auto& line : lines) {
            ts::record r;
            r.key = "line-" + std::to_string(lines_produced_++);
            r.value = line;
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), "lines", records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    ts::broker_process broker_;
    std::filesystem::path state_dir_;
    int lines_produced_ = 0;
};

TEST_F(iq_integration, queries_a_running_application_across_its_partitions) {
    kafka_streams app(testing_fakes::word_count_topology(), props("iq-wc"));
    EXPECT_THROW(app.store(counts_params()), streams_not_started_exception);
    app.start();
    produce_lines({"the quick brown fox", "the lazy dog", "The End"});

    std::optional<counts_view> counts;
    ASSERT_TRUE(eventually([&] {
        counts = app.store(counts_params());
        return counts->get("the") == 3 && counts->get("end") == 1 && counts->get("dog") == 1;
    })) << "the counts never became queryable";
    EXPECT_EQ(counts->get("absent"), std::nullopt);
    auto all = to_vector(*counts->all());
    EXPECT_EQ(all.size(), 7u);  // the quick brown fox lazy dog end
    // approximate_num_entries() counts what is below the record cache, as
    // Kafka's caching store does: nothing is committed yet.
    EXPECT_EQ(counts->approximate_num_entries(), 0);

    // The words split over the two partitions; together they are all.
    size_t per_partition = 0;
    for (int32_t p = 0; p < 2; ++p) {
        auto part = app.store(counts_params().with_partition(p));
        per_partition += to_vector(*part.all()).size();
    }
    EXPECT_EQ(per_partition, 7u);
    EXPECT_THROW(app.store(counts_params().with_partition(5)).get("the"), invalid_state_store_partition_exception);

    // Later updates show through the same view.
    produce_lines({"the end"});
    EXPECT_TRUE(eventually([&] { return counts->get("the") == 4 && counts->get("end") == 2; }));

    EXPECT_THROW(app.store(store_query_parameters<counts_view>::from_name_and_type(
                     "no-such-store", queryable_store_types::key_value_store<std::string, int64_t>())),
                 unknown_state_store_exception);
    using window_view = read_only_window_store<std::string, int64_t>;
    EXPECT_THROW(app.store(store_query_parameters<window_view>::from_name_and_type(
                     "counts-store", queryable_store_types::window_store<std::string, int64_t>())),
                 invalid_state_store_exception);

    EXPECT_TRUE(app.close(30s));
    EXPECT_THROW(app.store(counts_params()), state_store_not_available_exception);
    EXPECT_THROW(counts->get("the"), state_store_not_available_exception);
}

// Two instances of one application: the metadata says which one holds a
// key, and that one's store answers for it (the other's does not have it).
TEST_F(iq_integration, two_instances_metadata_routes_each_key_to_its_owner) {
    auto props_a = props("iq-two");
    props_a["application.server"] = "host-a:7001";
    auto props_b = props("iq-two");
    props_b["application.server"] = "host-b:7002";
    props_b["state.dir"] = (state_dir_ / "b").string();
    kafka_streams a(testing_fakes::word_count_topology(store_type::in_memory), props_a);
    kafka_streams b(testing_fakes::word_count_topology(store_type::in_memory), props_b);
    EXPECT_THROW(a.metadata_for_all_clients(), streams_not_started_exception);
    a.start();
    b.start();
    const std::vector<std::string> words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    std::string line;
    for (const auto& w : words) line += w + " ";
    produce_lines({line});

    // Both instances hold one partition of the store each, as the group says.
    ASSERT_TRUE(eventually([&] {
        if (a.state() != streams_state::running || b.state() != streams_state::running) return false;
        auto all = a.metadata_for_all_clients();
        if (all.size() != 2) return false;
        for (const auto& md : all) {
            if (md.state_store_names.count("counts-store") == 0) return false;
        }
        return b.streams_metadata_for_store("counts-store").size() == 2;
    })) << "the two instances never both held tasks of the store";
    auto all = b.metadata_for_all_clients();
    EXPECT_EQ(all[0].host, (host_info{"host-a", 7001}));
    EXPECT_EQ(all[1].host, (host_info{"host-b", 7002}));

    std::map<host_info, kafka_streams*> by_host = {{host_info{"host-a", 7001}, &a}, {host_info{"host-b", 7002}, &b}};
    std::set<host_info> owners;
    for (const auto& w : words) {
        std::optional<int64_t> answer;
        ASSERT_TRUE(eventually([&] {
            // Asked of either instance, the metadata names the same owner.
            auto where = a.query_metadata_for_key("counts-store", w, serdes::string());
            if (where != b.query_metadata_for_key("counts-store", w, serdes::string())) return false;
            auto owner = by_host.find(where.active_host);
            if (owner == by_host.end()) return false;
            kafka_streams* other = owner->second == &a ? &b : &a;
            answer = owner->second->store(counts_params()).get(w);
            if (answer != 1) return false;
            owners.insert(where.active_host);
            EXPECT_EQ(where.partition, murmur2_partition(serdes::string().serialize("", w), 2)) << w;
            return !other->store(counts_params()).get(w).has_value();
        })) << w;
    }
    EXPECT_EQ(owners.size(), 2u) << "every key landed on one instance";
    // A custom partitioner picks the partition.
    auto fixed = a.query_metadata_for_key<std::string>("counts-store", "any",
                                                       [](const std::string&, int32_t) { return 1; });
    EXPECT_EQ(fixed.partition, 1);
    EXPECT_EQ(a.query_metadata_for_key("no-such-store", std::string("x"), serdes::string()),
              key_query_metadata::not_available());
    EXPECT_TRUE(b.close(30s));
    EXPECT_TRUE(a.close(30s));
}

}  // namespace
}  // namespace samsa::streams
