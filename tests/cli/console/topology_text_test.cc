// The describe() parser against Kafka 3.8's own texts (tests/streams/golden)
// and against text that is not a topology description.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "samsa/cli/console/topology_text.h"

namespace samsa::cli::console {
namespace {

std::string read_golden(const std::string& name) {
    std::ifstream in(std::filesystem::path(SAMSA_GOLDEN_DIR) / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> golden_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(SAMSA_GOLDEN_DIR)) {
        if (e.path().extension() == ".txt") out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

size_t count_lines_starting(const std::string& text, const std::vector<std::string>& prefixes) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) {
        auto start = line.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        for (const auto& p : prefixes) n += line.compare(start, p.size(), p) == 0;
    }
    return n;
}

const topology_node* find_node(const topology_graph& g, const std::string& id) {
    auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const topology_node& n) { return n.id == id; });
    return it == g.nodes.end() ? nullptr : &*it;
}

bool has_edge(const topology_graph& g, const std::string& from, const std::string& to, const std::string& kind = "flow") {
    return std::any_of(g.edges.begin(), g.edges.end(),
                       [&](const topology_edge& e) { return e.from == from && e.to == to && e.kind == kind; });
}

TEST(console_topology_text, parses_every_kafka_golden) {
    auto files = golden_files();
    ASSERT_GE(files.size(), 15u);
    for (const auto& file : files) {
        SCOPED_TRACE(file);
        auto text = read_golden(file);
        auto g = parse_topology_description(text, "app");
        ASSERT_TRUE(g) << g.error().message;
        EXPECT_EQ(g->sub_topologies.size(), count_lines_starting(text, {"Sub-topology:"}));
        auto processors = std::count_if(g->nodes.begin(), g->nodes.end(), [](const topology_node& n) {
            return n.kind == node_kind::source || n.kind == node_kind::processor || n.kind == node_kind::sink;
        });
        EXPECT_EQ(static_cast<size_t>(processors), count_lines_starting(text, {"Source:", "Processor:", "Sink:"}));
        // Every edge joins two nodes of the graph.
        for (const auto& e : g->edges) {
            EXPECT_TRUE(find_node(*g, e.from)) << e.from;
            EXPECT_TRUE(find_node(*g, e.to)) << e.to;
        }
    }
}

TEST(console_topology_text, order_mail_has_its_repartition_topic_global_store_and_changelogs) {
    auto g = parse_topology_description(read_golden("01-order-mail.txt"), "order-mail");
    ASSERT_TRUE(g) << g.error().message;
    ASSERT_EQ(g->sub_topologies.size(), 3u);
    EXPECT_FALSE(g->sub_topologies[0].global);
    EXPECT_TRUE(g->sub_topologies[1].global);

    const std::string repartition = "topic:KSTREAM-KEY-SELECT-0000000013-repartition";
    auto* topic = find_node(*g, repartition);
    ASSERT_TRUE(topic);
    EXPECT_EQ(topic->kind, node_kind::topic);
    EXPECT_EQ(topic->role, "repartition");
    EXPECT_TRUE(has_edge(*g, "KSTREAM-SINK-0000000014", repartition));
    EXPECT_TRUE(has_edge(*g, repartition, "KSTREAM-SOURCE-0000000016"));

    EXPECT_TRUE(has_edge(*g, "KSTREAM-SOURCE-0000000012", "KSTREAM-KEY-SELECT-0000000013"));
    EXPECT_TRUE(has_edge(*g, "topic:ORDER", "KSTREAM-SOURCE-0000000012"));
    EXPECT_TRUE(has_edge(*g, "KSTREAM-SINK-0000000019", "topic:ORDER-MAIL"));
    EXPECT_EQ(find_node(*g, "topic:ORDER")->role, "external");

    auto* store = find_node(*g, "store:CUSTOMER-STATE-STORE-0000000000");
    ASSERT_TRUE(store);
    EXPECT_EQ(store->kind, node_kind::store);
    EXPECT_TRUE(has_edge(*g, "KSTREAM-JOIN-0000000017", "store:CUSTOMER-STATE-STORE-0000000000", "store"));
    const std::string changelog = "topic:order-mail-CUSTOMER-STATE-STORE-0000000000-changelog";
    ASSERT_TRUE(find_node(*g, changelog));
    EXPECT_EQ(find_node(*g, changelog)->role, "changelog");
    EXPECT_TRUE(has_edge(*g, "store:CUSTOMER-STATE-STORE-0000000000", changelog, "changelog"));
    // A global store restores from its source topic: no changelog.
    EXPECT_TRUE(find_node(*g, "store:ITEM-STATE-STORE-0000000009"));
    EXPECT_FALSE(find_node(*g, "topic:order-mail-ITEM-STATE-STORE-0000000009-changelog"));
}

