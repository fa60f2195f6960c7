#pragma once
// The DSL's logical graph (Kafka Streams' GraphNode): each DSL call adds one
// node; streams_builder::build() then writes the nodes into the processor
// topology in the order they were created, a node only after all its
// parents. A node's kind is explicit, so nothing downstream has to guess it
// from a type.
//
// Threads: built and written on the thread that builds the topology.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace samsa::streams::internal {

class internal_topology_builder;

enum class graph_node_kind {
    root,
    stream_source,
    table_source,
    global_table_source,
    processor,           // stateless operator
    stateful_processor,  // an operator owning or reading stores
    repartition,         // filter -> sink -> topic -> source
    stream_table_join,
    table_table_join,
    sink,
    state_store,
};

struct graph_node {
    graph_node_kind kind = graph_node_kind::processor;
    // The processor name children use as their parent.
    std::string name;
    int build_priority = 0;
    std::vector<graph_node*> parents;
    std::vector<graph_node*> children;
    // Changes the key: a later stateful operator needs a repartition.
    bool key_changing = false;
    // A left join that accepts null keys (KIP-962): the repartition in front
    // of it keeps null-key records.
    bool null_key_relaxed_join = false;
    // Set by windowed aggregations: the time suppress(until_window_closes)
    // waits after a window's end (the windows' grace; session windows: grace
    // plus inactivity gap), found by window_grace.h as Kafka's
    // GraphGraceSearchUtil finds it on the aggregation's processor supplier.
    std::optional<int64_t> window_grace_ms;
    bool written = false;
    std::function<void(internal_topology_builder&, const graph_node&)> write;

    std::vector<std::string> parent_names() const {
        std::vector<std::string> out;
        for (const auto* p : parents) out.push_back(p->name);
        return out;
    }
};

}  // namespace samsa::streams::internal
