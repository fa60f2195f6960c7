// The stream thread's consumer against the real samsa-broker: a backlog on
// one topic must not stop the fetches of another. librdkafka 2.0 counts
// queued.min.messages over the one consumer queue every partition forwards
// to; at its default (100000) a backlog that large stopped every fetch and
// nothing looked again for up to a second (order-mail's first mail came
// ~1 s late when ORDER held 100k orders: its repartition topic was not
// fetched). rdkafka_group_consumer sets the count out of reach.
//
// And a partition without a committed offset must be in the consumer's
// first fetch, not wait behind a fetch parked for fetch.wait.max.ms
// (rdkafka_group_consumer::set_start_offsets).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "samsa/streams/internal/kafka/rdkafka_group_consumer.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::streams::internal::kafka {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

class assigned_flag final : public rebalance_listener {
public:
    void on_partitions_revoked(const std::vector<topic_partition>&) override {}
    void on_partitions_assigned(const std::vector<topic_partition>& tps) override { assigned += tps.size(); }
    void on_partitions_lost(const std::vector<topic_partition>&) override {}
    size_t assigned = 0;
};

TEST(group_consumer_prefetch, a_backlog_past_librdkafkas_queue_count_does_not_stop_other_topics_fetches) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string bs = broker.bootstrap();
    ASSERT_TRUE(ts::create_topic(bs, "backlog", 1));
    ASSERT_TRUE(ts::create_topic(bs, "late", 1));
    // More than librdkafka's default queued.min.messages (100000), small.
    constexpr int backlog = 120000;
    std::vector<ts::record> records;
    records.reserve(backlog);
    for (int i = 0; i < backlog; ++i) records.push_back({std::to_string(i % 100), "v", {}});
    ASSERT_TRUE(ts::produce(bs, "backlog", std::move(records), {{"linger.ms", "20"}}, 60s));

    auto made = rdkafka_group_consumer::create({{"bootstrap.servers", bs},
                                                {"group.id", "prefetch"},
                                                {"enable.auto.commit", "false"},
                                                {"auto.offset.reset", "earliest"},
                                                {"fetch.wait.max.ms", "100"}});
    ASSERT_TRUE(made) << made.error().message;
    auto& consumer = **made;
    assigned_flag listener;
    ASSERT_TRUE(consumer.subscribe({"backlog", "late"}, listener));
    auto deadline = clock_type::now() + 30s;
    while (listener.assigned < 2 && clock_type::now() < deadline) {
        auto r = consumer.poll(100ms, 1);
        ASSERT_TRUE(r) << r.error().message;
    }
    ASSERT_EQ(listener.assigned, 2u);
    // Let librdkafka prefetch the whole backlog (about a dozen fetches).
    std::this_thread::sleep_for(1500ms);

    ASSERT_TRUE(ts::produce(bs, "late", {{"k", "late", {}}}, {{"linger.ms", "0"}}));
    const auto produced = clock_type::now();
    bool seen = false;
    deadline = produced + 10s;
    while (!seen && clock_type::now() < deadline) {
        auto r = consumer.poll(10ms, 1000);
        ASSERT_TRUE(r) << r.error().message;
        for (const auto& rec : *r) seen = seen || rec.tp.topic == "late";
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - produced);
    ASSERT_TRUE(seen);
    // Here 16-25 ms (the fetch, then draining the backlog queued ahead of
    // it); with librdkafka's default count ~520 ms: the fetcher had stopped
    // when the backlog filled the queue and looked again only at its next
    // 1 s wake-up, ~0.5 s after the record came.
    EXPECT_LT(waited.count(), 300) << "the record on the idle topic waited " << waited.count() << " ms";
    consumer.close();
}

result<std::unique_ptr<group_consumer>> consumer_in(const std::string& bs, const std::string& group,
                                                    const std::string& fetch_wait_ms) {
    return rdkafka_group_consumer::create({{"bootstrap.servers", bs},
                                           {"group.id", group},
                                           {"enable.auto.commit", "false"},
                                           {"auto.offset.reset", "earliest"},
                                           {"fetch.wait.max.ms", fetch_wait_ms}});
}