TEST(console_topology_text, multi_topic_sources_and_foreign_key_topics) {
    auto split = parse_topology_description(read_golden("06-split-merge.txt"));
    ASSERT_TRUE(split) << split.error().message;
    auto* source = find_node(*split, "KSTREAM-SOURCE-0000000000");
    ASSERT_TRUE(source);
    EXPECT_EQ(source->topics, (std::vector<std::string>{"events-a", "events-b"}));
    EXPECT_TRUE(has_edge(*split, "split-", "split-other"));
    EXPECT_TRUE(has_edge(*split, "split-", "split-x"));

    auto fk = parse_topology_description(read_golden("13-foreign-key-join.txt"));
    ASSERT_TRUE(fk) << fk.error().message;
    auto* subscription = find_node(*fk, "topic:KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic");
    ASSERT_TRUE(subscription);
    EXPECT_EQ(subscription->role, "internal");
    // Without an application id the changelog is named after the store alone.
    EXPECT_TRUE(find_node(*fk, "topic:KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010-changelog"));
}

TEST(console_topology_text, pattern_sources_and_extractor_sinks) {
    auto g = parse_topology_description(
        "Topologies:\n   Sub-topology: 0\n    Source: in (topic pattern: orders-.*)\n      --> out\n"
        "    Sink: out (extractor class: com.example.Router@1b2c3d)\n      <-- in\n");
    ASSERT_TRUE(g) << g.error().message;
    EXPECT_EQ(find_node(*g, "topic:orders-.*")->role, "pattern");
    EXPECT_TRUE(has_edge(*g, "in", "out"));
    EXPECT_TRUE(find_node(*g, "out")->topics.empty());
}

TEST(console_topology_text, refuses_text_that_is_not_a_description) {
    struct bad_case {
        std::string text;
        std::string message_part;
    };
    const bad_case cases[] = {
        {"", "no 'Sub-topology:'"},
        {"hello world\n", "line 1"},
        {"Topologies:\n  Source: s (topics: [a])\n", "before any 'Sub-topology:'"},
        {"Sub-topology: x\n", "sub-topology number"},
        {"Sub-topology: 0\n  Source: s (topics: a)\n", "topics: [...]"},
        {"Sub-topology: 0\n  Processor: p (what: [])\n", "stores: [...]"},
        {"Sub-topology: 0\n  Sink: k (nowhere)\n", "topic: ...)"},
        {"Sub-topology: 0\n  --> a\n", "'-->' before any node"},
        {"Sub-topology: 0\n  Source: s (topics: [a])\n    --> ghost\n", "successor 'ghost' is not described"},
        {"Sub-topology: 0\n  Source: s (topics: [a])\n  Source: s (topics: [b])\n", "described twice"},
        {"Sub-topology: 0\n  Source: s (topics: [a])\n    <-- phantom\n", "predecessor 'phantom'"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto g = parse_topology_description(c.text);
        ASSERT_FALSE(g);
        EXPECT_EQ(g.error().code, errc::invalid_argument);
        EXPECT_NE(g.error().message.find(c.message_part), std::string::npos) << g.error().message;
    }
}

TEST(console_topology_text, json_lists_sub_topologies_nodes_and_edges) {
    auto g = parse_topology_description(read_golden("02-word-count.txt"), "wc");
    ASSERT_TRUE(g);
    auto j = to_json(*g);
    ASSERT_TRUE(j["sub_topologies"].is_array());
    ASSERT_TRUE(j["nodes"].is_array());
    ASSERT_TRUE(j["edges"].is_array());
    EXPECT_EQ(j["nodes"].size(), g->nodes.size());
    EXPECT_EQ(j["edges"].size(), g->edges.size());
    const auto& first = j["nodes"][0];
    EXPECT_TRUE(first.contains("id"));
    EXPECT_TRUE(first.contains("kind"));
    EXPECT_EQ(j["edges"][0]["kind"], "flow");
}

}  // namespace
}  // namespace samsa::cli::console
