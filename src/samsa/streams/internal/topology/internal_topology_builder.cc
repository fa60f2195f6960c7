#include "samsa/streams/detail/topology/internal_topology_builder.h"

#include <algorithm>
#include <stdexcept>

#include "samsa/streams/internal/topology/java_order.h"

namespace samsa::streams::internal {

node_factory& internal_topology_builder::add_node(node_factory f) {
    if (index_.count(f.name)) throw std::invalid_argument("Processor " + f.name + " is already added.");
    for (const auto& p : f.predecessors) {
        if (!index_.count(p)) throw std::invalid_argument("Predecessor processor " + p + " is not added yet for " + f.name);
        if (nodes_[index_.at(p)].kind == node_kind::sink) {
            throw std::invalid_argument("Sink " + p + " cannot be used a parent.");
        }
    }
    index_[f.name] = nodes_.size();
    parent_[f.name] = f.name;
    for (const auto& p : f.predecessors) unite(f.name, p);
    nodes_.push_back(std::move(f));
    return nodes_.back();
}

void internal_topology_builder::add_source_topics(const std::vector<std::string>& topics) {
    if (topics.empty()) throw std::invalid_argument("a source needs at least one topic");
    for (const auto& t : topics) {
        if (!subscribed_topics_.insert(t).second) {
            throw std::invalid_argument("Topic " + t + " has already been registered by another source.");
        }
    }
}

void internal_topology_builder::add_source(std::string name, std::vector<std::string> topics,
                                           std::function<std::unique_ptr<source_node_base>()> make) {
    add_source_topics(topics);
    node_factory f;
    f.kind = node_kind::source;
    f.name = std::move(name);
    f.topics = std::move(topics);
    f.make_source = std::move(make);
    add_node(std::move(f));
}

void internal_topology_builder::add_processor(std::string name,
                                              std::function<std::unique_ptr<processor_node_base>()> make,
                                              std::vector<std::string> predecessors) {
    if (predecessors.empty()) throw std::invalid_argument("Processor " + name + " must have at least one parent");
    node_factory f;
    f.kind = node_kind::processor;
    f.name = std::move(name);
    f.predecessors = std::move(predecessors);
    f.make_processor = std::move(make);
    add_node(std::move(f));
}

void internal_topology_builder::add_sink(
    std::string name, std::string topic, std::function<std::unique_ptr<processor_node_base>(const std::string&)> make,
    std::vector<std::string> predecessors) {
    if (predecessors.empty()) throw std::invalid_argument("Sink " + name + " must have at least one parent");
    node_factory f;
    f.kind = node_kind::sink;
    f.name = std::move(name);
    f.topic = std::move(topic);
    f.predecessors = std::move(predecessors);
    f.make_sink = std::move(make);
    add_node(std::move(f));
}

void internal_topology_builder::add_dynamic_sink(
    std::string name, std::string extractor_description,
    std::function<std::unique_ptr<processor_node_base>(const std::string&)> make,
    std::vector<std::string> predecessors) {
    if (predecessors.empty()) throw std::invalid_argument("Sink " + name + " must have at least one parent");
    node_factory f;
    f.kind = node_kind::sink;
    f.name = std::move(name);
    f.extractor = std::move(extractor_description);
    f.predecessors = std::move(predecessors);
    f.make_sink = std::move(make);
    add_node(std::move(f));
}

void internal_topology_builder::add_state_store(store_builder builder, const std::vector<std::string>& processors) {
    std::string name = builder.name();
    if (stores_.count(name) || global_store_builders_.count(name)) {
        throw std::invalid_argument("StateStore " + name + " is already added.");
    }
    stores_.emplace(name, std::move(builder));
    for (const auto& p : processors) connect_processor_and_state_store(p, name);
}

void internal_topology_builder::connect_processor_and_state_store(const std::string& processor,
                                                                  const std::string& store) {
    if (global_store_builders_.count(store)) {
        throw std::invalid_argument("Global StateStore " + store +
                                    " can be used by a Processor without being specified; it should not be "
                                    "explicitly passed.");
    }
    if (!index_.count(processor)) throw std::invalid_argument("Processor " + processor + " is not added yet.");
    node_factory& f = nodes_[index_.at(processor)];
    if (f.kind != node_kind::processor) throw std::invalid_argument("cannot connect a store to " + processor);
    if (std::find(f.stores.begin(), f.stores.end(), store) != f.stores.end()) return;
    f.stores.push_back(store);
    auto& users = store_users_[store];
    if (!users.empty()) unite(users.front(), processor);
    users.push_back(processor);
}

void internal_topology_builder::add_global_store(store_builder builder, std::string source_name, std::string topic,
                                                 std::function<std::unique_ptr<source_node_base>()> make_source,
                                                 std::string processor_name,
                                                 std::function<std::unique_ptr<processor_node_base>()> make_processor) {
    std::string store = builder.name();
    if (stores_.count(store) || global_store_builders_.count(store)) {
        throw std::invalid_argument("StateStore " + store + " is already added.");
    }
    add_source(source_name, {topic}, std::move(make_source));
    global_topics_.insert(topic);
    add_processor(processor_name, std::move(make_processor), {source_name});
    nodes_[index_.at(processor_name)].stores.push_back(store);
    global_store_builders_.emplace(store, std::move(builder));
    global_stores_.push_back({source_name, processor_name, topic, store});
}

void internal_topology_builder::add_internal_topic(const std::string& topic, std::optional<int> partitions) {
    auto [it, fresh] = internal_topics_.emplace(topic, partitions);
    if (!fresh && partitions) it->second = partitions;
}

void internal_topology_builder::copartition_sources(const std::set<std::string>& source_names) {
    copartition_source_groups_.push_back(source_names);
}

std::string internal_topology_builder::root(const std::string& n) const {
    std::string cur = n;
    while (parent_.at(cur) != cur) {
        parent_[cur] = parent_.at(parent_.at(cur));
        cur = parent_.at(cur);
    }
    return cur;
}

void internal_topology_builder::unite(const std::string& a, const std::string& b) {
    std::string ra = root(a), rb = root(b);
    if (ra != rb) parent_[rb] = ra;
}

bool internal_topology_builder::is_global_source(const std::string& node_name) const {
    auto it = index_.find(node_name);
    if (it == index_.end()) return false;
    const node_factory& f = nodes_[it->second];
    return f.kind == node_kind::source && f.topics.size() == 1 && global_topics_.count(f.topics[0]);
}

std::map<int, std::vector<std::string>> internal_topology_builder::node_groups() const {
    std::vector<std::string> sources, others;
    for (const auto& f : nodes_) (f.kind == node_kind::source ? sources : others).push_back(f.name);
    auto java_sorted = [](std::vector<std::string>& v) {
        std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return java::compare(a, b) < 0; });
    };
    java_sorted(sources);
    java_sorted(others);
    std::map<int, std::vector<std::string>> groups;
    std::map<std::string, int> root_to_group;
    int next = 0;
    for (const auto* list : {&sources, &others}) {
        for (const auto& n : *list) {
            std::string r = root(n);
            auto it = root_to_group.find(r);
            if (it == root_to_group.end()) it = root_to_group.emplace(r, next++).first;
            groups[it->second].push_back(n);
        }
    }
    return groups;
}

