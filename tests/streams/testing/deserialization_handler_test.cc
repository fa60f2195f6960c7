// The topology test driver honours default.deserialization.exception.handler
// as the runtime does: logAndFail (the default) throws to the caller,
// logAndContinue skips the record, counts it and goes on.

#include <gtest/gtest.h>

#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::streams::testing {
namespace {

topology doubling() {
    streams_builder b;
    b.stream("in", consumed<std::string, int32_t>::with(serdes::string(), serdes::int32()))
        .map_values([](int32_t v) { return v * 2; })
        .to("out", produced<std::string, int32_t>::with(serdes::string(), serdes::int32()));
    return b.build();
}

internal::raw_record raw(const std::string& key, bytes value) {
    internal::raw_record r;
    r.key = to_bytes(key);
    r.value = std::move(value);
    r.timestamp = 1;
    return r;
}

TEST(deserialization_handler, log_and_fail_is_the_default_and_throws) {
    topology_test_driver driver(doubling());
    EXPECT_THROW(driver.pipe_raw("in", raw("k", bytes{1, 2, 3})), serde_error);
}

TEST(deserialization_handler, log_and_continue_skips_and_counts_the_record) {
    topology_test_driver driver(doubling(), {{"default.deserialization.exception.handler", "logAndContinue"}});
    auto in = driver.create_input_topic("in", serdes::string(), serdes::int32());
    auto out = driver.create_output_topic("out", serdes::string(), serdes::int32());
    driver.pipe_raw("in", raw("bad", bytes{1, 2, 3}));  // three bytes are not an int32
    in.pipe_input("good", 21);
    EXPECT_EQ(driver.dropped_records(), 1);
    auto records = out.read_key_values_to_list();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].key, "good");
    EXPECT_EQ(records[0].value, 42);
}

TEST(deserialization_handler, a_serde_error_further_down_is_a_processing_error_not_the_handlers) {
    // Only the source's deserialization goes to the handler, as in Kafka: a
    // processor (or a store's serde) failing later stops the task even under
    // logAndContinue, and the driver hands the processor's exception back.
    streams_builder b;
    b.stream("in", consumed<std::string, int32_t>::with(serdes::string(), serdes::int32()))
        .map_values([](int32_t v) -> int32_t {
            if (v < 0) throw serde_error("negative");
            return v;
        })
        .to("out", produced<std::string, int32_t>::with(serdes::string(), serdes::int32()));
    topology_test_driver driver(b.build(), {{"default.deserialization.exception.handler", "logAndContinue"}});
    auto in = driver.create_input_topic("in", serdes::string(), serdes::int32());
    EXPECT_THROW(in.pipe_input("k", -1), serde_error);
    EXPECT_EQ(driver.dropped_records(), 0);
}

TEST(deserialization_handler, java_class_names_are_accepted_and_nonsense_rejected) {
    EXPECT_NO_THROW(topology_test_driver(
        doubling(), {{"default.deserialization.exception.handler",
                      "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler"}}));
    EXPECT_THROW(topology_test_driver(doubling(), {{"default.deserialization.exception.handler", "ignore"}}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace samsa::streams::testing
