// Timestamp extractors in the topology test driver (the same task engine as
// the runtime): per source and by default.timestamp.extractor, Kafka's four
// built-ins and their handling of negative timestamps, and the
// partition time an extractor is given.

#include <gtest/gtest.h>

#include <stdexcept>

#include "samsa/streams/kstream.h"
#include "samsa/streams/time_windowed_kstream.h"
#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::streams::testing {
namespace {

using in_consumed = consumed<std::string, int64_t>;

topology pass_through(timestamp_extractor_ptr source_extractor = nullptr) {
    streams_builder b;
    auto c = in_consumed::with(serdes::string(), serdes::int64());
    if (source_extractor) c.with_timestamp_extractor(source_extractor);
    b.stream("in", c).to("out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

std::vector<int64_t> timestamps(test_output_topic<std::string, int64_t>& out) {
    std::vector<int64_t> ts;
    for (const auto& r : out.read_records_to_list()) ts.push_back(r.timestamp);
    return ts;
}

struct fixture {
    explicit fixture(topology t, std::map<std::string, std::string> props = {})
        : driver(std::move(t), std::move(props)),
          in(driver.create_input_topic("in", serdes::string(), serdes::int64())),
          out(driver.create_output_topic("out", serdes::string(), serdes::int64())) {}
    topology_test_driver driver;
    test_input_topic<std::string, int64_t> in;
    test_output_topic<std::string, int64_t> out;
};

TEST(timestamp_extractor, the_default_fails_on_a_negative_timestamp) {
    fixture f(pass_through());
    f.in.pipe_input("a", 1, 10);
    EXPECT_THROW(f.in.pipe_input("a", 2, -1), std::runtime_error);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{10}));
}

TEST(timestamp_extractor, fail_on_invalid_timestamp_by_java_class_name) {
    fixture f(pass_through(),
              {{"default.timestamp.extractor", "org.apache.kafka.streams.processor.FailOnInvalidTimestamp"}});
    EXPECT_THROW(f.in.pipe_input("a", 2, -5), std::runtime_error);
}

TEST(timestamp_extractor, log_and_skip_drops_and_counts_negative_timestamps) {
    fixture f(pass_through(),
              {{"default.timestamp.extractor", "org.apache.kafka.streams.processor.LogAndSkipOnInvalidTimestamp"}});
    f.in.pipe_input("a", 1, 10);
    f.in.pipe_input("a", 2, -1);
    f.in.pipe_input("a", 3, 12);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{10, 12}));
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(timestamp_extractor, use_partition_time_replaces_a_negative_timestamp) {
    fixture f(pass_through(), {{"default.timestamp.extractor", "UsePartitionTimeOnInvalidTimestamp"}});
    // No partition time yet: Kafka throws "partition time is unknown".
    EXPECT_THROW(f.in.pipe_input("a", 0, -1), std::runtime_error);
    f.in.pipe_input("a", 1, 20);
    f.in.pipe_input("a", 2, 15);  // out of order: partition time stays 20
    f.in.pipe_input("a", 3, -7);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{20, 15, 20}));
    EXPECT_EQ(f.driver.dropped_records(), 0);
}

TEST(timestamp_extractor, wallclock_extractor_stamps_processing_time) {
    fixture f(pass_through(), {{"default.timestamp.extractor", "WallclockTimestampExtractor"}});
    auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    f.in.pipe_input("a", 1, -3);  // the record's own timestamp does not matter
    auto ts = timestamps(f.out);
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_GE(ts[0], before);
}

TEST(timestamp_extractor, an_unknown_name_is_a_configuration_error) {
    EXPECT_THROW(topology_test_driver(pass_through(), {{"default.timestamp.extractor", "com.example.Mine"}}),
                 std::invalid_argument);
}

TEST(timestamp_extractor, a_source_extractor_reads_the_typed_value_and_sees_partition_time) {
    // The value is the event time; the extractor records the partition time
    // it was given for each record.
    auto seen = std::make_shared<std::vector<int64_t>>();
    auto by_value = make_timestamp_extractor([seen](const extractor_record& r, int64_t partition_time) {
        seen->push_back(partition_time);
        EXPECT_EQ(r.topic, "in");
        EXPECT_EQ(r.key<int64_t>(), nullptr) << "the key is a string, not an int64";
        const std::string* key = r.key<std::string>();
        EXPECT_TRUE(key != nullptr && *key == "k");
        const int64_t* v = r.value<int64_t>();
        return v ? *v : r.timestamp;
    });
    fixture f(pass_through(by_value));
    f.in.pipe_input("k", 100, 1);
    f.in.pipe_input("k", 50, 2);
    f.in.pipe_input("k", 300, 3);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{100, 50, 300}));
    EXPECT_EQ(*seen, (std::vector<int64_t>{-1, 100, 100}));
}

