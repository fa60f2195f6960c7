#pragma once
// Where suppress(until_window_closes) finds how long a window stays open
// after its end (Kafka Streams 3.8's GraphGraceSearchUtil): walking up from
// the suppressed table's node, the first node of each path that declares a
// grace (graph_node::window_grace_ms, set by windowed aggregations) answers;
// with several parents, the largest answer wins. A path that reaches the
// root without one makes the topology invalid, as in Kafka, with the chain of
// node names walked in the message.
//
// Threads: the thread building the topology.

#include <algorithm>
#include <stdexcept>
#include <string>

#include "samsa/streams/detail/graph/graph_node.h"

namespace samsa::streams::internal {

// Throws std::invalid_argument (Kafka's TopologyException).
inline int64_t find_and_verify_window_grace(const graph_node& node, const std::string& chain = "") {
    if (node.window_grace_ms) return *node.window_grace_ms;
    std::string walked = chain.empty() ? node.name : node.name + "->" + chain;
    if (node.parents.empty()) {
        throw std::invalid_argument("Invalid topology: Window close time is only defined for windowed computations. Got [" +
                                    walked + "].");
    }
    int64_t grace = -1;
    // Recursion depth is bounded by the graph's depth (a DAG built by the DSL).
    for (const graph_node* parent : node.parents) grace = std::max(grace, find_and_verify_window_grace(*parent, walked));
    return grace;
}

}  // namespace samsa::streams::internal
