// samsa-bench-broker at tiny settings, so that the tool cannot rot: the raw
// load produces and reads back every record (the tool exits 1 when a consume
// gets fewer records than were produced, or any error), and each row has the
// ceilings' shares, the CPU columns and, for the raw Fetch load, the
// per-answer notes. The figures themselves are not judged (a loaded CI box).

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/broker_process.h"
#include "tests/support/run_command.h"

namespace samsa::bench {
namespace {

namespace ts = samsa::test_support;

std::vector<std::string> lines_starting(const std::string& out, const std::string& prefix) {
    std::istringstream in(out);
    std::vector<std::string> found;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) found.push_back(line);
    }
    return found;
}

TEST(bench_broker, tiny_raw_run_reads_back_every_record_and_prints_every_column) {
    auto bin = ts::default_broker_binary();
    ASSERT_FALSE(bin.empty()) << "SAMSA_BIN_DIR is not set (run through ctest)";
    auto tool = bin.parent_path() / "samsa-bench-broker";
    ts::command_options o;
    o.timeout = std::chrono::seconds(120);
    auto r = ts::run_command({tool.string(), "--load", "raw", "--sizes", "1024", "--partitions", "1,3", "--acks", "1",
                              "--seconds", "0.3", "--recovery-gib", "0", "--start-runs", "1", "--disk-mib", "4",
                              "--ceiling-seconds", "0.2", "--broker-bin", bin.string()},
                             o);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.out.find("loopback TCP, sendfile of a page-cached file"), std::string::npos) << r.out;
    auto consumes = lines_starting(r.out, "consume");
    ASSERT_EQ(consumes.size(), 2u) << r.out;
    for (const auto& line : consumes) {
        // records/s, MB/s, /loopback, /sendfile, /disk, broker and tool CPU,
        // then the per-answer notes.
        EXPECT_NE(line.find("TCP segments"), std::string::npos) << line;
        EXPECT_EQ(line.find(" - "), std::string::npos) << "a CPU figure is missing: " << line;
        EXPECT_EQ(line.find("errors"), std::string::npos) << line;
    }
    EXPECT_EQ(lines_starting(r.out, "produce").size(), 2u) << r.out;
}

}  // namespace
}  // namespace samsa::bench
