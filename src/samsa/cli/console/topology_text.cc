#include "samsa/cli/console/topology_text.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace samsa::cli::console {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "a, b, c" -> {a, b, c}; "" -> {}.
std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    s = trim(s);
    while (!s.empty()) {
        auto comma = s.find(',');
        auto item = trim(s.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

// "[a, b]" -> {a, b}; nullopt when the brackets are missing.
std::optional<std::vector<std::string>> bracketed_list(std::string_view s) {
    s = trim(s);
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') return std::nullopt;
    return split_list(s.substr(1, s.size() - 2));
}

error line_error(size_t line, std::string_view what, std::string_view text) {
    return make_error(errc::invalid_argument,
                      fmt::format("topology description, line {}: {} (got '{}')", line, what, text.substr(0, 120)));
}

std::string topic_role(std::string_view topic) {
    if (topic.ends_with("-repartition")) return "repartition";
    if (topic.ends_with("-changelog")) return "changelog";
    // The foreign-key join's subscription registration/response topics.
    if (starts_with(topic, "KTABLE-FK-JOIN-") && topic.ends_with("-topic")) return "internal";
    return "external";
}

// The processor-node statement "<Kind>: <name> (<detail>)", split.
struct node_statement {
    node_kind kind;
    std::string name;
    std::string detail;  // inside the parentheses
};

std::optional<node_statement> parse_node_statement(std::string_view s) {
    static const std::pair<std::string_view, node_kind> kinds[] = {
        {"Source: ", node_kind::source}, {"Processor: ", node_kind::processor}, {"Sink: ", node_kind::sink}};
    for (const auto& [prefix, kind] : kinds) {
        if (!starts_with(s, prefix)) continue;
        auto rest = s.substr(prefix.size());
        auto open = rest.rfind(" (");
        if (open == std::string_view::npos || rest.back() != ')') return std::nullopt;
        auto name = trim(rest.substr(0, open));
        if (name.empty()) return std::nullopt;
        return node_statement{kind, std::string(name), std::string(rest.substr(open + 2, rest.size() - open - 3))};
    }
    return std::nullopt;
}

class graph_builder {
public:
    explicit graph_builder(std::string_view application_id) : application_id_(application_id) {}

    status start_sub_topology(std::string_view rest, size_t line, std::string_view text) {
        // "<id>" or "<id> for global store (will not generate tasks)"
        auto space = rest.find(' ');
        auto number = rest.substr(0, space);
        int id = 0;
        try {
            size_t used = 0;
            id = std::stoi(std::string(number), &used);
            if (used != number.size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            return line_error(line, "expected a sub-topology number", text);
        }
        bool global = space != std::string_view::npos && rest.find("global store") != std::string_view::npos;
        graph_.sub_topologies.push_back({id, global});
        has_current_ = false;
        return ok();
    }

    status add_node(const node_statement& n, size_t line, std::string_view text) {
        if (graph_.sub_topologies.empty()) return line_error(line, "a node before any 'Sub-topology:' line", text);
        if (index_.contains(n.name)) return line_error(line, "node '" + n.name + "' is described twice", text);
        topology_node node;
        node.id = n.name;
        node.name = n.name;
        node.kind = n.kind;
        node.sub_topology = graph_.sub_topologies.back().id;
        if (auto s = fill_detail(node, n.detail); !s) return line_error(line, s.error().message, text);
        index_[node.id] = graph_.nodes.size();
        graph_.nodes.push_back(std::move(node));
        has_current_ = true;
        current_name_ = n.name;
        return ok();
    }

    status add_successors(std::string_view list, size_t line, std::string_view text) {
        if (!has_current_) return line_error(line, "'-->' before any node", text);
        for (auto& next : split_list(list)) {
            if (next == "none") continue;
            successors_.push_back({current_name_, next, line});
        }
        return ok();
    }

    status add_predecessors(std::string_view list, size_t line, std::string_view text) {
        if (!has_current_) return line_error(line, "'<--' before any node", text);
        for (auto& prev : split_list(list)) predecessors_.push_back({prev, current_name_, line});
        return ok();
    }

    result<topology_graph> finish() {
        if (graph_.sub_topologies.empty()) {
            return make_error(errc::invalid_argument,
                              "topology description: no 'Sub-topology:' line (is this the text of Topology#describe()?)");
        }
        for (const auto& e : successors_) {
            if (!index_.contains(e.to)) return undefined(e);
            graph_.edges.push_back({e.from, e.to, "flow"});
        }
        for (const auto& e : predecessors_) {
            if (!index_.contains(e.from)) return make_error(errc::invalid_argument,
                fmt::format("topology description, line {}: predecessor '{}' is not described", e.line, e.from));
        }
        add_topic_and_store_nodes();
        return std::move(graph_);
    }

private:
    struct pending_edge {
        std::string from;
        std::string to;
        size_t line;
    };

    error undefined(const pending_edge& e) {
        return make_error(errc::invalid_argument,
                          fmt::format("topology description, line {}: successor '{}' is not described", e.line, e.to));
    }

    static status fill_detail(topology_node& node, std::string_view detail) {
        switch (node.kind) {
        case node_kind::source:
            if (starts_with(detail, "topics: ")) {
                auto topics = bracketed_list(detail.substr(8));
                if (!topics) return make_error(errc::invalid_argument, "expected 'topics: [...]'");
                node.topics = std::move(*topics);
            } else if (starts_with(detail, "topic pattern: ")) {
                node.topics.emplace_back(detail.substr(15));
                node.role = "pattern";
            } else {
                return make_error(errc::invalid_argument, "expected '(topics: [...])' or '(topic pattern: ...)'");
            }
            return ok();
        case node_kind::processor: {
            if (!starts_with(detail, "stores: ")) return make_error(errc::invalid_argument, "expected '(stores: [...])'");
            auto stores = bracketed_list(detail.substr(8));
            if (!stores) return make_error(errc::invalid_argument, "expected 'stores: [...]'");
            node.stores = std::move(*stores);
            return ok();
        }
        case node_kind::sink:
            if (starts_with(detail, "topic: ")) {
                node.topics.emplace_back(trim(detail.substr(7)));
            } else if (!starts_with(detail, "extractor class: ")) {
                return make_error(errc::invalid_argument, "expected '(topic: ...)' or '(extractor class: ...)'");
            }
            return ok();
        default:
            return ok();
        }
    }

    bool is_global(int id) const {
        return std::any_of(graph_.sub_topologies.begin(), graph_.sub_topologies.end(),
                           [&](const console::sub_topology& s) { return s.id == id && s.global; });
    }

    void add_extra_node(topology_node node) {
        if (extra_.contains(node.id)) return;
        extra_.insert(node.id);
        extra_nodes_.push_back(std::move(node));
    }

    void add_topic_node(const std::string& topic, std::string role) {
        add_extra_node({"topic:" + topic, topic, node_kind::topic, -1, std::move(role), {}, {}});
    }

    void add_topic_and_store_nodes() {
        std::vector<topology_edge> edges;
        for (const auto& node : graph_.nodes) {
            for (const auto& topic : node.topics) {
                add_topic_node(topic, node.role == "pattern" ? "pattern" : topic_role(topic));
                if (node.kind == node_kind::source) edges.push_back({"topic:" + topic, node.id, "flow"});
                else edges.push_back({node.id, "topic:" + topic, "flow"});
            }
            for (const auto& store : node.stores) {
                add_extra_node({"store:" + store, store, node_kind::store, node.sub_topology, "", {}, {}});
                edges.push_back({node.id, "store:" + store, "store"});
                if (is_global(node.sub_topology)) continue;  // a global store restores from its source topic
                auto changelog = application_id_.empty() ? store + "-changelog"
                                                         : application_id_ + "-" + store + "-changelog";
                if (!extra_.contains("topic:" + changelog)) {
                    add_topic_node(changelog, "changelog");
                    edges.push_back({"store:" + store, "topic:" + changelog, "changelog"});
                }
            }
        }
        for (auto& n : extra_nodes_) graph_.nodes.push_back(std::move(n));
        for (auto& e : edges) graph_.edges.push_back(std::move(e));
    }

    std::string application_id_;
    topology_graph graph_;
    std::map<std::string, size_t> index_;
    bool has_current_ = false;
    std::string current_name_;
    std::vector<pending_edge> successors_;
    std::vector<pending_edge> predecessors_;
    std::set<std::string> extra_;
    std::vector<topology_node> extra_nodes_;
};

}  // namespace

result<topology_graph> parse_topology_description(std::string_view text, std::string_view application_id) {
    graph_builder builder(application_id);
    size_t line_number = 0;
    while (!text.empty()) {
        auto eol = text.find('\n');
        auto raw = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        ++line_number;
        auto line = trim(raw);
        if (line.empty() || line == "Topologies:") continue;
        status s = ok();
        if (starts_with(line, "Sub-topology: ")) {
            s = builder.start_sub_topology(line.substr(14), line_number, line);
        } else if (starts_with(line, "-->")) {
            s = builder.add_successors(line.substr(3), line_number, line);
        } else if (starts_with(line, "<--")) {
            s = builder.add_predecessors(line.substr(3), line_number, line);
        } else if (auto node = parse_node_statement(line)) {
            s = builder.add_node(*node, line_number, line);
        } else {
            s = line_error(line_number, "expected 'Sub-topology:', 'Source:', 'Processor:', 'Sink:', '-->' or '<--'", line);
        }
        if (!s) return s.error();
    }
    return builder.finish();
}

const char* to_string(node_kind kind) {
    switch (kind) {
    case node_kind::source: return "source";
    case node_kind::processor: return "processor";
    case node_kind::sink: return "sink";
    case node_kind::topic: return "topic";
    case node_kind::store: return "store";
    }
    return "processor";
}

nlohmann::json to_json(const topology_graph& graph) {
    auto subs = nlohmann::json::array();
    for (const auto& s : graph.sub_topologies) subs.push_back({{"id", s.id}, {"global", s.global}});
    auto nodes = nlohmann::json::array();
    for (const auto& n : graph.nodes) {
        nlohmann::json j{{"id", n.id}, {"name", n.name}, {"kind", to_string(n.kind)}};
        if (n.sub_topology >= 0) j["sub_topology"] = n.sub_topology;
        if (!n.role.empty()) j["role"] = n.role;
        if (!n.topics.empty()) j["topics"] = n.topics;
        if (!n.stores.empty()) j["stores"] = n.stores;
        nodes.push_back(std::move(j));
    }
    auto edges = nlohmann::json::array();
    for (const auto& e : graph.edges) edges.push_back({{"from", e.from}, {"to", e.to}, {"kind", e.kind}});
    return {{"sub_topologies", subs}, {"nodes", nodes}, {"edges", edges}};
}

}  // namespace samsa::cli::console
