#pragma once
// Shared helpers for the DSL tests: string/int serdes, a driver built from a
// program, and compact expectations of (key, value, timestamp) triples as
// Kafka's tests write them (KeyValueTimestamp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/streams/streams_builder.h"
#include "samsa/streams/testing/topology_test_driver.h"

namespace samsa::streams::test {

using str = std::string;
using opt = std::optional<std::string>;

inline consumed<str, str> strings() { return consumed<str, str>::with(serdes::string(), serdes::string()); }

struct kvt {
    opt key;
    opt value;
    int64_t timestamp;
    bool operator==(const kvt&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const kvt& r) {
    return os << "(" << r.key.value_or("null") << ", " << r.value.value_or("null") << ", " << r.timestamp << ")";
}

// Drains an output topic of strings into triples.
inline std::vector<kvt> drain(testing::test_output_topic<str, str>& out) {
    std::vector<kvt> v;
    for (auto& r : out.read_records_to_list()) v.push_back({r.key, r.value, r.timestamp});
    return v;
}

// Kafka's MockValueJoiner.TOSTRING_JOINER: value1 + "+" + value2, null as "null".
inline str tostring_join(const opt& a, const opt& b) { return a.value_or("null") + "+" + b.value_or("null"); }

// Kafka's runtime emit throttles (one look for closed windows per second of
// wall-clock time), which Kafka's TopologyTestDriver turns off unless
// configured: for the tests of the throttles themselves.
inline std::map<std::string, std::string> throttled_emits(const std::string& app = "test-app") {
    return {{"application.id", app},
            {"__emit.interval.ms.kstreams.windowed.aggregation__", "1000"},
            {"__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", "1000"}};
}

struct driver_fixture {
    explicit driver_fixture(topology t, const std::string& app = "test-app")
        : driver(std::move(t), {{"application.id", app}}) {}
    driver_fixture(topology t, std::map<std::string, std::string> properties)
        : driver(std::move(t), std::move(properties)) {}
    testing::test_input_topic<str, str> input(const std::string& topic) {
        return driver.create_input_topic(topic, serdes::string(), serdes::string());
    }
    testing::test_output_topic<str, str> output(const std::string& topic) {
        return driver.create_output_topic(topic, serdes::string(), serdes::string());
    }
    testing::topology_test_driver driver;
};

}  // namespace samsa::streams::test