TEST(timestamp_extractor, the_source_extractor_wins_over_the_default) {
    auto plus_one = make_timestamp_extractor([](const extractor_record& r, int64_t) { return r.timestamp + 1; });
    fixture f(pass_through(plus_one), {{"default.timestamp.extractor", "WallclockTimestampExtractor"}});
    f.in.pipe_input("a", 1, 41);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{42}));
}

TEST(timestamp_extractor, a_negative_result_of_a_custom_extractor_drops_the_record) {
    auto negative_for_odd = make_timestamp_extractor([](const extractor_record& r, int64_t) -> int64_t {
        const int64_t* v = r.value<int64_t>();
        return (v && *v % 2 != 0) ? -1 : r.timestamp;
    });
    fixture f(pass_through(negative_for_odd));
    for (int64_t v = 0; v < 6; ++v) f.in.pipe_input("a", v, 10 + v);
    EXPECT_EQ(timestamps(f.out), (std::vector<int64_t>{10, 12, 14}));
    EXPECT_EQ(f.driver.dropped_records(), 3);
}

TEST(timestamp_extractor, extracted_time_drives_windows_and_stream_time) {
    // A windowed count over the extracted (value) time: the record timestamps
    // are all 0, yet the records land in the windows their values say, and
    // the late one (past window end + grace by extracted stream time) is dropped.
    auto by_value = make_timestamp_extractor([](const extractor_record& r, int64_t) {
        const int64_t* v = r.value<int64_t>();
        return v ? *v : r.timestamp;
    });
    streams_builder b;
    b.stream("in", in_consumed::with(serdes::string(), serdes::int64()).with_timestamp_extractor(by_value))
        .group_by_key()
        .windowed_by(time_windows::of_size_and_grace(10, 0))
        .count()
        .to_stream()
        .map([](const std::optional<windowed<std::string>>& k, const std::optional<int64_t>& v) {
            return key_value<std::string, int64_t>{k->key() + "@" + std::to_string(k->window().start()), *v};
        })
        .to("out", produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    fixture f(b.build());
    f.in.pipe_input("a", 1, 0);
    f.in.pipe_input("a", 5, 0);
    f.in.pipe_input("a", 25, 0);
    f.in.pipe_input("a", 3, 0);  // window [0,10) closed at stream time 25: dropped
    auto records = f.out.read_records_to_list();
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].key, "a@0");
    EXPECT_EQ(records[0].value, 1);
    EXPECT_EQ(records[0].timestamp, 1);
    EXPECT_EQ(records[1].key, "a@0");
    EXPECT_EQ(records[1].value, 2);
    EXPECT_EQ(records[2].key, "a@20");
    EXPECT_EQ(records[2].timestamp, 25);
    EXPECT_EQ(f.driver.dropped_records(), 1);
}

TEST(timestamp_extractor, a_value_that_cannot_be_deserialized_meets_the_handler_not_the_extractor) {
    auto by_value = make_timestamp_extractor([](const extractor_record& r, int64_t) {
        const int64_t* v = r.value<int64_t>();
        return v ? *v : r.timestamp;
    });
    topology_test_driver driver(pass_through(by_value), {{"default.deserialization.exception.handler", "logAndContinue"}});
    auto in = driver.create_input_topic("in", serdes::string(), serdes::int64());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::int64());
    internal::raw_record bad;
    bad.key = to_bytes(std::string("k"));
    bad.value = bytes{1, 2, 3};
    bad.timestamp = 5;
    driver.pipe_raw("in", std::move(bad));
    in.pipe_input("k", 77, 0);
    auto ts = timestamps(out);
    EXPECT_EQ(ts, (std::vector<int64_t>{77}));
    EXPECT_EQ(driver.dropped_records(), 1);
}

}  // namespace
}  // namespace samsa::streams::testing
