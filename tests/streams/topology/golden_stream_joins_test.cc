// describe() of stream-stream joins against Kafka Streams 3.8's text for the
// same program (tests/streams/golden/12-stream-stream-joins.txt; program in
// Goldens2.java), byte for byte, and the names Kafka gives the other shapes
// (left join stores, re-keyed sides' repartition topics).
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "samsa/streams/streams_builder.h"

namespace samsa::streams {
namespace {

using str = std::string;
const auto c = consumed<str, str>::with(serdes::string(), serdes::string());
constexpr int64_t m5 = 300'000, s30 = 30'000, h1 = 3'600'000;

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing golden " << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(golden_stream_joins, inner_then_named_outer) {
    streams_builder b;
    auto orders = b.stream("orders", c);
    auto payments = b.stream("payments", c);
    auto shipped = b.stream("shipments", c);
    auto paid = orders.join(
        payments, [](const str& o, const str& p) { return o + "+" + p; },
        join_windows::of_time_difference_and_grace(m5, s30),
        stream_joined<str, str, str>::with(serdes::string(), serdes::string(), serdes::string()));
    paid.outer_join(shipped,
                    [](const std::optional<str>& p, const std::optional<str>& s) {
                        return p.value_or("null") + "+" + s.value_or("null");
                    },
                    join_windows::of_time_difference_without_grace(h1),
                    stream_joined<str, str, str>::with(serdes::string(), serdes::string(), serdes::string())
                        .with_name("paid-shipped")
                        .with_store_name("paid-shipped-store"))
        .to("order-status");
    EXPECT_EQ(b.build().describe().to_string(), golden("12-stream-stream-joins"));
}

// Names worked out from KStreamImpl.doJoin / KStreamImplJoin.join: a left
// join's shared store is KSTREAM-OUTERSHARED-<JOINTHIS index>-store, and a
// re-keyed side goes through <node name>-repartition.
TEST(golden_stream_joins, left_join_with_rekeyed_side) {
    streams_builder b;
    auto left = b.stream("l", c).select_key([](const str&, const str& v) { return v; });
    auto right = b.stream("r", c);
    left.left_join(right, [](const str& a, const std::optional<str>& r) { return a + r.value_or("null"); },
                   join_windows::of_time_difference_without_grace(10))
        .to("out");
    const std::string d = b.build().describe().to_string();
    // Store lists follow Java's HashSet order, as describe() prints them.
    for (const char* line : {
             "Sink: KSTREAM-SINK-0000000003 (topic: KSTREAM-KEY-SELECT-0000000001-repartition)",
             "Source: KSTREAM-SOURCE-0000000005 (topics: [KSTREAM-KEY-SELECT-0000000001-repartition])",
             "Processor: KSTREAM-WINDOWED-0000000006 (stores: [KSTREAM-JOINTHIS-0000000008-store])",
             "Processor: KSTREAM-WINDOWED-0000000007 (stores: [KSTREAM-OUTEROTHER-0000000009-store])",
             "Processor: KSTREAM-JOINTHIS-0000000008 (stores: [KSTREAM-OUTERSHARED-0000000008-store, "
             "KSTREAM-OUTEROTHER-0000000009-store])",
             "Processor: KSTREAM-OUTEROTHER-0000000009 (stores: [KSTREAM-JOINTHIS-0000000008-store, "
             "KSTREAM-OUTERSHARED-0000000008-store])",
             "<-- KSTREAM-JOINTHIS-0000000008, KSTREAM-OUTEROTHER-0000000009",
         }) {
        EXPECT_NE(d.find(line), std::string::npos) << line << "\n" << d;
    }
}

// A stream_joined name without a store name names the processors only; the
// stores keep the generated JOINTHIS/JOINOTHER names.
TEST(golden_stream_joins, named_join_without_store_name) {
    streams_builder b;
    b.stream("l", c)
        .join(b.stream("r", c), [](const str& a, const str& r) { return a + r; },
              join_windows::of_time_difference_without_grace(10), stream_joined<str, str, str>{}.with_name("x"))
        .to("out");
    const std::string d = b.build().describe().to_string();
    for (const char* line : {
             "Processor: x-this-windowed (stores: [KSTREAM-JOINTHIS-0000000004-store])",
             "Processor: x-other-windowed (stores: [KSTREAM-JOINOTHER-0000000005-store])",
             "Processor: x-this-join (stores: [KSTREAM-JOINOTHER-0000000005-store])",
             "Processor: x-other-join (stores: [KSTREAM-JOINTHIS-0000000004-store])",
             "Processor: x-merge (stores: [])",
             "Sink: KSTREAM-SINK-0000000007 (topic: out)",
         }) {
        EXPECT_NE(d.find(line), std::string::npos) << line << "\n" << d;
    }
}

}  // namespace
}  // namespace samsa::streams
