#pragma once
// internal_topology_builder: the processor topology as Kafka Streams'
// InternalTopologyBuilder holds it: node factories (sources, processors,
// sinks) with their predecessors, state stores and their users, global
// stores, internal (repartition) topics and co-partition groups. The DSL
// writes its graph into it; topology (public) wraps it; tasks are built from
// it. Sub-topologies are the connected components of nodes joined by edges
// and by shared stores (union-find, as Kafka's QuickUnion).
//
// Threads: built and read on one thread before the application starts;
// read-only afterwards (tasks only call the factories).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/streams/detail/runtime/node.h"
#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/export.h"
#include "samsa/streams/state/stores.h"
#include "samsa/streams/topology_description.h"

namespace samsa::streams::internal {

enum class node_kind { source, processor, sink };

struct node_factory {
    node_kind kind = node_kind::processor;
    std::string name;
    std::vector<std::string> predecessors;
    // source
    std::vector<std::string> topics;
    std::function<std::unique_ptr<source_node_base>()> make_source;
    // processor: store names in the order they were connected
    std::vector<std::string> stores;
    std::function<std::unique_ptr<processor_node_base>()> make_processor;
    // sink: topic as given (undecorated), or an extractor description
    std::string topic;
    std::string extractor;
    std::function<std::unique_ptr<processor_node_base>(const std::string& decorated_topic)> make_sink;
};

struct global_store_info {
    std::string source_name;
    std::string processor_name;
    std::string topic;
    std::string store_name;
};

class SAMSA_STREAMS_API internal_topology_builder {
public:
    // All throw std::invalid_argument on a reused name, an unknown
    // predecessor or a topic subscribed twice (Kafka's TopologyException):
    // topologies are built at start-up, where exceptions are the error path.
    void add_source(std::string name, std::vector<std::string> topics,
                    std::function<std::unique_ptr<source_node_base>()> make);
    void add_processor(std::string name, std::function<std::unique_ptr<processor_node_base>()> make,
                       std::vector<std::string> predecessors);
    void add_sink(std::string name, std::string topic,
                  std::function<std::unique_ptr<processor_node_base>(const std::string&)> make,
                  std::vector<std::string> predecessors);
    void add_dynamic_sink(std::string name, std::string extractor_description,
                          std::function<std::unique_ptr<processor_node_base>(const std::string&)> make,
                          std::vector<std::string> predecessors);
    void add_state_store(store_builder builder, const std::vector<std::string>& processor_names = {});
    void connect_processor_and_state_store(const std::string& processor, const std::string& store);
    void add_global_store(store_builder builder, std::string source_name, std::string topic,
                          std::function<std::unique_ptr<source_node_base>()> make_source, std::string processor_name,
                          std::function<std::unique_ptr<processor_node_base>()> make_processor);
    void add_internal_topic(const std::string& topic, std::optional<int> partitions = std::nullopt);
    void copartition_sources(const std::set<std::string>& source_names);
    bool has_node(const std::string& name) const { return index_.count(name) > 0; }
    bool has_store(const std::string& name) const { return stores_.count(name) > 0 || global_store_builders_.count(name) > 0; }

    // Groups of node names by sub-topology id (global store groups included),
    // ids assigned as Kafka does: sources by name first, then the rest.
    std::map<int, std::vector<std::string>> node_groups() const;
    topology_description describe() const;

    // For tasks and the runtime.
    const std::vector<node_factory>& nodes() const { return nodes_; }
    const node_factory& node(const std::string& name) const { return nodes_[index_.at(name)]; }
    const std::map<std::string, store_builder>& stores() const { return stores_; }
    const std::map<std::string, store_builder>& global_store_builders() const { return global_store_builders_; }
    const std::vector<global_store_info>& global_stores() const { return global_stores_; }
    const std::map<std::string, std::optional<int>>& internal_topics() const { return internal_topics_; }
    bool is_internal_topic(const std::string& topic) const { return internal_topics_.count(topic) > 0; }
    // The one place internal (repartition) topics get their application
    // prefix, as Kafka Streams names them: "<application.id>-<topic>";
    // other topics are returned as they are. (Changelog topics are named by
    // changelog_topic_name().)
    std::string decorate_topic(std::string_view application_id, const std::string& topic) const {
        if (!is_internal_topic(topic)) return topic;
        std::string out;
        out.reserve(application_id.size() + 1 + topic.size());
        return out.append(application_id).append("-").append(topic);
    }
    bool is_global_source(const std::string& node_name) const;
    // Undecorated names.
    std::set<std::string> source_topics() const;
    std::set<std::string> sink_topics() const;
    std::set<std::string> global_topics() const { return global_topics_; }
    std::vector<std::set<std::string>> copartition_groups() const;

private:
    node_factory& add_node(node_factory f);
    std::string root(const std::string& n) const;
    void unite(const std::string& a, const std::string& b);
    void add_source_topics(const std::vector<std::string>& topics);

    std::vector<node_factory> nodes_;
    std::map<std::string, size_t> index_;
    std::map<std::string, store_builder> stores_;
    std::map<std::string, std::vector<std::string>> store_users_;
    std::map<std::string, store_builder> global_store_builders_;
    std::vector<global_store_info> global_stores_;
    std::set<std::string> subscribed_topics_;
    std::set<std::string> global_topics_;
    std::map<std::string, std::optional<int>> internal_topics_;
    std::vector<std::set<std::string>> copartition_source_groups_;
    mutable std::map<std::string, std::string> parent_;
};

}  // namespace samsa::streams::internal
