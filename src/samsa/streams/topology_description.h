#pragma once
// topology_description: what topology::describe() returns (Kafka Streams'
// TopologyDescription). to_string() prints exactly what Kafka Streams 3.8
// prints for the same program: sub-topologies by id, global stores in between
// at their ids, nodes ordered by the size of the sub-graph they reach
// (largest first) then by name. to_dot() draws the same graph for Graphviz.
//
// Threads: a value; build it once, read it anywhere.

#include <string>
#include <vector>

#include "samsa/streams/export.h"

namespace samsa::streams {

// Kafka's TopologyDescription: what topology::describe() returns.
struct SAMSA_STREAMS_API topology_description {
    // A node's role.
    enum class node_kind { source, processor, sink };
    // One processor node.
    struct node {
        // Its role.
        node_kind kind = node_kind::processor;
        // Its name (KSTREAM-SOURCE-0000000000 ...).
        std::string name;
        std::vector<std::string> topics;  // source: its topics, in Kafka's print order
        std::vector<std::string> stores;  // processor: its stores, in Kafka's print order
        std::string topic;                // sink: the fixed topic ("" when an extractor picks it)
        std::string extractor;            // sink: a description of the topic extractor
        // The nodes that feed it.
        std::vector<std::string> predecessors;
        // The nodes it feeds.
        std::vector<std::string> successors;
    };
    // A sub-topology: nodes connected without a topic in between (one task per partition).
    struct subtopology {
        // Its id, as in task ids.
        int id = 0;
        // Its nodes.
        std::vector<node> nodes;
    };
    // A global store: its source and the processor that fills it.
    struct global_store {
        // Its id.
        int id = 0;
        // Reads the store's topic.
        node source;
        // Writes the store.
        node processor;
    };

    std::vector<subtopology> subtopologies;  // by id
    std::vector<global_store> global_stores;  // by id

    // Kafka's TopologyDescription.toString(), line for line.
    std::string to_string() const;
    // A Graphviz graph.
    std::string to_dot() const;
};

}  // namespace samsa::streams