std::set<std::string> internal_topology_builder::source_topics() const {
    std::set<std::string> out;
    for (const auto& f : nodes_) {
        if (f.kind != node_kind::source || is_global_source(f.name)) continue;
        out.insert(f.topics.begin(), f.topics.end());
    }
    return out;
}

std::set<std::string> internal_topology_builder::sink_topics() const {
    std::set<std::string> out;
    for (const auto& f : nodes_) {
        if (f.kind == node_kind::sink && f.extractor.empty()) out.insert(f.topic);
    }
    return out;
}

std::vector<std::set<std::string>> internal_topology_builder::copartition_groups() const {
    // Transitive closure: groups sharing a topic merge (as Kafka's
    // copartitionGroups()).
    std::vector<std::set<std::string>> groups;
    for (const auto& sources : copartition_source_groups_) {
        std::set<std::string> topics;
        for (const auto& s : sources) {
            auto it = index_.find(s);
            if (it != index_.end()) topics.insert(nodes_[it->second].topics.begin(), nodes_[it->second].topics.end());
        }
        for (auto g = groups.begin(); g != groups.end();) {
            bool overlap = std::any_of(g->begin(), g->end(), [&](const std::string& t) { return topics.count(t); });
            if (overlap) {
                topics.insert(g->begin(), g->end());
                g = groups.erase(g);
            } else {
                ++g;
            }
        }
        if (!topics.empty()) groups.push_back(std::move(topics));
    }
    return groups;
}

}  // namespace samsa::streams::internal
