#pragma once
// Outputs recorded from Kafka Streams 3.8's own TopologyTestDriver
// (tests/streams/vectors/*.txt, written by the programs in vectors/java/), and
// the check that samsa's driver gives the same outputs for the same inputs.
//
// File format, one record per line, tab-separated, "<null>" for a null key or
// value:
//   case <name>
//   in  [<topic>]  <key> <value> <timestamp>   (the topic column only in files
//                                             whose programs read several topics)
//   out <key> <value> <timestamp>             (an output of the last input)
//   end
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "driver_fixture.h"

namespace samsa::streams::test {

struct recorded_step {
    str topic;
    kvt input;
    std::vector<kvt> outputs;
};

using recorded_cases = std::map<str, std::vector<recorded_step>>;

inline opt parse_recorded_value(const str& s) { return s == "<null>" ? std::nullopt : opt(s); }

inline kvt parse_recorded_record(std::istringstream& fields) {
    str key, value, ts;
    std::getline(fields, key, '\t');
    std::getline(fields, value, '\t');
    std::getline(fields, ts, '\t');
    return {parse_recorded_value(key), parse_recorded_value(value), std::stoll(ts)};
}

// `inputs_name_topic`: the file's "in" lines carry a topic column; without it
// every input goes to topic "in".
inline recorded_cases read_recorded_cases(const str& path, bool inputs_name_topic) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read recorded vectors " + path);
    recorded_cases cases;
    std::vector<recorded_step>* current = nullptr;
    for (str line; std::getline(file, line);) {
        std::istringstream fields(line);
        str tag;
        std::getline(fields, tag, '\t');
        if (tag == "case") {
            str name;
            std::getline(fields, name);
            current = &cases[name];
        } else if (tag == "in" && current) {
            str topic = "in";
            if (inputs_name_topic) std::getline(fields, topic, '\t');
            current->push_back({topic, parse_recorded_record(fields), {}});
        } else if (tag == "out" && current && !current->empty()) {
            current->back().outputs.push_back(parse_recorded_record(fields));
        }
    }
    return cases;
}

inline const std::vector<recorded_step>& recorded_case(const recorded_cases& cases, const str& name) {
    auto it = cases.find(name);
    if (it == cases.end()) throw std::runtime_error("no recorded vector " + name);
    return it->second;
}

// Pipes each recorded input as Java piped it and compares the records on topic
// "out" after every input with what Java emitted then.
inline void expect_recorded_case_outputs(const std::vector<recorded_step>& steps, const str& name, topology t,
                                         std::map<std::string, std::string> properties) {
    ASSERT_FALSE(steps.empty()) << name;
    driver_fixture f(std::move(t), std::move(properties));
    std::map<str, testing::test_input_topic<str, str>> inputs;
    auto out = f.output("out");
    size_t compared = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& step = steps[i];
        auto in = inputs.find(step.topic);
        if (in == inputs.end()) in = inputs.emplace(step.topic, f.input(step.topic)).first;
        in->second.pipe_input(step.input.key, step.input.value, step.input.timestamp);
        ASSERT_EQ(drain(out), step.outputs) << name << " after input " << i << " " << step.topic << " " << step.input;
        compared += step.outputs.size();
    }
    ::testing::Test::RecordProperty("compared_outputs", static_cast<int>(compared));
}

}  // namespace samsa::streams::test
