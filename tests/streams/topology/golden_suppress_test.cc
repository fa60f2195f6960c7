// describe() of suppress against Kafka Streams 3.8's text for the same
// program (tests/streams/golden/08-tumbling-count-suppress.txt; program in
// Goldens2.java), byte for byte. Java's toStream(mapper) is to_stream() then
// select_key(), which is what Kafka builds for it.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/streams_builder.h"
#include "samsa/streams/time_windowed_kstream.h"

namespace samsa::streams {
namespace {

using str = std::string;

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing golden " << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(golden_suppress, tumbling_count_suppress) {
    constexpr int64_t m5 = 300'000, s30 = 30'000;
    streams_builder b;
    b.stream("page-views", consumed<str, str>::with(serdes::string(), serdes::string()))
        .group_by_key()
        .windowed_by(time_windows::of_size_and_grace(m5, s30))
        .count()
        .suppress(suppressed<windowed<str>>::until_window_closes(buffer_config::unbounded()))
        .to_stream()
        .select_key([](const windowed<str>& wk, const int64_t&) { return wk.key() + "@" + std::to_string(wk.window().start()); })
        .map_values([](const int64_t& v) { return std::to_string(v); })
        .to("views-per-5min", produced<str, str>::with(serdes::string(), serdes::string()));
    EXPECT_EQ(b.build().describe().to_string(), golden("08-tumbling-count-suppress"));
}

}  // namespace
}  // namespace samsa::streams
