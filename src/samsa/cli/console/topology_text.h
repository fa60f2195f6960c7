#pragma once
// topology_text: reads the text Kafka Streams prints for Topology#describe()
// (TopologyDescription#toString, Kafka 3.8) into nodes and edges the console
// draws. The grammar, one statement per line, indentation ignored:
//
//   Topologies:
//      Sub-topology: 0                                  [ for global store (will not generate tasks)]
//       Source: KSTREAM-SOURCE-0000000000 (topics: [orders, refunds])   | (topic pattern: orders-.*)
//         --> KSTREAM-FILTER-0000000001                 successors, or "none"
//       Processor: KSTREAM-FILTER-0000000001 (stores: [counts])
//         --> KSTREAM-SINK-0000000002
//         <-- KSTREAM-SOURCE-0000000000                 predecessors (only checked)
//       Sink: KSTREAM-SINK-0000000002 (topic: out)      | (extractor class: ...)
//         <-- KSTREAM-FILTER-0000000001
//
// Besides the processor nodes, the graph gets one node per topic (kind
// "topic", role "repartition", "internal" for the foreign-key join's
// subscription topics, or "external") and per store (kind "store"), and for
// each store of a task sub-topology its changelog topic (kind "topic", role
// "changelog", named <application.id>-<store>-changelog as Kafka does).
//
// Pure: no I/O. Thread: any.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "samsa/base/result.h"

namespace samsa::cli::console {

enum class node_kind { source, processor, sink, topic, store };

struct topology_node {
    std::string id;  // unique in the graph: the processor's name, "topic:<name>", "store:<name>"
    std::string name;
    node_kind kind = node_kind::processor;
    int sub_topology = -1;      // -1 for topics (they join sub-topologies)
    std::string role;           // topics: external, repartition, changelog, internal
    std::vector<std::string> topics;  // sources: their topics (or the pattern); sinks: their topic
    std::vector<std::string> stores;  // processors: the stores they use
};

struct topology_edge {
    std::string from;  // node ids
    std::string to;
    std::string kind;  // "flow" (records), "store" (processor uses store), "changelog" (store -> topic)
};

struct sub_topology {
    int id = 0;
    bool global = false;
};

struct topology_graph {
    std::vector<sub_topology> sub_topologies;
    std::vector<topology_node> nodes;
    std::vector<topology_edge> edges;
};

// Parses describe() text. `application_id` names changelog topics (empty: the
// topic is named "<store>-changelog"). Errors (errc::invalid_argument) name the
// line and what was expected there.
result<topology_graph> parse_topology_description(std::string_view text, std::string_view application_id = {});

const char* to_string(node_kind kind);
nlohmann::json to_json(const topology_graph& graph);

}  // namespace samsa::cli::console
