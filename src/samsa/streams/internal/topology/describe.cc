// describe(): the processor topology as Kafka Streams' TopologyDescription,
// including the print order its Java collections produce (see java_order.h).
#include <algorithm>
#include <functional>
#include <set>

#include "samsa/streams/detail/topology/internal_topology_builder.h"
#include "samsa/streams/internal/topology/java_order.h"

namespace samsa::streams::internal {

namespace {

using desc = topology_description;

struct sized_node {
    desc::node node;
    int size = 1;
    java::tree_set preds, succs;
};

// Kafka's NodeComparator: larger sub-graph first, then by name.
int node_compare(const std::vector<sized_node>& nodes, int a, int b) {
    if (a == b) return 0;
    if (nodes[a].size != nodes[b].size) return nodes[b].size - nodes[a].size;
    return java::compare(nodes[a].node.name, nodes[b].node.name);
}

void update_size(std::vector<sized_node>& nodes, int n, int delta) {
    nodes[n].size += delta;
    for (int p : nodes[n].preds.elements()) update_size(nodes, p, delta);
}

desc::node describe_node(const node_factory& f) {
    desc::node d;
    d.name = f.name;
    switch (f.kind) {
        case node_kind::source:
            d.kind = desc::node_kind::source;
            d.topics = java::hash_order(f.topics, java::copy_capacity(f.topics.size()));
            break;
        case node_kind::processor:
            d.kind = desc::node_kind::processor;
            // new HashSet<>(stateStoreNames), itself a HashSet filled in order.
            d.stores = java::hash_order(java::hash_order(f.stores, java::incremental_capacity(f.stores.size())),
                                        java::copy_capacity(f.stores.size()));
            break;
        case node_kind::sink:
            d.kind = desc::node_kind::sink;
            d.topic = f.topic;
            d.extractor = f.extractor;
            break;
    }
    return d;
}

}  // namespace

topology_description internal_topology_builder::describe() const {
    topology_description out;
    for (const auto& [id, names] : node_groups()) {
        auto global = std::find_if(names.begin(), names.end(), [&](const std::string& n) { return is_global_source(n); });
        if (global != names.end()) {
            const node_factory& src = node(*global);
            auto info = std::find_if(global_stores_.begin(), global_stores_.end(),
                                     [&](const global_store_info& g) { return g.source_name == src.name; });
            desc::global_store g;
            g.id = id;
            g.source = describe_node(src);
            g.processor = describe_node(node(info->processor_name));
            g.processor.stores = {info->store_name};
            g.source.successors = {g.processor.name};
            g.processor.predecessors = {g.source.name};
            out.global_stores.push_back(std::move(g));
            continue;
        }
        // nodesByName: a HashMap filled from the group's HashSet.
        std::vector<std::string> order = java::hash_order(names, java::incremental_capacity(names.size()));
        std::vector<sized_node> nodes;
        std::map<std::string, int> at;
        for (const auto& n : order) {
            at[n] = static_cast<int>(nodes.size());
            nodes.push_back(sized_node{.node = describe_node(node(n)), .size = 1, .preds = {}, .succs = {}});
        }
        auto cmp = [&nodes](int a, int b) { return node_compare(nodes, a, b); };
        for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
            for (const auto& pred_name : node(nodes[i].node.name).predecessors) {
                int p = at.at(pred_name);
                nodes[i].preds.insert(p, cmp);
                nodes[p].succs.insert(i, cmp);
                update_size(nodes, p, nodes[i].size);
            }
        }
        std::vector<int> sorted(nodes.size());
        for (size_t i = 0; i < sorted.size(); ++i) sorted[i] = static_cast<int>(i);
        std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return cmp(a, b) < 0; });
        desc::subtopology sub;
        sub.id = id;
        for (int i : sorted) {
            desc::node d = nodes[i].node;
            for (int p : nodes[i].preds.in_order()) d.predecessors.push_back(nodes[p].node.name);
            for (int s : nodes[i].succs.in_order()) d.successors.push_back(nodes[s].node.name);
            sub.nodes.push_back(std::move(d));
        }
        out.subtopologies.push_back(std::move(sub));
    }
    return out;
}

}  // namespace samsa::streams::internal