// Polls until `listener` has `count` partitions (at most 30 s); the records
// are dropped.
void wait_assigned(group_consumer& consumer, const assigned_flag& listener, size_t count) {
    const auto deadline = clock_type::now() + 30s;
    while (listener.assigned < count && clock_type::now() < deadline) {
        auto r = consumer.poll(100ms, 1);
        ASSERT_TRUE(r) << r.error().message;
    }
    ASSERT_EQ(listener.assigned, count);
}

// Polls until a record of `topic` comes (at most `limit`): how long it took
// from the poll that saw `listener` reach `assigned` partitions (that poll
// may return the record too).
std::chrono::milliseconds wait_for_record(group_consumer& consumer, const std::string& topic,
                                          std::chrono::seconds limit, const assigned_flag& listener,
                                          size_t assigned) {
    const auto deadline = clock_type::now() + limit;
    std::optional<clock_type::time_point> start;
    bool seen = false;
    while (!seen && clock_type::now() < deadline) {
        auto r = consumer.poll(10ms, 1000);
        EXPECT_TRUE(r) << r.error().message;
        if (!r) break;
        if (!start && listener.assigned >= assigned) start = clock_type::now();
        for (const auto& rec : *r) seen = seen || rec.tp.topic == topic;
    }
    EXPECT_TRUE(seen && start) << "no record of " << topic;
    if (!start) return std::chrono::duration_cast<std::chrono::milliseconds>(limit);
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - *start);
}

// poll_into (the stream thread's poll): each call hands out only its own
// records, in the caller's vector, whose buffer stays from call to call (a
// vector per poll grew by doubling and touched fresh pages every time); a
// record's topic is its own whichever topic the previous record had.
TEST(group_consumer_prefetch, poll_into_reuses_the_callers_vector_and_names_each_records_topic) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string bs = broker.bootstrap();
    ASSERT_TRUE(ts::create_topic(bs, "left", 1));
    ASSERT_TRUE(ts::create_topic(bs, "right", 1));
    constexpr int per_topic = 300;
    for (const std::string topic : {"left", "right"}) {
        std::vector<ts::record> records;
        for (int i = 0; i < per_topic; ++i) records.push_back({std::to_string(i), topic, {}});
        ASSERT_TRUE(ts::produce(bs, topic, std::move(records), {{"linger.ms", "5"}}, 30s));
    }
    auto made = consumer_in(bs, "poll-into", "100");
    ASSERT_TRUE(made) << made.error().message;
    auto& consumer = **made;
    assigned_flag listener;
    ASSERT_TRUE(consumer.subscribe({"left", "right"}, listener));
    wait_assigned(consumer, listener, 2);

    std::vector<consumed_record> out;
    out.reserve(1000);
    const consumed_record* buffer = out.data();
    // wait_assigned may have taken a record or two of the 600.
    std::map<std::string, size_t, std::less<>> seen;
    const auto deadline = clock_type::now() + 20s;
    while (seen["left"] + seen["right"] < 2 * per_topic - 2 && clock_type::now() < deadline) {
        ASSERT_TRUE(consumer.poll_into(10ms, 1000, out));
        EXPECT_EQ(out.data(), buffer) << "poll_into made a new vector";
        for (const auto& r : out) {
            ASSERT_TRUE(r.value.has_value());
            EXPECT_EQ(r.tp.topic, as_chars(*r.value));
            ++seen[std::string(r.tp.topic)];
        }
    }
    EXPECT_GE(seen["left"], per_topic - 2u);
    EXPECT_GE(seen["right"], per_topic - 2u);
    consumer.close();
}

