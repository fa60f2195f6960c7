// Stream-time and wall-clock punctuators in the runtime, through
// kafka_streams and the real samsa-broker (the driver's tests cover the same
// rules with a mock clock, tests/streams/ops/processor_api_test.cc):
//  - stream time: aligned to 0, fires when the task's stream time reaches the
//    next multiple of the interval, once per advance however far time jumps,
//    with the stream time as its timestamp; records that do not reach it
//    fire nothing;
//  - wall clock: fires with no input at all, at least one interval apart.
// Each input record is produced only after the previous one's output was
// read, so each is processed in its own round (punctuation runs after a
// round, as Kafka's). Every wait is bounded; no assertion is about elapsed
// time. Skipped, with the reason, when the broker cannot host groups.
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/kafka_streams.h"
#include "samsa/streams/streams_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using str = std::string;

constexpr int wall_ticks_wanted = 3;

// Forwards "seen" for each record, "stream" on stream-time punctuation
// (every second) and "wall" on the first three wall-clock punctuations
// (every 100 ms); values are the timestamps.
class ticking final : public processor<str, str, str, str> {
public:
    void init(processor_context<str, str>& ctx) override {
        ctx_ = &ctx;
        ctx.schedule(1000ms, punctuation_type::stream_time, [this](int64_t t) { emit("stream", t); });
        ctx.schedule(100ms, punctuation_type::wall_clock_time, [this](int64_t t) {
            if (wall_ticks_++ < wall_ticks_wanted) emit("wall", t);
        });
    }
    void process(const record<str, str>& r) override { emit("seen", r.timestamp); }

private:
    void emit(const str& what, int64_t t) { ctx_->forward(record<str, str>{what, std::to_string(t), t, {}}); }
    processor_context<str, str>* ctx_ = nullptr;
    int wall_ticks_ = 0;
};

topology ticking_topology() {
    streams_builder b;
    b.stream("tick-in", consumed<str, str>::with(serdes::string(), serdes::string()))
        .process<str, str>([] { return std::make_unique<ticking>(); })
        .to("tick-out", produced<str, str>::with(serdes::string(), serdes::string()));
    return b.build();
}

class assignment_probe final : public internal::rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<internal::topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<internal::topic_partition>& p) override { assigned = !p.empty(); }
    void on_partitions_lost(const std::vector<internal::topic_partition>&) override {}
    bool assigned = false;
};

class punctuator_runtime : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.failure(); }

    std::map<std::string, std::string> props() const {
        return {{"application.id", "ticks"},
                {"bootstrap.servers", broker_.bootstrap()},
                {"state.dir", (broker_.data_dir() / "state").string()},
                {"commit.interval.ms", "100"},
                {"replication.factor", "1"},
                {"request.timeout.ms", "10000"},
                {"consumer.session.timeout.ms", "6000"},
                {"consumer.heartbeat.interval.ms", "500"},
                {"producer.linger.ms", "0"}};
    }

    std::string groups_unavailable() {
        auto created = ts::create_topic(broker_.bootstrap(), "group-probe", 1);
        if (!created) return "cannot create the probe topic: " + created.error().message;
        auto supplier = internal::make_rdkafka_client_supplier();
        auto consumer = supplier->consumer({{"bootstrap.servers", broker_.bootstrap()},
                                            {"group.id", "group-probe"},
                                            {"session.timeout.ms", "6000"},
                                            {"partition.assignment.strategy", "range"}});
        if (!consumer) return consumer.error().message;
        assignment_probe listener;
        if (!(*consumer)->subscribe({"group-probe"}, listener)) return "subscribe failed";
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!listener.assigned && std::chrono::steady_clock::now() < deadline) {
            if (!(*consumer)->poll(200ms, 10)) break;
        }
        (*consumer)->close();
        return listener.assigned ? "" : "no partitions assigned within 15 s: no working group coordinator";
    }

    void produce_at(int64_t t) {
        ts::record r;
        r.key = "k";
        r.value = "v";
        r.timestamp = t;
        auto done = ts::produce(broker_.bootstrap(), "tick-in", {r}, {});
        ASSERT_TRUE(done) << done.error().message;
    }

    // The output records (key, timestamp) once `done` holds for them, or
    // what there is after 60 s.
    template<class Done>
    std::vector<ts::record> read_until(Done done) {
        std::vector<ts::record> out;
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto records = ts::read_all(broker_.bootstrap(), "tick-out", 1, 0, 2s);
            if (records) {
                out = *records;
                if (done(out)) break;
            }
            std::this_thread::sleep_for(100ms);
        }
        return out;
    }

    static std::vector<std::pair<std::string, int64_t>> without(const std::vector<ts::record>& rs,
                                                                const std::string& key) {
        std::vector<std::pair<std::string, int64_t>> out;
        for (const auto& r : rs) {
            if (r.key != key) out.emplace_back(r.key, std::stoll(r.value));
        }
        return out;
    }

    static size_t count(const std::vector<ts::record>& rs, const std::string& key) {
        size_t n = 0;
        for (const auto& r : rs) n += r.key == key;
        return n;
    }

    ts::broker_process broker_;
};

TEST_F(punctuator_runtime, stream_time_and_wall_clock_punctuators_fire_as_kafkas) {
    if (auto why = groups_unavailable(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "tick-in", 1));
    ASSERT_TRUE(ts::create_topic(broker_.bootstrap(), "tick-out", 1));
    const int64_t started = ts::now_ms();
    // Recent event times (retention keeps them), on a whole second.
    const int64_t base = (started / 1000 - 100) * 1000;

    kafka_streams app(ticking_topology(), props());
    app.start();

    // Wall-clock punctuation needs no input.
    auto out = read_until([](const auto& rs) { return count(rs, "wall") >= wall_ticks_wanted; });
    ASSERT_EQ(count(out, "wall"), size_t(wall_ticks_wanted));
    std::vector<int64_t> wall;
    for (const auto& r : out) {
        if (r.key == "wall") wall.push_back(std::stoll(r.value));
    }
    EXPECT_GE(wall[0], started) << "wall-clock time, not stream time";
    for (size_t i = 1; i < wall.size(); ++i) EXPECT_GE(wall[i] - wall[i - 1], 100) << "one interval apart";

    // Stream time: one record per round.
    const int64_t times[] = {base + 500, base + 1500, base + 1600, base + 3700, base + 3800};
    size_t seen = 0;
    for (int64_t t : times) {
        produce_at(t);
        ++seen;
        out = read_until([&](const auto& rs) { return count(rs, "seen") >= seen; });
        ASSERT_EQ(count(out, "seen"), seen) << "record at " << t << " not processed";
    }
    std::vector<std::pair<std::string, int64_t>> want{
        {"seen", base + 500},  {"stream", base + 500},  // 500 >= 0: the first aligned time
        {"seen", base + 1500}, {"stream", base + 1500}, // reaches 1000
        {"seen", base + 1600},                          // next at 2000
        {"seen", base + 3700}, {"stream", base + 3700}, // jumps past 2000 and 3000: fires once
        {"seen", base + 3800},                          // next at 4000
    };
    EXPECT_EQ(without(out, "wall"), want);
    for (const auto& r : out) {
        if (r.key != "wall") {
            EXPECT_EQ(r.timestamp, std::stoll(r.value)) << "the record carries the time";
        }
    }
    EXPECT_TRUE(app.close(30s));
}

}  // namespace
}  // namespace samsa::streams