namespace samsa::streams {

namespace {

std::string names_or_none(const std::vector<std::string>& names) {
    if (names.empty()) return "none";
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

std::string node_string(const topology_description::node& n) {
    using internal::java::collection_string;
    switch (n.kind) {
        case topology_description::node_kind::source:
            return "Source: " + n.name + " (topics: " + collection_string(n.topics) + ")\n      --> " +
                   names_or_none(n.successors);
        case topology_description::node_kind::processor:
            return "Processor: " + n.name + " (stores: " + collection_string(n.stores) + ")\n      --> " +
                   names_or_none(n.successors) + "\n      <-- " + names_or_none(n.predecessors);
        case topology_description::node_kind::sink:
            if (!n.extractor.empty()) {
                return "Sink: " + n.name + " (extractor class: " + n.extractor + ")\n      <-- " +
                       names_or_none(n.predecessors);
            }
            return "Sink: " + n.name + " (topic: " + n.topic + ")\n      <-- " + names_or_none(n.predecessors);
    }
    return {};
}

}  // namespace

std::string topology_description::to_string() const {
    std::string out = "Topologies:\n ";
    size_t si = 0, gi = 0;
    int expected = 0;
    auto sub_string = [](const subtopology& s) {
        std::string o = "Sub-topology: " + std::to_string(s.id) + "\n";
        for (const auto& n : s.nodes) o += "    " + node_string(n) + "\n";
        return o + "\n";
    };
    auto global_string = [](const global_store& g) {
        return "Sub-topology: " + std::to_string(g.id) + " for global store (will not generate tasks)\n    " +
               node_string(g.source) + "\n    " + node_string(g.processor) + "\n";
    };
    while (si < subtopologies.size() && gi < global_stores.size()) {
        out += "  ";
        if (subtopologies[si].id == expected) out += sub_string(subtopologies[si++]);
        else out += global_string(global_stores[gi++]);
        ++expected;
    }
    while (si < subtopologies.size()) out += "  " + sub_string(subtopologies[si++]);
    while (gi < global_stores.size()) out += "  " + global_string(global_stores[gi++]);
    return out;
}

std::string topology_description::to_dot() const {
    auto q = [](const std::string& s) {
        std::string o = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') o += '\\';
            o += c;
        }
        return o + "\"";
    };
    std::string out = "digraph topology {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    std::set<std::string> topics, stores;
    auto emit_node = [&](const node& n, std::string& o) {
        const char* shape = n.kind == node_kind::source ? "invhouse" : n.kind == node_kind::sink ? "house" : "box";
        o += "    " + q(n.name) + " [shape=" + shape + "];\n";
        for (const auto& s : n.successors) o += "    " + q(n.name) + " -> " + q(s) + ";\n";
        for (const auto& t : n.topics) {
            topics.insert(t);
            o += "    " + q("topic:" + t) + " -> " + q(n.name) + ";\n";
        }
        if (n.kind == node_kind::sink) {
            std::string t = n.topic.empty() ? "extractor:" + n.extractor : n.topic;
            topics.insert(t);
            o += "    " + q(n.name) + " -> " + q("topic:" + t) + ";\n";
        }
        for (const auto& s : n.stores) {
            stores.insert(s);
            o += "    " + q(n.name) + " -> " + q("store:" + s) + " [style=dashed, dir=both];\n";
        }
    };
    for (const auto& s : subtopologies) {
        out += "  subgraph cluster_" + std::to_string(s.id) + " {\n    label=" + q("Sub-topology: " + std::to_string(s.id)) + ";\n";
        for (const auto& n : s.nodes) emit_node(n, out);
        out += "  }\n";
    }
    for (const auto& g : global_stores) {
        out += "  subgraph cluster_" + std::to_string(g.id) + " {\n    label=" +
               q("Sub-topology: " + std::to_string(g.id) + " (global store)") + ";\n";
        emit_node(g.source, out);
        emit_node(g.processor, out);
        out += "  }\n";
    }
    for (const auto& t : topics) out += "  " + q("topic:" + t) + " [shape=cds, label=" + q(t) + "];\n";
    for (const auto& s : stores) out += "  " + q("store:" + s) + " [shape=cylinder, label=" + q(s) + "];\n";
    return out + "}\n";
}

}  // namespace samsa::streams