// Without set_start_offsets: "quiet" (a committed offset, nothing to read)
// started first and its fetch parked for fetch.wait.max.ms (3 s); "data"
// (no commit) sent its ListOffsets behind it, then waited for the fetch in
// flight: 6 s. With it both are in one fetch, except when librdkafka's
// broker thread sends a fetch between starting the two partitions (it
// starts assigned partitions one at a time; a race of microseconds that
// costs one fetch.wait.max.ms): so the best of three starts, each a new
// group, is what is checked.
TEST(group_consumer_prefetch, a_partition_without_a_committed_offset_is_in_the_first_fetch) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string bs = broker.bootstrap();
    ASSERT_TRUE(ts::create_topic(bs, "quiet", 1));
    ASSERT_TRUE(ts::create_topic(bs, "data", 1));
    ASSERT_TRUE(ts::produce(bs, "data", {{"k", "v", {}}}, {{"linger.ms", "0"}}));
    std::chrono::milliseconds best{std::chrono::hours(1)};
    for (int start = 0; start < 3 && best > 1500ms; ++start) {
        const std::string group = "positions-" + std::to_string(start);
        {
            auto first = consumer_in(bs, group, "3000");
            ASSERT_TRUE(first) << first.error().message;
            assigned_flag listener;
            ASSERT_TRUE((*first)->subscribe({"quiet"}, listener));
            ASSERT_NO_FATAL_FAILURE(wait_assigned(**first, listener, 1));
            ASSERT_TRUE((*first)->commit({{topic_partition{"quiet", 0}, offset_and_metadata{offset(0), ""}}}));
            (*first)->close();
        }
        auto made = consumer_in(bs, group, "3000");
        ASSERT_TRUE(made) << made.error().message;
        assigned_flag listener;
        ASSERT_TRUE((*made)->subscribe({"quiet", "data"}, listener));
        best = std::min(best, wait_for_record(**made, "data", 20s, listener, 2));
        (*made)->close();
    }
    EXPECT_LT(best.count(), 1500) << "the first record of the partition without a commit came after "
                                  << best.count() << " ms at best";
}

// The runtime pauses a new task's partitions until it is restored. With
// every partition paused librdkafka's broker thread has nothing to fetch and
// sleeps up to its fixed 1 s; a resume alone did not wake it (librdkafka
// 2.0 applies it on its main thread), so the resumed partition was fetched
// only at the next wake-up: order-mail's first mail ~0.9 s after RUNNING in
// about one bench start in four. rdkafka_group_consumer::resume wakes it.
TEST(group_consumer_prefetch, a_resumed_partition_is_fetched_without_waiting_for_librdkafkas_idle_wakeup) {
    ts::broker_process broker;
    ASSERT_TRUE(broker.start()) << broker.failure();
    const std::string bs = broker.bootstrap();
    ASSERT_TRUE(ts::create_topic(bs, "paused", 1));
    auto made = consumer_in(bs, "resume", "100");
    ASSERT_TRUE(made) << made.error().message;
    auto& consumer = **made;
    assigned_flag listener;
    ASSERT_TRUE(consumer.subscribe({"paused"}, listener));
    ASSERT_NO_FATAL_FAILURE(wait_assigned(consumer, listener, 1));
    const std::vector<topic_partition> partition{{"paused", 0}};
    consumer.pause(partition);
    const auto paused = clock_type::now();
    ASSERT_TRUE(ts::produce(bs, "paused", {{"k", "v", {}}}, {{"linger.ms", "0"}}));
    // The fetch in flight at the pause ends within fetch.wait.max.ms; then
    // the broker thread sleeps (1 s without the wake-up).
    while (clock_type::now() < paused + 250ms) {
        auto r = consumer.poll(10ms, 1000);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_TRUE(r->empty()) << "a paused partition returned records";
    }
    consumer.resume(partition);
    const auto resumed = clock_type::now();
    bool seen = false;
    while (!seen && clock_type::now() < resumed + 10s) {
        auto r = consumer.poll(10ms, 1000);
        ASSERT_TRUE(r) << r.error().message;
        seen = !r->empty();
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - resumed);
    ASSERT_TRUE(seen);
    // Here a fetch's round trip; without the wake-up 600-750 ms (the rest of
    // the broker thread's 1 s sleep).
    EXPECT_LT(waited.count(), 400) << "the resumed partition's record came " << waited.count() << " ms after resume";
    consumer.close();
}

}  // namespace
}  // namespace samsa::streams::internal::kafka
