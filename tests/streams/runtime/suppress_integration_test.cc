// suppress(until_window_closes) in kafka_streams against the real
// samsa-broker: final results of a windowed count go out once per window;
// the suppression buffer is change-logged in Kafka's format (header v=3), and
// an application restarted on a fresh state directory restores it from the
// changelog, so windows held back at shutdown are emitted after the restart,
// once, and windows emitted before it are not emitted again. Every wait is
// bounded; the test skips when the broker cannot host consumer groups.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using str = std::string;

class assignment_probe final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

constexpr int64_t t0 = 1'000'000;  // record timestamps: t0 + offset (0 would be stamped by the client)

// clicks -> count per key per 10 ms window -> final results "key@start" -> final-counts.
topology final_counts_topology() {
    streams_builder b;
    b.stream("clicks", consumed<str, str>::with(serdes::string(), serdes::string()))
        .group_by_key()
        .windowed_by(time_windows::of_size_with_no_grace(10))
        .count()
        .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded()).with_name("final"))
        .to_stream()
        .select_key([](const windowed<str>& k, const int64_t&) {
            return k.key() + "@" + std::to_string(k.window().start() - t0);
        })
        .to("final-counts", produced<str, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

class suppress_integration : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.failure(); }

    std::map<str, str> props(const std::filesystem::path& state_dir) const {
        return {{"application.id", "suppress-rt"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", state_dir.string()},
                {"commit.interval.ms", "200"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "5"}};
    }

    // Empty when a consumer joins a group and gets partitions within 15 s.
    str groups_unavailable() {
        if (!ts::create_topic(broker_.bootstrap(), "group-probe", 1)) return "cannot create the probe topic";
        auto supplier = internal::make_rdkafka_client_supplier();
        auto consumer = supplier->consumer({{"bootstrap.servers", broker_.bootstrap()},
                                            {"group.id", "group-probe"},
                                            {"session.timeout.ms", "6000"},
                                            {"partition.assignment.strategy", "range"}});
        if (!consumer) return consumer.error().message;
        assignment_probe probe;
        if (!(*consumer)->subscribe({"group-probe"}, probe)) return "subscribe failed";
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!probe.assigned && std::chrono::steady_clock::now() < deadline) {
            if (!(*consumer)->poll(200ms, 10)) break;
        }
        (*consumer)->close();
        return probe.assigned ? "" : "no partitions assigned within 15 s (no working group coordinator)";
    }

    void produce(const std::vector<std::pair<str, int64_t>>& clicks) {
        std::vector<ts::record> records;
        for (const auto& [key, offset] : clicks) {
            ts::record r;
            r.key = key;
            r.value = "click";
            r.timestamp = t0 + offset;
            records.push_back(r);
        }
        auto done = ts::produce(broker_.bootstrap(), "clicks", records, {{"enable.idempotence", "true"}});
        ASSERT_TRUE(done) << done.error().message;
    }

    // Every record of final-counts as "key=count", in order, once at least
    // `want` have arrived (or 60 s passed).
    std::vector<str> read_final(size_t want) {
        std::vector<str> out;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), "final-counts", 1, 0, 5s);
            if (records) {
                out.clear();
                for (const auto& r : *records) {
                    bytes v(r.value.begin(), r.value.end());
                    out.push_back(r.key + "=" + (v.size() == 8 ? std::to_string(serdes::int64().deserialize("", v)) : "?"));
                }
                if (out.size() >= want) return out;
            }
            std::this_thread::sleep_for(300ms);
        }
        return out;
    }

    ts::broker_process broker_;
};

TEST_F(suppress_integration, restart_restores_the_buffer_and_emits_each_final_result_once) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "clicks", 1));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "final-counts", 1));
    // Window [0,10) closes at stream time 10 (no grace); [10,20) is still
    // open when the first run stops.
    produce({{"a", 1}, {"a", 2}, {"b", 5}, {"c", 12}, {"d", 15}});
    {
        kafka_streams app(final_counts_topology(), props(broker_.data_dir() / "state-1"));
        app.start();
        EXPECT_EQ(read_final(2), (std::vector<str>{"a@0=2", "b@0=1"}));
        EXPECT_TRUE(app.close(30s));
    }
    // The buffer's changelog: Kafka's format version header on every value.
    auto logged = ts::read_all(broker_.bootstrap(), "suppress-rt-final-store-changelog", 1, 1, 10s);
    ASSERT_TRUE(logged) << logged.error().message;
    bool any_value = false;
    for (const auto& r : *logged) {
        if (r.value.empty()) continue;  // a tombstone of an emitted window
        any_value = true;
        ASSERT_EQ(r.headers.size(), 1u);
        EXPECT_EQ(r.headers[0].first, "v");
        EXPECT_EQ(r.headers[0].second, str(1, '\x03'));
    }
    EXPECT_TRUE(any_value);

    // A fresh state directory: everything comes back from the changelogs. A
    // click at 25 closes [10,20): c and d come out now, a and b not again.
    produce({{"e", 25}});
    kafka_streams again(final_counts_topology(), props(broker_.data_dir() / "state-2"));
    again.start();
    auto all = read_final(4);
    EXPECT_EQ(all, (std::vector<str>{"a@0=2", "b@0=1", "c@10=1", "d@10=1"}));
    // Nothing else arrives (bounded look: a re-emission would show up with the
    // records above, as they come from the same commit).
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(read_final(4).size(), 4u);
    EXPECT_TRUE(again.close(30s));
}

}  // namespace
}  // namespace samsa::streams
