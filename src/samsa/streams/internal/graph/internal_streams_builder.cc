#include "samsa/streams/detail/graph/internal_streams_builder.h"

#include <cstdio>
#include <queue>

namespace samsa::streams::internal {

internal_streams_builder::internal_streams_builder() {
    nodes_.push_back(std::make_unique<graph_node>());
    root_ = nodes_.back().get();
    root_->kind = graph_node_kind::root;
    root_->name = "root";
    root_->written = true;
}

std::string internal_streams_builder::new_processor_name(std::string_view prefix) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%010d", index_++);
    return std::string(prefix) + digits;
}

std::string internal_streams_builder::new_store_name(std::string_view prefix) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%010d", index_++);
    return std::string(prefix) + "STATE-STORE-" + digits;
}

graph_node* internal_streams_builder::add_node(graph_node_kind kind, std::string name, std::vector<graph_node*> parents,
                                               std::function<void(internal_topology_builder&, const graph_node&)> write) {
    auto n = std::make_unique<graph_node>();
    n->kind = kind;
    n->name = std::move(name);
    n->build_priority = ++priority_;
    n->parents = std::move(parents);
    if (n->parents.empty()) n->parents.push_back(root_);
    n->write = std::move(write);
    for (auto* p : n->parents) p->children.push_back(n.get());
    nodes_.push_back(std::move(n));
    return nodes_.back().get();
}

void internal_streams_builder::build(internal_topology_builder& out) {
    auto later = [](const graph_node* a, const graph_node* b) { return a->build_priority > b->build_priority; };
    std::priority_queue<graph_node*, std::vector<graph_node*>, decltype(later)> queue(later);
    queue.push(root_);
    while (!queue.empty()) {
        graph_node* n = queue.top();
        queue.pop();
        bool parents_done = true;
        for (auto* p : n->parents) parents_done = parents_done && p->written;
        if (parents_done && !n->written) {
            if (n->write) n->write(out, *n);
            n->written = true;
        }
        for (auto* c : n->children) queue.push(c);
    }
}

}  // namespace samsa::streams::internal
