#pragma once
// internal_streams_builder: the state behind streams_builder and every
// kstream/ktable handle it hands out: the name counter (one index shared by
// processor and store names, as Kafka's InternalStreamsBuilder), the logical
// graph, and build() which writes it into an internal_topology_builder.
//
// Threads: one thread builds a topology; handles are not thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/streams/detail/graph/graph_node.h"
#include "samsa/streams/detail/topology/internal_topology_builder.h"
#include "samsa/streams/export.h"

namespace samsa::streams::internal {

class SAMSA_STREAMS_API internal_streams_builder {
public:
    internal_streams_builder();

    // prefix + the next index, ten digits (KSTREAM-FILTER-0000000003).
    std::string new_processor_name(std::string_view prefix);
    // prefix + "STATE-STORE-" + the next index.
    std::string new_store_name(std::string_view prefix);

    graph_node* root() { return root_; }
    graph_node* add_node(graph_node_kind kind, std::string name, std::vector<graph_node*> parents,
                         std::function<void(internal_topology_builder&, const graph_node&)> write);

    // Writes every node into `out`, parents first, then in creation order.
    void build(internal_topology_builder& out);

private:
    int index_ = 0;
    int priority_ = 0;
    std::vector<std::unique_ptr<graph_node>> nodes_;
    graph_node* root_;
};

}  // namespace samsa::streams::internal
