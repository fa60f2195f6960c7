// describe() of windowed aggregations against Kafka Streams 3.8's text for
// the same programs (tests/streams/golden/09, 10, 11, 15; programs in
// Goldens2.java), byte for byte. Java's toStream(mapper) is to_stream()
// then select_key(), which is what Kafka builds for it.
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
const auto c = consumed<str, str>::with(serdes::string(), serdes::string());
constexpr int64_t m1 = 60'000, m5 = 300'000, s30 = 30'000;

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing golden " << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

str first_field(const str& v) { return v.substr(0, v.find(',')); }

TEST(golden_windows, hopping_aggregate_named) {
    streams_builder b;
    b.stream("trades", c)
        .select_key([](const str&, const str& v) { return first_field(v); })
        .group_by_key(grouped<str, str>::as("by-symbol"))
        .windowed_by(time_windows::of_size_and_grace(m5, m1).advance_by(m1))
        .aggregate([] { return str(); }, [](const str&, const str& v, const str& agg) { return agg + v; },
                   materialized<str, str>::as("trade-windows"))
        .to_stream()
        .map([](const windowed<str>& wk, const str& v) { return key_value<str, str>{wk.key(), v}; })
        .to("trade-aggregates");
    EXPECT_EQ(b.build().describe().to_string(), golden("09-hopping-aggregate-named"));
}

TEST(golden_windows, session_reduce) {
    streams_builder b;
    b.stream("clicks", c)
        .group_by_key()
        .windowed_by(session_windows::of_inactivity_gap_and_grace(m5, s30))
        .reduce([](const str& x, const str& y) { return x + "|" + y; })
        .to_stream()
        .select_key([](const windowed<str>& wk, const str&) { return wk.key(); })
        .to("sessions");
    EXPECT_EQ(b.build().describe().to_string(), golden("10-session-reduce"));
}

TEST(golden_windows, sliding_count) {
    streams_builder b;
    b.stream("sensor", c)
        .group_by_key()
        .windowed_by(sliding_windows::of_time_difference_and_grace(m1, s30))
        .count()
        .to_stream()
        .select_key([](const windowed<str>& wk, const int64_t&) { return wk.key(); })
        .map_values([](const int64_t& v) { return std::to_string(v); })
        .to("sensor-counts");
    EXPECT_EQ(b.build().describe().to_string(), golden("11-sliding-count"));
}

TEST(golden_windows, emit_on_window_close) {
    streams_builder b;
    b.stream("logins", c)
        .group_by_key()
        .windowed_by(time_windows::of_size_with_no_grace(m1))
        .emit_strategy(emit_strategy::on_window_close())
        .count()
        .to_stream()
        .select_key([](const windowed<str>& wk, const int64_t&) { return wk.key(); })
        .map_values([](const int64_t& v) { return std::to_string(v); })
        .to("logins-per-minute");
    EXPECT_EQ(b.build().describe().to_string(), golden("15-emit-on-window-close"));
}

}  // namespace
}  // namespace samsa::streams
