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

namespace samsa::streams {

struct topology_description {
    enum class node_kind { source, processor, sink };
    struct node {
        node_kind kind = node_kind::processor;
        std::string name;
        std::vector<std::string> topics;  // source: its topics, in Kafka's print order
        std::vector<std::string> stores;  // processor: its stores, in Kafka's print order
        std::string topic;                // sink: the fixed topic ("" when an extractor picks it)
        std::string extractor;            // sink: a description of the topic extractor
        std::vector<std::string> predecessors;
        std::vector<std::string> successors;
    };
    struct subtopology {
        int id = 0;
        std::vector<node> nodes;
    };
    struct global_store {
        int id = 0;
        node source;
        node processor;
    };

    std::vector<subtopology> subtopologies;  // by id
    std::vector<global_store> global_stores;  // by id

    std::string to_string() const;
    std::string to_dot() const;
};

}  // namespace samsa::streams
