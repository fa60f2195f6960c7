// samsa-bench-broker-scale at tiny settings, so that the tool cannot rot:
// every measure runs against the real broker and every row of its tables
// has a figure. The figures themselves are not judged (a loaded CI box).

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace samsa::bench::scale {
namespace {

namespace ts = samsa::test_support;

// The line of `out` that starts with `name`, or "".
std::string row_of(const std::string& out, const std::string& name) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(name, 0) == 0) return line;
    }
    return {};
}

// The whitespace-separated fields after the row's name.
std::vector<std::string> figures_of(const std::string& line, const std::string& name) {
    std::istringstream in(line.substr(name.size()));
    std::vector<std::string> out;
    for (std::string f; in >> f;) out.push_back(f);
    return out;
}

TEST(bench_broker_scale, tiny_run_prints_every_table_with_figures) {
    auto bin = ts::default_broker_binary();
    ASSERT_FALSE(bin.empty()) << "SAMSA_BIN_DIR is not set (run through ctest)";
    auto tool = bin.parent_path() / "samsa-bench-broker-scale";
    ts::command_options o;
    o.timeout = std::chrono::seconds(240);
    auto r = ts::run_command({tool.string(), "--steps", "10,100", "--seconds", "0.3", "--connections", "40",
                              "--members", "4", "--log-gib", "0.01", "--bombs-in-flight", "3", "--bomb-mib", "8",
                              "--auto-create-topics", "50",
                              "--broker-bin", bin.string()},
                             o);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.out.find("all measures ran"), std::string::npos) << r.out;

    // The steps table: the ceiling column, 10 p, 100 p and one growth column.
    for (const std::string name : {"CreateTopics, all topics (ms)", "start after kill -9 (ms)",
                                   "Metadata, all topics p50 (ms)", "produce, all partitions (rec/s)",
                                   "fetch, all partitions (rec/s)"}) {
        auto line = row_of(r.out, name);
        ASSERT_FALSE(line.empty()) << name << " missing in\n" << r.out;
        auto figures = figures_of(line, name);
        ASSERT_GE(figures.size(), 4u) << line;
        for (size_t i = 0; i < 4; ++i) EXPECT_NE(figures[i], "-") << line;
    }
    EXPECT_EQ(figures_of(row_of(r.out, "connections open, each answered ApiVersions"),
                         "connections open, each answered ApiVersions"),
              (std::vector<std::string>{"40", "40"}));
    EXPECT_EQ(figures_of(row_of(r.out, "members with an assignment"), "members with an assignment"),
              (std::vector<std::string>{"4"}));
    auto segments = figures_of(row_of(r.out, "segments"), "segments");
    ASSERT_EQ(segments.size(), 1u) << r.out;
    EXPECT_GE(std::stol(segments[0]), 10) << "0.01 GiB in 1 MiB segments";
    auto middle = row_of(r.out, "Fetch 1 MiB in the middle, p50 (ms)");
    ASSERT_FALSE(middle.empty()) << r.out;
    EXPECT_NE(figures_of(middle, "Fetch 1 MiB in the middle, p50 (ms)").at(0), "-") << middle;
    // Every bomb answered INVALID_RECORD, and the producer beside them timed.
    auto bombs = figures_of(row_of(r.out, "bombs refused INVALID_RECORD / answered"),
                            "bombs refused INVALID_RECORD / answered");
    ASSERT_EQ(bombs.size(), 2u) << r.out;
    EXPECT_EQ(bombs[0], bombs[1]) << r.out;
    EXPECT_GT(std::stol(bombs[1]), 0) << r.out;
    auto bombed = row_of(r.out, "Produce 1 record p99 (ms), bombs arriving / none");
    ASSERT_FALSE(bombed.empty()) << r.out;
    for (const auto& f : figures_of(bombed, "Produce 1 record p99 (ms), bombs arriving / none")) EXPECT_NE(f, "-") << bombed;
    // The auto-created topics are answered before they exist, then all made.
    EXPECT_EQ(figures_of(row_of(r.out, "  topics answered NONE in it / asked"), "  topics answered NONE in it / asked"),
              (std::vector<std::string>{"0", "50"}));
    auto meanwhile = row_of(r.out, "other client's Metadata p99 (ms), meanwhile / idle");
    ASSERT_FALSE(meanwhile.empty()) << r.out;
    for (const auto& f : figures_of(meanwhile, "other client's Metadata p99 (ms), meanwhile / idle"))
        EXPECT_NE(f, "-") << meanwhile;
}

}  // namespace
}  // namespace samsa::bench::scale
