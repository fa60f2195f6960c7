// describe() of cogroup and foreign-key joins against Kafka Streams 3.8's
// text for the same programs (tests/streams/golden/13, 14; programs in
// Goldens2.java), byte for byte.
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

std::string golden(const std::string& name) {
    const char* root = std::getenv("SAMSA_SOURCE_DIR");
    std::string dir = root ? std::string(root) + "/tests/streams/golden/" : std::string(SAMSA_GOLDEN_DIR);
    std::ifstream in(dir + name + ".txt", std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing golden " << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(golden_joins, cogroup) {
    streams_builder b;
    auto views = b.stream("views", c).group_by_key();
    auto likes = b.stream("likes", c).group_by_key();
    views.cogroup([](const str&, const str&, const str& agg) { return agg + "v"; })
        .cogroup(likes, [](const str&, const str&, const str& agg) { return agg + "l"; })
        .aggregate([] { return str(); }, materialized<str, str>::with(serdes::string(), serdes::string()))
        .to_stream()
        .to("engagement");
    EXPECT_EQ(b.build().describe().to_string(), golden("14-cogroup"));
}

TEST(golden_joins, foreign_key_join) {
    streams_builder b;
    auto orders = b.table("orders-table", c);
    auto customers = b.table("customers-table", c);
    orders.join(customers, [](const str& v) { return v.substr(0, v.find(',')); },
                [](const str& o, const str& cu) { return o + "/" + cu; })
        .to_stream()
        .to("orders-with-customer");
    EXPECT_EQ(b.build().describe().to_string(), golden("13-foreign-key-join"));
}

}  // namespace
}  // namespace samsa::streams
