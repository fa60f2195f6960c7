// describe() against the text Kafka Streams 3.8 prints for the same programs
// (tests/streams/golden/, from Goldens.java): names, numbering, node order,
// edges and blank lines, byte for byte.
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

std::string field(const str& v, int i) {
    std::stringstream ss(v);
    std::string part;
    for (int k = 0; k <= i && std::getline(ss, part, ','); ++k) {
    }
    return part;
}

TEST(golden_describe, order_mail) {
    streams_builder b;
    auto cust = b.table("CUSTOMER", c);
    auto addr = b.table("CUSTOMER-ADDRESS", c);
    auto ca = cust.join(addr, [](const str& x, const str& y) { return x + "|" + y; });
    auto items = b.global_table("ITEM", c);
    b.stream("ORDER", c)
        .select_key([](const str&, const str& v) { return field(v, 0); })
        .join(ca, [](const str& o, const str& cu) { return o + "|" + cu; })
        .join(items, [](const str&, const str& v) { return field(v, 1); },
              [](const str& v, const str& i) { return v + "|" + i; })
        .to("ORDER-MAIL");
    EXPECT_EQ(b.build().describe().to_string(), golden("01-order-mail"));
}

TEST(golden_describe, word_count) {
    streams_builder b;
    b.stream("text-lines", c)
        .flat_map_values([](const str& v) {
            std::vector<str> words;
            std::string w;
            for (char ch : v + " ") {
                if (std::isalnum(static_cast<unsigned char>(ch))) w += static_cast<char>(std::tolower(ch));
                else if (!w.empty()) words.push_back(std::exchange(w, {}));
            }
            return words;
        })
        .group_by([](const str&, const str& w) { return w; })
        .count()
        .to_stream()
        .to("word-counts");
    EXPECT_EQ(b.build().describe().to_string(), golden("02-word-count"));
}

TEST(golden_describe, table_outer_join) {
    streams_builder b;
    auto l = b.table("left", c);
    auto r = b.table("right", c);
    l.outer_join(r,
                 [](const std::optional<str>& x, const std::optional<str>& y) {
                     return x.value_or("null") + "+" + y.value_or("null");
                 })
        .filter([](const str&, const str&) { return true; })
        .map_values([](const str& v) { return v; })
        .to_stream()
        .to("joined");
    EXPECT_EQ(b.build().describe().to_string(), golden("03-table-outer-join"));
}

TEST(golden_describe, named_aggregate) {
    streams_builder b;
    b.stream("purchases", c)
        .select_key([](const str&, const str& v) { return field(v, 0); }, named::as("by-user"))
        .group_by_key(grouped<str, str>::as("user-grouping"))
        .aggregate([] { return str("0"); }, [](const str&, const str& v, const str& agg) { return agg + v; },
                   materialized<str, str>::as("totals-store"))
        .to_stream(named::as("totals-out"))
        .to("totals");
    EXPECT_EQ(b.build().describe().to_string(), golden("04-named-aggregate"));
}

TEST(golden_describe, stream_table_left_join_named) {
    streams_builder b;
    auto t = b.table("profiles", c);
    b.stream("clicks", c)
        .map([](const str& k, const str& v) { return key_value<str, str>{v, k}; })
        .left_join(t, [](const str& v, const std::optional<str>& p) { return v + "/" + p.value_or("null"); },
                   joined<str, str, str>::as("first-join"))
        .to("enriched-clicks");
    EXPECT_EQ(b.build().describe().to_string(), golden("05-stream-table-left-join-named"));
}

TEST(golden_describe, split_merge) {
    streams_builder b;
    auto s = b.stream(std::vector<str>{"events-a", "events-b"}, c);
    auto branches = s.split(named::as("split-"))
                        .branch([](const str&, const str& v) { return v.rfind("x", 0) == 0; }, branched::as("x"))
                        .default_branch(branched::as("other"));
    branches.at("split-x")
        .map_values([](const str& v) { return v + "!"; })
        .merge(branches.at("split-other").filter_not([](const str&, const str& v) { return v.empty(); }))
        .peek([](const str&, const str&) {})
        .to("merged");
    EXPECT_EQ(b.build().describe().to_string(), golden("06-split-merge"));
}

TEST(golden_describe, table_regroup_count) {
    streams_builder b;
    b.table("user-regions", c)
        .group_by([](const str& user, const str& region) { return key_value<str, str>{region, user}; })
        .count()
        .to_stream()
        .to("region-counts");
    EXPECT_EQ(b.build().describe().to_string(), golden("07-table-regroup-count"));
}

}  // namespace
}  // namespace samsa::streams
