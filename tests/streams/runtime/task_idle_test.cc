// max.task.idle.ms (Kafka's enforced processing, PartitionGroup.readyToProcess
// in 3.8): when a task with several input partitions may process while some
// are empty, and how often it gave up waiting.
#include <gtest/gtest.h>

#include <map>

#include "samsa/streams/internal/runtime/partition_group.h"
#include "samsa/streams/streams_config.h"

namespace samsa::streams {
namespace {

using namespace internal;

const topic_partition left{"left", 0};
const topic_partition right{"right", 0};

consumed_record at(const topic_partition& tp, int64_t offset, int64_t ts) {
    consumed_record r;
    r.tp = tp;
    r.offset = samsa::offset(offset);
    r.timestamp = ts;
    return r;
}

// Lags the test sets; an absent partition has no known lag yet.
struct lags {
    std::map<topic_partition, int64_t> known;
    partition_group::lag_provider provider() {
        return [this](const topic_partition& tp) -> std::optional<int64_t> {
            auto it = known.find(tp);
            if (it == known.end()) return std::nullopt;
            return it->second;
        };
    }
};

TEST(max_task_idle, every_partition_buffered_is_ready_whatever_the_setting) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    g.add(at(right, 0, 7));
    lags l;  // nothing known: does not matter
    EXPECT_TRUE(g.ready_to_process(0, 0, l.provider()));
    EXPECT_TRUE(g.ready_to_process(0, 10'000, l.provider()));
    EXPECT_EQ(g.enforced_processing_total(), 0);
}

TEST(max_task_idle, minus_one_never_waits) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    lags l;
    EXPECT_TRUE(g.ready_to_process(0, -1, l.provider()));
    EXPECT_EQ(g.enforced_processing_total(), 0) << "disabled idling is not enforced processing";
}

TEST(max_task_idle, zero_waits_for_an_unknown_or_positive_lag_only) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    lags l;
    EXPECT_FALSE(g.ready_to_process(0, 0, l.provider())) << "right not fetched yet";
    l.known[right] = 3;
    EXPECT_FALSE(g.ready_to_process(1, 0, l.provider())) << "right has records on the broker";
    l.known[right] = 0;
    EXPECT_TRUE(g.ready_to_process(2, 0, l.provider())) << "right is caught up: enforced at once";
    EXPECT_EQ(g.enforced_processing_total(), 1);
}

TEST(max_task_idle, a_caught_up_empty_partition_is_waited_for_until_the_deadline) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    lags l;
    l.known[right] = 0;
    // The wait starts at the first call that finds right empty and caught up.
    EXPECT_FALSE(g.ready_to_process(1000, 100, l.provider()));
    EXPECT_FALSE(g.ready_to_process(1050, 100, l.provider()));
    EXPECT_FALSE(g.ready_to_process(1099, 100, l.provider()));
    EXPECT_TRUE(g.ready_to_process(1100, 100, l.provider()));
    EXPECT_TRUE(g.ready_to_process(1200, 100, l.provider())) << "the deadline stays passed";
    EXPECT_EQ(g.enforced_processing_total(), 2);
}

TEST(max_task_idle, data_arriving_in_time_ends_the_wait_and_resets_the_deadline) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    lags l;
    l.known[right] = 0;
    EXPECT_FALSE(g.ready_to_process(1000, 100, l.provider()));
    g.add(at(right, 0, 3));
    EXPECT_TRUE(g.ready_to_process(1050, 100, l.provider()));
    // right@3 first (timestamp order), then left is alone again: a new wait.
    EXPECT_EQ(g.next()->tp, right);
    EXPECT_FALSE(g.ready_to_process(1060, 100, l.provider()));
    EXPECT_FALSE(g.ready_to_process(1159, 100, l.provider()));
    EXPECT_TRUE(g.ready_to_process(1160, 100, l.provider()));
    EXPECT_EQ(g.enforced_processing_total(), 1);
}

TEST(max_task_idle, a_positive_lag_restarts_the_wait) {
    partition_group g({left, right}, "0_0");
    g.add(at(left, 0, 5));
    lags l;
    l.known[right] = 0;
    EXPECT_FALSE(g.ready_to_process(1000, 100, l.provider()));
    l.known[right] = 2;  // new records produced, not polled yet
    EXPECT_FALSE(g.ready_to_process(1200, 100, l.provider()));
    l.known[right] = 0;  // polled and processed elsewhere (e.g. dropped): caught up again
    EXPECT_FALSE(g.ready_to_process(1201, 100, l.provider())) << "the deadline counts from now again";
    EXPECT_TRUE(g.ready_to_process(1301, 100, l.provider()));
}

TEST(max_task_idle, nothing_buffered_is_never_ready_while_waiting) {
    partition_group g({left, right}, "0_0");
    lags l;
    l.known[left] = 0;
    l.known[right] = 0;
    EXPECT_FALSE(g.ready_to_process(0, 0, l.provider()));
    EXPECT_EQ(g.enforced_processing_total(), 0);
}

TEST(max_task_idle, partition_time_is_the_largest_timestamp_added_per_partition) {
    partition_group g({left, right}, "0_0");
    EXPECT_EQ(g.partition_time(left), -1);
    g.add(at(left, 0, 9));
    g.add(at(left, 1, 4));
    g.add(at(right, 0, 2));
    EXPECT_EQ(g.partition_time(left), 9);
    EXPECT_EQ(g.partition_time(right), 2);
}

TEST(max_task_idle, config_parses_max_task_idle_ms_and_the_default_extractor) {
    auto c = streams_config::parse({{"application.id", "a"}, {"bootstrap.servers", "b:1"}});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->max_task_idle_ms, 0);
    EXPECT_EQ(c->default_timestamp_extractor, nullptr);
    c = streams_config::parse({{"application.id", "a"},
                               {"bootstrap.servers", "b:1"},
                               {"max.task.idle.ms", "-1"},
                               {"default.timestamp.extractor",
                                "org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp"}});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->max_task_idle_ms, -1);
    ASSERT_NE(c->default_timestamp_extractor, nullptr);
    EXPECT_EQ(c->default_timestamp_extractor->name(), "UsePartitionTimeOnInvalidTimestamp");
    EXPECT_FALSE(streams_config::parse({{"application.id", "a"}, {"bootstrap.servers", "b:1"}, {"max.task.idle.ms", "-2"}}));
    EXPECT_FALSE(streams_config::parse(
        {{"application.id", "a"}, {"bootstrap.servers", "b:1"}, {"default.timestamp.extractor", "Nope"}}));
}

}  // namespace
}  // namespace samsa::streams
